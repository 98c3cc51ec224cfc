"""Long backup work on the task runner with a progress dialog that shows real progress.

``fn(progress, should_abort)`` runs off the GUI thread; its ``progress(done, total, message)``
calls reach the dialog by a queued signal, and the dialog's Cancel button sets the flag that
``should_abort()`` reads (core stops at the next step and removes its unfinished file).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from core.i18n import t
from gui.widgets import app_icon

_RUNNING: set[ProgressRun] = set()  # kept alive here, released on the GUI thread only

Work = Callable[[Callable[[int, int, str], None], Callable[[], bool]], Any]


class _Relay(QObject):
    progressed = Signal(int, int, str)


class ProgressRun:
    """One piece of work with its dialog; ``delay_ms`` > 0 shows the dialog only if it lasts."""

    def __init__(
        self,
        parent: QWidget | None,
        tasks: Any,
        title: str,
        label: str,
        fn: Work,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        *,
        cancellable: bool = True,
        delay_ms: int = 0,
    ) -> None:
        self.abort = threading.Event()
        self.finished = False
        self.on_done, self.on_error = on_done, on_error
        self.label = label
        self.cancellable = cancellable
        dialog = QProgressDialog(label, t("backup.cancel"), 0, 100, parent)
        dialog.setObjectName("backupProgress")
        dialog.setWindowTitle(title)
        dialog.setWindowIcon(app_icon())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumWidth(460)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setValue(0)
        if cancellable:
            dialog.canceled.connect(self.cancel)
        else:
            dialog.setCancelButton(None)
        self.dialog = dialog
        self.relay = _Relay(dialog)  # owned by Qt: never deleted from the worker thread
        self.relay.progressed.connect(self._show)
        self.timer = QTimer(dialog)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._appear)
        if delay_ms > 0:
            dialog.hide()
            self.timer.start(delay_ms)
        else:
            dialog.show()
        _RUNNING.add(self)
        # The worker's job holds only a weak reference: when the thread pool deletes the job
        # on its own thread, no Qt object of this run is released there.
        ref = weakref.ref(self)
        abort = self.abort

        def report(done: int, total: int, message: str) -> None:
            run = ref()
            if run is not None:
                run.relay.progressed.emit(int(done), int(total), message)

        def done(result: Any) -> None:
            run = ref()
            if run is not None:
                run._done(result)

        def failed(exc: BaseException) -> None:
            run = ref()
            if run is not None:
                run._failed(exc)

        tasks.run(lambda: fn(report, abort.is_set), done, failed)

    def cancel(self) -> None:
        if not self.finished:
            self.abort.set()
            self.dialog.setLabelText(t("backup.cancelling"))

    def _appear(self) -> None:
        if not self.finished:
            self.dialog.show()

    def _show(self, done: int, total: int, _message: str) -> None:
        if self.finished:
            return
        total = max(total, 1)
        if self.dialog.maximum() != total:
            self.dialog.setMaximum(total)
        self.dialog.setValue(min(max(done, 0), total))

    def _close(self) -> None:
        self.finished = True
        self.timer.stop()
        if self.cancellable:  # closing a progress dialog emits canceled
            self.dialog.canceled.disconnect(self.cancel)
        self.dialog.hide()
        self.dialog.deleteLater()
        _RUNNING.discard(self)

    def _done(self, result: Any) -> None:
        if self.finished:
            return
        self._close()
        self.on_done(result)

    def _failed(self, exc: BaseException) -> None:
        if self.finished:
            return
        self._close()
        self.on_error(exc)
