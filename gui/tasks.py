"""One task runner with a single worker for database work; results come back by signal.

Screens run database work through ``gui.ops.DbOp``, which calls
``ctx.tasks.run(fn, on_done, on_error)``: ``fn`` runs off the GUI thread, ``on_done(result)`` or
``on_error(exc)`` runs on the GUI thread. ``on_error`` is required: a failure always has somewhere
to go. ``background=True`` work (reading ahead what later work will want) has a worker of its
own, so that it never holds up what the user waits for. Tests use ``SyncTaskRunner``, which runs everything at once (like Picard's
FakeThreadPool) and delivers through the same ``_outcome`` as the real runner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


def _outcome(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None,
    on_error: Callable[[BaseException], None],
) -> tuple[Callable[[Any], None], Any] | None:
    """Run ``fn``; the callback to call on the GUI thread and its argument (None: nothing)."""
    try:
        result = fn()
    except BaseException as exc:  # delivered to the GUI thread, never lost
        return on_error, exc
    return (on_done, result) if on_done is not None else None


class _Relay(QObject):
    done = Signal(object, object)  # (callback, result)


class _Job(QRunnable):
    def __init__(
        self,
        fn: Callable[[], Any],
        relay: _Relay,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self.fn, self.relay, self.on_done, self.on_error = fn, relay, on_done, on_error

    def run(self) -> None:
        outcome = _outcome(self.fn, self.on_done, self.on_error)
        if outcome is not None:
            self.relay.done.emit(*outcome)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.background = QThreadPool(self)
        self.background.setMaxThreadCount(1)
        self.relay = _Relay()
        self.relay.done.connect(self._deliver)

    @Slot(object, object)
    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        callback(value)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None],
        background: bool = False,
    ) -> None:
        pool = self.background if background else self.pool
        pool.start(_Job(fn, self.relay, on_done, on_error))

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs) and self.background.waitForDone(msecs)


class SyncTaskRunner:
    """Runs tasks immediately on the calling thread (tests); delivers like ``TaskRunner``."""

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None],
        background: bool = False,
    ) -> None:
        outcome = _outcome(fn, on_done, on_error)
        if outcome is not None:
            callback, value = outcome
            callback(value)

    def wait(self, msecs: int = 0) -> bool:
        return True
