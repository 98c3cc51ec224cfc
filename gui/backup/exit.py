"""The automatic backup when the app closes (a manager's desk; core requires Permission.BACKUP).

Runs only when the last backup is older than a day; writes the backup folder and the second
folder (a stick not plugged in is said in a message, and the backup itself is kept). A small progress dialog appears if it lasts;
its Cancel button, or the time limit, stops the backup (core removes the unfinished file), so
closing never waits forever. An error is shown and closing goes on.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QWidget

from core.i18n import t
from gui.backup.progress import ProgressRun
from gui.context import AppContext
from gui.messages import show_error, warn
from gui.widgets import BUSY_DELAY_MS

if TYPE_CHECKING:
    from core.backup.create import BackupResult


def due(ctx: AppContext) -> bool:
    """Is the automatic backup due? (On the task runner: it reads the database.)"""
    from core.backup.create import backup_due

    try:
        return backup_due(ctx.db)
    except Exception:  # noqa: BLE001 - an unreadable database is no reason to stay open
        return False


LIMIT_MS = 10 * 60 * 1000  # give up (and remove the unfinished file) after ten minutes


def backup_on_exit(
    parent: QWidget | None, ctx: AppContext, limit_ms: int = LIMIT_MS, delay_ms: int = BUSY_DELAY_MS
) -> Path | None:
    """The automatic backup if one is due; returns its file (None: not due, cancelled, failed)."""
    from core.backup.create import backup_to_folders
    from core.backup.files import BackupAborted
    from core.security.permissions import Permission

    if not ctx.can(Permission.BACKUP) or not ctx.db.is_sqlite:
        return None
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def done(result: BackupResult | None) -> None:
        outcome["path"] = result.path if result is not None else None
        outcome["problem"] = result.second_problem if result is not None else ""
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    run = ProgressRun(
        parent,
        ctx.tasks,
        t("backup.auto_title"),
        t("backup.auto_running"),
        lambda progress, abort: (
            backup_to_folders(ctx.db, ctx.actor, progress, abort, automatic=True)
            if due(ctx)
            else None
        ),
        done,
        failed,
        delay_ms=delay_ms,
    )
    if not outcome:  # a real worker thread: wait here, the window still paints
        limit = QTimer()
        limit.setSingleShot(True)
        limit.timeout.connect(run.cancel)
        limit.start(limit_ms)
        loop.exec()
        limit.stop()
    error = outcome.get("error")
    if error is not None and not isinstance(error, BackupAborted):
        show_error(parent, error, t("backup.auto_title"))
    if outcome.get("problem"):
        warn(parent, t("backup.auto_title"), outcome["problem"])
    return outcome.get("path")
