"""What the request screens share: the questions they ask the user (one object, replaced by a
fake in tests), saving a produced document, and showing a core error inline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.errors import AppError
from core.files import write_private
from core.i18n import t


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

    def confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self.parent, t("req.gui.confirm_title"), text)
        return answer == QMessageBox.StandardButton.Yes

    def open_file(self, title: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, "", t("req.gui.scan_filter"))
        return Path(name) if name else None

    def save_path(self, suggested: str) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name, _ = QFileDialog.getSaveFileName(
            self.parent, t("req.gui.save_title"), str(Path(folder) / suggested)
        )
        return Path(name) if name else None

    def show_file(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def save_produced(asker: Any, produced: Any, open_after: bool = True) -> Path | None:
    """Ask where to save a produced document, write it readable by the owner only, open it."""
    path = asker.save_path(produced.filename)
    if path is None:
        return None
    write_private(path, produced.content)
    if open_after:
        asker.show_file(path)
    return path


def error_text(exc: BaseException) -> str:
    if isinstance(exc, AppError):
        return exc.message()
    return t("req.gui.unexpected_error", detail=type(exc).__name__)


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #a4000f; font-weight: bold;")
    label.setVisible(False)
    return label


def show_inline(label: QLabel, exc: BaseException | None) -> None:
    if exc is None:
        label.clear()
        label.setVisible(False)
    else:
        label.setText(error_text(exc))
        label.setVisible(True)


def _ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel (in the interface's language) that accept and reject ``dialog``."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("req.gui.cancel"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
