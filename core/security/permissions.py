"""Who may do what: roles, permissions and the acting user (DESIGN.md section 6) [S12][S13].

Every service function takes the acting user and calls ``require`` itself, whatever calls it
(the GUI, the command line, a test); the GUI only hides what the user may not do. The audit log
and the logins both build on this module, and it imports neither.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.errors import PermissionDenied
from core.models import Role


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
    SETTINGS = "settings"
    BACKUP = "backup"
    RETENTION = "retention"
    MERGE = "merge"


RECEPTIONIST_PERMISSIONS = frozenset(
    {
        Permission.CUSTOMERS,
        Permission.ORDERS,
        Permission.HETU_REVEAL,
        Permission.IMPORT,
        Permission.EXPORT,
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
    title: str = ""
    must_change_password: bool = False

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER.value


SYSTEM = Actor(user_id=0, username="system", role=Role.MANAGER.value, full_name="system")


def require(actor: object, permission: Permission) -> None:
    if not isinstance(actor, Actor) or not actor.can(permission):
        raise PermissionDenied("error.permission_denied", action=f"permission.{permission.value}")
