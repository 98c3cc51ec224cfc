"""What every screen gets injected: the open database, the logged-in user, the task runner."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from core.db import Database
from core.security.permissions import Actor, Permission


class Tasks(Protocol):
    """gui.tasks.TaskRunner, or SyncTaskRunner under tests."""

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None],
        background: bool = ...,
    ) -> None: ...

    def wait(self, msecs: int = ...) -> bool: ...


@dataclass
class AppContext:
    db: Database
    actor: Actor
    tasks: Tasks

    def session(self) -> AbstractContextManager[Session]:
        """``with ctx.session() as s:`` one transaction per user action (``gui.ops.DbOp``)."""
        return self.db.begin()

    def read_session(self):  # type: ignore[no-untyped-def]
        """``with ctx.read_session() as s:`` a read-only transaction (search, list pages):
        it never waits for another desk's save."""
        return self.db.read()

    def can(self, permission: Permission) -> bool:
        return self.actor.can(permission)
