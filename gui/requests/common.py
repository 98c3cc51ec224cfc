"""What the request screens share: the questions they ask the user (one object, replaced by a
fake in tests). Errors are shown with ``gui.messages``, documents saved with ``gui.documents``."""

from __future__ import annotations

from pathlib import Path

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


class Asker:
    """Every question a request screen asks; tests swap in an object with the same methods."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def text(self, title: str, label: str, note: str = "") -> str | None:
        """Multi-line text (reasons); None when cancelled."""
        dialog = QDialog(self.parent)
        dialog.setWindowTitle(title)
        layout = QVBoxLayout(dialog)
        caption = QLabel(label)
        caption.setWordWrap(True)
        edit = QPlainTextEdit()
        edit.setAccessibleName(label)
        caption.setBuddy(edit)
        layout.addWidget(caption)
        if note:
            hint = QLabel(note)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #5a5a5a;")
            layout.addWidget(hint)
        layout.addWidget(edit)
        layout.addWidget(_ok_cancel(dialog))
        dialog.resize(480, 260)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return edit.toPlainText()

    def months(self, title: str, label: str) -> int | None:
        dialog = QDialog(self.parent)
        dialog.setWindowTitle(title)
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
