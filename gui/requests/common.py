"""What the request screens share: the questions they ask the user (one object, replaced by a
fake in tests). Errors are shown with ``gui.messages``, documents saved with ``gui.documents``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.i18n import t
from gui import documents, messages

SEARCH_DEBOUNCE_MS = 200  # the customer pickers search once the typing pauses this long


class TextDialog(QDialog):
    """Multi-line text (reasons, how identity was checked). Tab leaves the text for the
    buttons and Ctrl+Enter accepts; ``check(text)`` (a core rule) may raise, and then the
    dialog stays open with the message and everything typed."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        label: str,
        note: str = "",
        check: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self._check = check
        self.setWindowTitle(messages.plain_title(title))
        layout = QVBoxLayout(self)
        caption = QLabel(label)
        caption.setWordWrap(True)
        self.edit = QPlainTextEdit()
        self.edit.setAccessibleName(label)
        self.edit.setTabChangesFocus(True)
        caption.setBuddy(self.edit)
        layout.addWidget(caption)
        if note:
            hint = QLabel(note)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #5a5a5a;")
            layout.addWidget(hint)
        layout.addWidget(self.edit, 1)
        self.error = messages.error_label(reserve=True)
        layout.addWidget(self.error)
        keys = QLabel(t("messages.ok_shortcut_hint"))
        keys.setStyleSheet("color: #5a5a5a;")
        layout.addWidget(keys)
        self.buttons = _ok_cancel(self)
        self.buttons.accepted.disconnect()
        self.buttons.accepted.connect(self.try_accept)
        layout.addWidget(self.buttons)
        self.edit.installEventFilter(self)
        self.resize(480, 300)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """Ctrl+Enter in the text accepts (Enter alone starts a new line)."""
        if (
            watched is self.edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.try_accept()
            return True
        return super().eventFilter(watched, event)

    def text(self) -> str:
        return self.edit.toPlainText()

    @Slot()
    def try_accept(self) -> None:
        if self._check is not None:
            try:
                self._check(self.text())
            except Exception as exc:  # noqa: BLE001 (a core rule's error, shown inline)
                messages.show_inline(self.error, exc)
                self.edit.setFocus()
                return
        self.accept()


class Asker:
    """Every question a request screen asks; tests swap in an object with the same methods."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def text(
        self,
        title: str,
        label: str,
        note: str = "",
        check: Callable[[str], Any] | None = None,
    ) -> str | None:
        """Multi-line text (reasons); None when cancelled. ``check``: see ``TextDialog``."""
        dialog = TextDialog(self.parent, title, label, note, check)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.text()

    def months(self, title: str, label: str) -> int | None:
        dialog = QDialog(self.parent)
        dialog.setWindowTitle(messages.plain_title(title))
        layout = QVBoxLayout(dialog)
        spin = QSpinBox()
        spin.setRange(1, 2)
        spin.setValue(1)
        caption = QLabel(label)
        caption.setBuddy(spin)
        spin.setAccessibleName(label)
        layout.addWidget(caption)
        layout.addWidget(spin)
        layout.addWidget(_ok_cancel(dialog))
        return spin.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def confirm(self, text: str, action: str, destructive: bool = False) -> bool:
        return messages.confirm(self.parent, text, action, destructive=destructive)

    def open_file(self, title: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, "", t("req.scan_filter"))
        return Path(name) if name else None

    def save_path(self, suggested: str) -> Path | None:
        return documents.ask_save_path(self.parent, suggested)

    def show_file(self, path: Path) -> None:
        documents.open_file(self.parent, path)

    def print_pdf(self, content: bytes, filename: str) -> None:
        """The print preview of a PDF (its Print opens the system print dialog)."""
        documents.print_pdf(self.parent, content, filename)


def _ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel (in the interface's language) that accept and reject ``dialog``."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("req.cancel"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
