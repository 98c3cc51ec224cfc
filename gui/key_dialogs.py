"""The data key on this desk: no usable keyring (what to do), or the recovery key to type in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from core.i18n import t
from gui.widgets import Form, app_icon

RECOVERABLE = ("error.key_missing", "error.key_mismatch")


def keyring_unavailable(parent: QWidget | None, exc: Exception) -> None:
    """No OS keyring (or it failed): say what to do; the app never falls back to a plain file."""
    from core.errors import AppError

    detail = exc.message() if isinstance(exc, AppError) else type(exc).__name__
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        t("app.key.no_keyring_title"),
        t("app.key.no_keyring_text"),
        QMessageBox.StandardButton.Close,
        parent,
    )
    box.setInformativeText(detail)
    box.setWindowIcon(app_icon())
    box.exec()


class RecoveryKeyDialog(QDialog):
    """``install(text)`` is core.settings.install_recovery_key in a transaction."""

    def __init__(
        self, install: Callable[[str], None], reason: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.install = install
        self.setWindowTitle(t("app.key.recovery_title"))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(620)
        intro = QLabel(reason + "\n\n" + t("app.key.recovery_intro"))
        intro.setWordWrap(True)
        self.form = Form()
        self.key = QLineEdit()
        self.key.setObjectName("recovery_key")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.key.setFont(font)
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-…")
        self.form.add("recovery_key", t("field.recovery_key"), self.key)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("app.key.install"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("common.quit"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(buttons, 0, Qt.AlignmentFlag.AlignRight)

    @Slot()
    def submit(self) -> None:
        from core.errors import AppError, ValidationError

        self.form.clear_errors()
        try:
            self.install(self.key.text())
        except ValidationError as exc:
            self.form.set_errors({"recovery_key": t(exc.code, **exc.params)})
            return
        except (AppError, ValueError) as exc:
            text = (
                exc.message() if isinstance(exc, AppError) else t("validation.recovery_key_wrong")
            )
            self.form.set_errors({"recovery_key": text})
            return
        self.accept()
