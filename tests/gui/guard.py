"""A GUI test fails when a screen opens a database session on the GUI thread.

``guard_sessions(db, monkeypatch)`` wraps ``db.begin`` and ``db.read``. A session opened from
code in ``gui/`` must come from a task (``gui.ops.DbOp`` on the task runner): on a worker thread,
or, under ``SyncTaskRunner``, inside the ``GuardedRunner`` that the GUI fixtures use. The test's
own set-up (a ``with ctx.session()`` in a test function) is not a screen and is allowed, and so
are the documented start-up reads in ``ALLOWED`` (before any window and its task runner exist).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QThread

from core.db import Database
from gui.tasks import SyncTaskRunner

# (module, function) of the GUI code that may open a session on the GUI thread: the shell's
# steps between the login and the main window, which has no task runner yet.
ALLOWED = {
    ("gui.app", "check_key"),
    ("gui.app", "install"),
    ("gui.app", "warn_due"),
    ("gui.app", "authenticate"),
}

# Frames that are the plumbing between the screen and the session, not the screen.
_PLUMBING = ("core.", "sqlalchemy", "contextlib", "gui.context", "tests.gui.guard")

_in_task = threading.local()


class GuardedRunner(SyncTaskRunner):
    """``SyncTaskRunner`` that marks the work it runs as a task (the thread is the GUI's)."""

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None],
        background: bool = False,
    ) -> None:
        def marked() -> Any:
            depth = getattr(_in_task, "depth", 0)
            _in_task.depth = depth + 1
            try:
                return fn()
            finally:
                _in_task.depth = depth

        super().run(marked, on_done, on_error)


def _screen_caller() -> tuple[str, str] | None:
    """The (module, function) in gui/ that asked for the session, or None (a test, core)."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not module.startswith(_PLUMBING):
            return (module, frame.f_code.co_name) if module.startswith("gui.") else None
        frame = frame.f_back  # type: ignore[assignment]
    return None


def on_gui_thread_outside_task() -> bool:
    app = QCoreApplication.instance()
    on_gui_thread = app is None or QThread.currentThread() is app.thread()
    return on_gui_thread and getattr(_in_task, "depth", 0) == 0


def guard_sessions(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Wrap ``db``'s sessions; the list of violations (the test also fails at once)."""
    violations: list[str] = []

    def guarded(opener: Callable[[], Any]) -> Callable[[], Any]:
        @contextmanager
        def session() -> Iterator[Any]:
            caller = _screen_caller()
            if caller is not None and caller not in ALLOWED and on_gui_thread_outside_task():
                where = f"{caller[0]}.{caller[1]}"
                violations.append(where)
                raise AssertionError(f"a database session opened on the GUI thread in {where}")
            with opener() as s:
                yield s

        return session

    monkeypatch.setattr(db, "begin", guarded(db.begin))
    monkeypatch.setattr(db, "read", guarded(db.read))
    return violations


class DeferredRunner(GuardedRunner):
    """Keeps each task until ``run_pending()``: what a screen shows while its work runs."""

    def __init__(self) -> None:
        self.pending: list[tuple[Callable[[], Any], Any, Callable[[BaseException], None]]] = []

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None],
        background: bool = False,
    ) -> None:
        self.pending.append((fn, on_done, on_error))

    def run_pending(self) -> int:
        count = 0
        while self.pending:
            fn, on_done, on_error = self.pending.pop(0)
            GuardedRunner.run(self, fn, on_done, on_error)
            count += 1
        return count
