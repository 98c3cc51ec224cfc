"""Users (manager): add, edit, deactivate/activate, unlock, reset password.

Every rule (the last manager, password rules, the confidentiality commitment) is the core's;
this page shows the core's messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.i18n import t
from core.models import Role
from core.security.auth import list_users
from gui.context import AppContext
from gui.messages import confirm, show_error
from gui.ops import DbOp
from gui.rows import register_table
from gui.users.model import users_model
from gui.widgets import Form, add_shortcut, date_edit, date_of, role_text


class UserDialog(QDialog):
    """Add a user (``row`` None) or edit one. ``save(session, values)`` calls the core on the
    task runner; its result is kept in ``saved``. The Save button waits while it runs."""

    def __init__(
        self,
        ctx: AppContext,
        save: Callable[[Session, dict[str, Any]], Any],
        row: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.save = save
        self.saved: Any = None
        self.adding = row is None
        self.setWindowTitle(t("users.add_title") if self.adding else t("users.edit_title"))
        self.setMinimumWidth(520)
        self.form = Form()
        self.username = QLineEdit(row.username if row else "")
        self.username.setReadOnly(not self.adding)
        self.full_name = QLineEdit(row.full_name if row else "")
        self.title_edit = QLineEdit(row.title if row else "")
        self.title_en = QLineEdit(row.title_en if row else "")
        self.role = QComboBox()
        for role in (Role.RECEPTIONIST.value, Role.MANAGER.value):
            self.role.addItem(role_text(role), role)
        if row is not None:
            self.role.setCurrentIndex(self.role.findData(row.role))
        self.signed_on = date_edit(row.confidentiality_signed_on if row else None)
        fields: list[tuple[str, str, QWidget, str]] = [
            ("username", t("field.username"), self.username, ""),
            ("full_name", t("field.full_name"), self.full_name, ""),
            ("title", t("field.title"), self.title_edit, t("setup.hint.title")),
            ("title_en", t("field.title_en"), self.title_en, t("users.hint.title_en")),
            ("role", t("field.role"), self.role, ""),
            (
                "confidentiality_signed_on",
                t("field.confidentiality_signed_on"),
                self.signed_on,
                t("setup.hint.confidentiality"),
            ),
        ]
        self.password = QLineEdit()
        self.again = QLineEdit()
        if self.adding:
            for edit in (self.password, self.again):
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            fields += [
                (
                    "password",
                    t("users.initial_password"),
                    self.password,
                    t("users.initial_password_hint"),
                ),
                ("again", t("users.password.again_plain"), self.again, ""),
            ]
        for name, label, widget, hint in fields:
            widget.setObjectName(name)
            self.form.add(name, label, widget, hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(t("common.save"))  # not Qt's English "Save"
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("common.cancel"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if self.adding:
            note = QLabel(t("users.add_note"))
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.title_edit.textChanged.connect(self._mark_title_en)
        self.title_en.textChanged.connect(self._mark_title_en)
        self._mark_title_en()

    @Slot()
    def _mark_title_en(self) -> None:
        """A Finnish title without its English one: English letters print no title."""
        missing = bool(self.title_edit.text().strip()) and not self.title_en.text().strip()
        self.form.set_error("title_en", t("users.title_en_missing") if missing else "")

    def values(self) -> dict[str, Any]:
        return {
            "username": self.username.text().strip(),
            "full_name": self.full_name.text(),
            "title": self.title_edit.text(),
            "title_en": self.title_en.text(),
            "role": self.role.currentData(),
            "confidentiality_signed_on": date_of(self.signed_on),
            "password": self.password.text(),
        }

    @Slot()
    def submit(self) -> None:
        self.form.clear_errors()
        self._mark_title_en()
        if self.adding and self.password.text() != self.again.text():
            self.form.set_errors({"again": t("users.password.mismatch")})
            return
        values, save = self.values(), self.save
        self.save_button.setEnabled(False)  # a double-click saves once
        DbOp(self.ctx, self, lambda s: save(s, values)).success(self._saved).failure(
            self._refused
        ).run()

    def _saved(self, result: Any) -> None:
        self.saved = result
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if not (
            isinstance(exc, ValidationError)
            and self.form.show_validation(exc, {"new_password": "password"})
        ):
            show_error(self, exc)


class ResetPasswordDialog(QDialog):
    """A new initial password; ``reset(session, password)`` runs on the task runner."""

    def __init__(
        self,
        ctx: AppContext,
        reset: Callable[[Session, str], None],
        username: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reset = reset
        self.setWindowTitle(t("users.reset_title", username=username))
        self.setMinimumWidth(460)
        note = QLabel(t("users.reset_note"))
        note.setWordWrap(True)
        self.form = Form()
        self.password = QLineEdit()
        self.again = QLineEdit()
        for name, label, edit in (
            ("password", t("users.initial_password"), self.password),
            ("again", t("users.password.again_plain"), self.again),
        ):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setObjectName(name)
            self.form.add(name, label, edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("common.cancel"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.form)
        layout.addWidget(buttons)

    @Slot()
    def submit(self) -> None:
        self.form.clear_errors()
        if self.password.text() != self.again.text():
            self.form.set_errors({"again": t("users.password.mismatch")})
            return
        password, reset = self.password.text(), self.reset
        self.ok_button.setEnabled(False)  # a double-click resets once
        DbOp(self.ctx, self, lambda s: reset(s, password)).success(
            lambda _result: self.accept()
        ).failure(self._refused).run()

    def _refused(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.set_errors({"password": t(exc.code, **exc.params)})
        else:
            show_error(self, exc)


class UsersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = users_model(self)
        self.table = QTableView()
        self.table.setObjectName("usersTable")
        register_table(self.table, self.model, t("app.page.users"))
        self.table.doubleClicked.connect(self.edit_user)

        heading = QLabel(t("app.page.users"))
        heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, slot, shortcut in (
            ("add", self.add_user, "Ctrl+N"),
            ("edit", self.edit_user, "Return"),
            ("toggle_active", self.toggle_active, ""),
            ("unlock", self.unlock, ""),
            ("reset", self.reset_password, ""),
        ):
            button = QPushButton(t(f"users.{key}"))
            button.setObjectName(key)
            button.clicked.connect(slot)
            if shortcut == "Ctrl+N":
                add_shortcut(button, shortcut)
                button.setToolTip(shortcut)
            self.buttons[key] = button
            bar.addWidget(button)
        bar.addStretch(1)
        QShortcut(
            QKeySequence(Qt.Key.Key_Return),
            self.table,
            self.edit_user,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    # --- data ---------------------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        ctx = self.ctx
        current = self.selected()
        keep = select_id if select_id is not None else (current.id if current else None)

        def show(rows: list[Any]) -> None:
            self.model.show_rows(self.table, rows, keep)
            self._update_buttons()

        DbOp(ctx, self, lambda s: list_users(s, ctx.actor)).success(show).run()

    def selected(self) -> Any:
        return self.model.current_row(self.table)

    def _update_buttons(self) -> None:
        row = self.selected()
        for key in ("edit", "toggle_active", "unlock", "reset"):
            self.buttons[key].setEnabled(row is not None)
        if row is not None:
            self.buttons["toggle_active"].setText(
                t("users.deactivate") if row.active else t("users.activate")
            )
            self.buttons["unlock"].setEnabled(bool(row.locked))

    def _call(
        self,
        fn: Callable[[Session], None],
        select_id: int | None = None,
        then: Callable[[], object] | None = None,
    ) -> None:
        """Run one core call in a transaction, then refresh; its message if it refuses."""

        def done(_result: None) -> None:
            self.refresh(select_id)
            if then is not None:
                then()

        DbOp(self.ctx, self, fn).success(done).run()

    # --- actions ------------------------------------------------------------------------------

    @Slot()
    def add_user(self) -> None:
        actor = self.ctx.actor

        def save(s: Session, values: dict[str, Any]) -> int:
            from core.security.auth import create_user

            return create_user(
                s,
                actor,
                values["username"],
                values["full_name"],
                values["role"],
                values["password"],
                values["confidentiality_signed_on"],
                values["title"],
                must_change_password=True,
                title_en=values["title_en"],
            ).id

        dialog = UserDialog(self.ctx, save, parent=self)
        if dialog.exec():
            self.refresh(dialog.saved)

    @Slot()
    def edit_user(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.ctx.actor

        def save(s: Session, values: dict[str, Any]) -> None:
            from core.security.auth import update_user

            update_user(
                s,
                actor,
                row.id,
                full_name=values["full_name"],
                title=values["title"],
                title_en=values["title_en"],
                role=values["role"],
                confidentiality_signed_on=values["confidentiality_signed_on"],
            )

        if UserDialog(self.ctx, save, row, parent=self).exec():
            self.refresh(row.id)

    @Slot()
    def toggle_active(self) -> None:
        from core.security.auth import set_active

        row = self.selected()
        if row is None:
            return
        if row.active and not confirm(
            self,
            t("users.deactivate_confirm", name=row.full_name or row.username),
            t("messages.action.deactivate_user"),
        ):
            return
        self._call(lambda s: set_active(s, self.ctx.actor, row.id, not row.active), row.id)

    @Slot()
    def unlock(self) -> None:
        from core.security.auth import unlock_user

        row = self.selected()
        if row is not None:
            self._call(
                lambda s: unlock_user(s, self.ctx.actor, row.id),
                row.id,
                lambda: QMessageBox.information(
                    self, t("app.page.users"), t("users.unlocked", username=row.username)
                ),
            )

    @Slot()
    def reset_password(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.ctx.actor

        def reset(s: Session, password: str) -> None:
            from core.security.auth import reset_password

            reset_password(s, actor, row.id, password)

        if ResetPasswordDialog(self.ctx, reset, row.username, parent=self).exec():
            self.refresh(row.id)
