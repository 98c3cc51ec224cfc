"""What every screen gets injected: the open database, the logged-in user, the task runner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.db import Database
from core.security.permissions import Actor, Permission


@dataclass
class AppContext:
    db: Database
    actor: Actor
    tasks: Any  # gui.tasks.TaskRunner or SyncTaskRunner

    def session(self):  # type: ignore[no-untyped-def]
        """``with ctx.session() as s:`` one transaction per user action."""
        return self.db.begin()

    def read_session(self):  # type: ignore[no-untyped-def]
        """``with ctx.read_session() as s:`` a read-only transaction (search, list pages):
        it never waits for another desk's save."""
        return self.db.read()

    def can(self, permission: Permission) -> bool:
        return self.actor.can(permission)
