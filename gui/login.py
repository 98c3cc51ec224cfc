"""The login dialog (with the language switch) and the change-password dialog.

Both get their core calls injected (``authenticate(username, password) -> Actor``,
``change(old, new)``), so they are tested without a real login flow and kept free of rules.
This module is on the start-up path: it imports no core module that loads SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core import i18n
from core.i18n import t
from gui.messages import error_label
from gui.widgets import Form, app_icon

LANGUAGE_NAMES = (("fi", "Suomi"), ("en", "English"))


class LoginDialog(QDialog):
    """Username, password and language; the core's message under the fields on failure."""

    language_changed = Signal(str)

    def __init__(
        self,
        authenticate: Callable[[str, str], Any],
        *,
        username: str = "",
        demo_hint: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.authenticate = authenticate
        self.actor: Any = None
        self.demo_hint = demo_hint
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(440)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.company = QLabel()
        self.company.setStyleSheet("color: palette(mid);")
        self.company.hide()
        self.form = Form()
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.language = QComboBox()
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(0 if i18n.language() == "fi" else 1)
        self.language.currentIndexChanged.connect(self._language_picked)
        self.form.add("username", "", self.username)
        self.form.add("password", "", self.password)
        self.form.add("language", "", self.language)

        # Its room is kept (three lines: the English refusal wraps), so the buttons under it
        # stay under the mouse when a wrong password is told.
        self.message = error_label(reserve=True, lines=3)
        self.message.setObjectName("loginMessage")
        self.hint = QLabel()
        self.hint.setObjectName("demoHint")
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setStyleSheet("background: #fff6d5; border: 1px solid #e0c060; padding: 6px;")
        self.hint.setVisible(bool(demo_hint))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.company)
        layout.addWidget(self.hint)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.retranslate()
        (self.password if username else self.username).setFocus()

    def set_company(self, name: str) -> None:
        self.company.setText(name)
        self.company.setVisible(bool(name))

    def retranslate(self) -> None:
        self.setWindowTitle(t("login.title"))
        self.heading.setText(t("app.title"))
        self.form.set_label("username", t("login.username"))
        self.form.set_label("password", t("login.password"))
        self.form.set_label("language", t("login.language"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("login.log_in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("common.quit"))
        if self.demo_hint:
            self.hint.setText(t("login.demo_hint", password=self.demo_hint))

    @Slot(int)
    def _language_picked(self, index: int) -> None:
        lang = self.language.itemData(index)
        i18n.set_language(lang)
        self.language_changed.emit(lang)
        self.retranslate()
        self.message.clear()

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    @Slot()
    def try_login(self) -> None:
        from core.errors import AppError

        username = self.username.text().strip()
        if not username:
            self.show_message(t("login.username_missing"))
            self.username.setFocus()
            return
        try:
            self.actor = self.authenticate(username, self.password.text())
        except AppError as exc:
            self.show_message(exc.message())
            self.password.clear()
            self.password.setFocus()
            return
        self.show_message("")
        self.accept()


class ChangePasswordDialog(QDialog):
    """Old password, new password twice; ``forced`` when the user must change it to go on."""

    def __init__(
        self,
        ctx: Any,
        change: Callable[[Any, str, str], None],
        *,
        forced: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx  # gui.context.AppContext: ``change(session, old, new)`` runs as a DbOp
        self.change = change
        self.setWindowTitle(t("users.password.title"))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(460)
        intro = QLabel(t("users.password.forced") if forced else t("users.password.intro"))
        intro.setWordWrap(True)
        self.form = Form()
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for name, edit in (
            ("old_password", self.old),
            ("new_password", self.new),
            ("again", self.again),
        ):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setObjectName(name)
            self.form.add(name, t(f"users.password.{name}"), edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(t("users.password.change"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("common.cancel"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)

    @Slot()
    def submit(self) -> None:
        from gui.ops import DbOp  # loads SQLAlchemy: not on the start-up path

        self.form.clear_errors()
        if self.new.text() != self.again.text():
            self.form.set_errors({"again": t("users.password.mismatch")})
            return
        old, new, change = self.old.text(), self.new.text(), self.change
        self.ok_button.setEnabled(False)  # a double-click changes it once
        DbOp(self.ctx, self, lambda s: change(s, old, new)).success(
            lambda _result: self.accept()
        ).failure(self._refused).run()

    def _refused(self, exc: BaseException) -> None:
        from core.errors import AppError, ValidationError
        from gui.messages import show_error

        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            if not self.form.show_validation(exc):
                self.form.set_errors({"new_password": exc.message()})
        elif isinstance(exc, AppError):
            self.form.set_errors({"old_password": exc.message()})
        else:
            show_error(self, exc)
