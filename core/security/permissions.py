"""Who may do what: roles, permissions and the acting user (DESIGN.md section 6) [S12][S13].

Every service function takes the acting user and calls ``require`` itself, whatever calls it
(the GUI, the command line, a test); the GUI only hides what the user may not do. The audit log
and the logins both build on this module, and it imports neither.

Exporting the whole register is a bulk disclosure (DESIGN.md section 6): ``EXPORT`` is the
manager's only. A user's rights are those of their ``User`` row now, not at login: the first
statement of each transaction after ``require`` rechecks that the row is active and has no
password change pending (``_recheck_user``), so a deactivated user's open window stops working
and a password that must be changed is changed before anything else (``change_own_password``
calls no ``require``).
"""

from __future__ import annotations

import enum
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from core.errors import PermissionDenied
from core.models import Role, User


class Permission(enum.StrEnum):
    CUSTOMERS = "customers"
    ORDERS = "orders"
    HETU_REVEAL = "hetu_reveal"
    IMPORT = "import"
    EXPORT = "export"
    EXPORT_HETU = "export_hetu"
    REQUEST_INTAKE = "request_intake"
    ACCESS_REPORT = "access_report"
    BLANK_FORMS = "blank_forms"
    STATISTICS = "statistics"
    REQUEST_DECIDE = "request_decide"
    ERASE = "erase"
    LETTERS = "letters"
    USERS = "users"
    AUDIT_LOG = "audit_log"
    AUDIT_EXPORT = "audit_export"
    SETTINGS = "settings"
    BACKUP = "backup"
    RETENTION = "retention"
    MERGE = "merge"
    RECIPIENTS = "recipients"


RECEPTIONIST_PERMISSIONS = frozenset(
    {
        Permission.CUSTOMERS,
        Permission.ORDERS,
        Permission.HETU_REVEAL,
        Permission.IMPORT,
        Permission.REQUEST_INTAKE,
        Permission.ACCESS_REPORT,
        Permission.BLANK_FORMS,
        Permission.STATISTICS,
    }
)
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.RECEPTIONIST.value: RECEPTIONIST_PERMISSIONS,
    Role.MANAGER.value: frozenset(Permission),
}


@dataclass(frozen=True)
class Actor:
    """The logged-in user every service call acts as."""

    user_id: int
    username: str
    role: str
    full_name: str = ""
    title: str = ""  # Finnish, printed under the signature of a Finnish letter
    must_change_password: bool = False
    title_en: str = ""  # printed under the signature of an English letter

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER.value


SYSTEM = Actor(user_id=0, username="system", role=Role.MANAGER.value, full_name="system")


# The actor of the service call running on this thread, set by ``require``.
_acting: ContextVar[Actor | None] = ContextVar("acting_actor", default=None)
_CHECKED = "permissions.checked_user"


def require(actor: object, permission: Permission) -> None:
    if not isinstance(actor, Actor) or not actor.can(permission):
        raise PermissionDenied("error.permission_denied", action=f"permission.{permission.value}")
    _acting.set(actor)


@event.listens_for(Session, "do_orm_execute")
def _recheck_before_statement(state: ORMExecuteState) -> None:
    _recheck_user(state.session)


@event.listens_for(Session, "before_flush")
def _recheck_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    _recheck_user(session)


def _recheck_user(session: Session) -> None:
    """Once per transaction and actor, before its first statement or flush: the acting user's
    row must still be active and must not wait for a password change. One primary-key read;
    later statements skip it."""
    actor = _acting.get()
    if actor is None or actor.user_id == SYSTEM.user_id:
        return
    transaction: Any = session.get_transaction()
    key = (id(transaction), actor.user_id)
    if session.info.get(_CHECKED) == key:
        return
    row = (
        session.connection()
        .execute(select(User.active, User.must_change_password).where(User.id == actor.user_id))
        .first()
    )
    if row is None or not row.active:
        _acting.set(None)
        raise PermissionDenied("error.user_inactive")
    if row.must_change_password:
        _acting.set(None)
        raise PermissionDenied("error.password_change_required")
    session.info[_CHECKED] = key


@event.listens_for(Session, "after_transaction_end")
def _forget_actor(session: Session, transaction: Any) -> None:
    """A finished transaction ends the service call: the next one names its actor again."""
    if transaction.parent is None:
        _acting.set(None)
        session.info.pop(_CHECKED, None)
