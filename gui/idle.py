"""The idle lock: after the configured minutes without input the window is covered by a lock
screen asking the same user's password. Nothing is closed, so unsaved edits survive; logging in
as another user instead discards them after a confirmation.

``IdleWatcher`` watches input app-wide (an event filter on the application) and emits ``idle``.
``LockScreen`` is the password box. ``LockController`` covers the main window and any open
dialogs; when a modal dialog is open the lock box goes over that dialog, which is the only
window that can take input then.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.i18n import t
from gui.messages import error_label, show_inline

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
        QEvent.Type.ShortcutOverride,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` after ``interval_ms`` without keyboard, mouse or touch input."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, interval_ms))
        self.timer.timeout.connect(self.idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()

    def set_interval(self, interval_ms: int) -> None:
        self.timer.setInterval(max(1, interval_ms))
        self.restart()

    def restart(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() in INPUT_EVENTS and self.timer.isActive():
            self.timer.start()
        return False


class LockScreen(QFrame):
    """The password box shown while locked."""

    unlocked = Signal()
    switch_user = Signal()

    def __init__(
        self,
        verify: Callable[[str, Callable[[object], None], Callable[[BaseException], None]], None],
        who: str,
        parent: QWidget | None = None,
    ) -> None:
        """``verify(password, on_right, on_wrong)`` checks the password off the GUI thread and
        calls ``on_right(_)``, or ``on_wrong(exc)`` with an AppError (with message)."""
        super().__init__(parent)
        self.verify = verify
        self.setObjectName("lockScreen")
        box = QFrame()
        box.setObjectName("lockBox")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setFixedWidth(420)
        title = QLabel(t("login.lock.title"))
        title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        text = QLabel(t("login.lock.text", who=who))
        text.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        label = QLabel(t("login.password"))
        label.setBuddy(self.password)
        self.password.setAccessibleName(t("login.password").replace("&", ""))
        self.password.returnPressed.connect(self.try_unlock)
        self.message = error_label(reserve=True)  # a wrong password moves no button
        self.message.setObjectName("lockMessage")
        self.unlock_button = QPushButton(t("login.lock.unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.other_button = QPushButton(t("login.lock.other_user"))
        self.other_button.clicked.connect(self.switch_user)

        inner = QVBoxLayout(box)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.setSpacing(8)
        inner.addWidget(title)
        inner.addWidget(text)
        inner.addWidget(label)
        inner.addWidget(self.password)
        inner.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addWidget(self.other_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def reset(self) -> None:
        self.password.clear()
        show_inline(self.message, None)
        self.unlock_button.setEnabled(True)
        self.password.setFocus()

    @Slot()
    def try_unlock(self) -> None:
        if not self.unlock_button.isEnabled():
            return  # the password is being checked
        self.unlock_button.setEnabled(False)
        self.verify(self.password.text(), self._right, self._wrong)

    def _right(self, _result: object) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        show_inline(self.message, None)
        self.unlocked.emit()

    def _wrong(self, exc: BaseException) -> None:
        from core.errors import AppError

        self.unlock_button.setEnabled(True)
        self.password.clear()
        if isinstance(exc, AppError) and exc.code == "auth.invalid":
            self.message.setText(t("login.lock.wrong"))
            self.message.setVisible(True)
        else:
            show_inline(self.message, exc)
        self.password.setFocus()


class _Cover(QFrame):
    """An opaque child that hides a window's contents and takes its input while locked."""

    def __init__(self, host: QWidget, content: QWidget | None) -> None:
        super().__init__(host)
        self.setAutoFillBackground(True)
        self.setObjectName("lockCover")
        layout = QVBoxLayout(self)
        if content is not None:
            layout.addWidget(content)
        else:
            label = QLabel(t("login.lock.covered"))
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.setGeometry(host.rect())
        host.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())  # type: ignore[attr-defined]
        return False


class _Focus:
    """Where the user was typing when the lock came: the widget, its cursor and selection
    (the lock screen takes the focus, and giving it back must not select the field's text,
    or the next keystroke would wipe it)."""

    def __init__(self, window: QWidget | None) -> None:
        widget = window.focusWidget() if window is not None else None
        self.widget = widget
        self.cursor: tuple[int, int, int] | None = None
        self.text_cursor = None
        if isinstance(widget, QLineEdit):
            self.cursor = (
                widget.cursorPosition(),
                widget.selectionStart(),
                len(widget.selectedText()),
            )
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            self.text_cursor = widget.textCursor()

    def restore(self) -> None:
        widget = self.widget
        if widget is None or not shiboken6.isValid(widget) or not widget.isVisible():
            return
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(widget, QLineEdit) and self.cursor is not None:
            position, start, length = self.cursor
            if length and start >= 0:
                end = start + length
                # the cursor stays at the end where it was: setSelection puts it after the length
                if position == start:
                    widget.setSelection(end, -length)
                else:
                    widget.setSelection(start, length)
            else:
                widget.deselect()
                widget.setCursorPosition(position)
        elif isinstance(widget, QPlainTextEdit | QTextEdit) and self.text_cursor is not None:
            widget.setTextCursor(self.text_cursor)


class LockController(QObject):
    """Locks and unlocks a main window that has ``show_locked(bool)``."""

    locked_changed = Signal(bool)

    def __init__(self, window: QWidget, lock_screen: LockScreen) -> None:
        super().__init__(window)
        self.window = window
        self.screen = lock_screen
        self.locked = False
        self.covers: list[_Cover] = []
        self.focus = _Focus(None)
        lock_screen.unlocked.connect(self.unlock)

    @Slot()
    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        host = QApplication.activeModalWidget()
        self.focus = _Focus(host or self.window)
        for widget in QApplication.topLevelWidgets():
            if widget is self.window or widget is host or not widget.isVisible():
                continue
            if isinstance(widget, QDialog) or widget.parent() is not None:
                self.covers.append(_Cover(widget, None))
        if host is not None and host is not self.window:
            self.window.show_locked(True, with_screen=False)  # type: ignore[attr-defined]
            self.covers.append(_Cover(host, self.screen))
        else:
            self.window.show_locked(True, with_screen=True)  # type: ignore[attr-defined]
        self.screen.reset()
        self.locked_changed.emit(True)

    @Slot()
    def unlock(self) -> None:
        if not self.locked:
            return
        self.locked = False
        self.screen.setParent(None)
        for cover in self.covers:
            cover.hide()
            cover.deleteLater()
        self.covers.clear()
        self.window.show_locked(False)  # type: ignore[attr-defined]
        self.focus.restore()
        self.focus = _Focus(None)
        self.locked_changed.emit(False)
