"""One task runner with a single worker for database work; results come back by signal.

Screens call ``ctx.tasks.run(fn, on_done, on_error)``: ``fn`` runs off the GUI thread (it opens
its own transaction), ``on_done(result)`` / ``on_error(exc)`` run on the GUI thread. Tests use
``SyncTaskRunner``, which runs everything at once (like Picard's FakeThreadPool).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    done = Signal(object, object)  # (callback, result)


class _Job(QRunnable):
    def __init__(
        self,
        fn: Callable[[], Any],
        relay: _Relay,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__()
        self.fn, self.relay, self.on_done, self.on_error = fn, relay, on_done, on_error

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            if self.on_error is not None:
                self.relay.done.emit(self.on_error, exc)
            return
        if self.on_done is not None:
            self.relay.done.emit(self.on_done, result)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.relay = _Relay()
        self.relay.done.connect(self._deliver)

    @Slot(object, object)
    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        callback(value)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.pool.start(_Job(fn, self.relay, on_done, on_error))

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


class SyncTaskRunner:
    """Runs tasks immediately on the calling thread (tests)."""

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        try:
            result = fn()
        except BaseException as exc:
            if on_error is None:
                raise
            on_error(exc)
            return
        if on_done is not None:
            on_done(result)

    def wait(self, msecs: int = 0) -> bool:
        return True
