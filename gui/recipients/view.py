"""The register of recipients and sources (manager): the organisations data is disclosed to or
comes from, with the postal address their notices (Art. 19) are mailed to. An entry without a
full address is marked; a notice to it is refused until it is completed here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.i18n import t
from core.recipients import (
    RecipientRow,
    create_recipient,
    list_recipients,
    missing_fields,
    update_recipient,
)
from core.security.permissions import Permission
from gui.context import AppContext
from gui.messages import show_error
from gui.ops import DbOp
from gui.rows import Column, RowsModel, RowStyle, register_table
from gui.widgets import Form, OpeningTable, add_shortcut

INCOMPLETE = RowStyle(foreground=QColor("#b3261e"))

FIELDS = ("name", "business_id", "street", "postal_code", "city", "country", "email")


def address_state(row: RecipientRow) -> str:
    missing = missing_fields(row)
    if not missing:
        return t("recipients.address_complete")
    return t(
        "recipients.address_missing", fields=", ".join(t(f"field.{f}").lower() for f in missing)
    )


def recipients_model(parent: Any = None) -> RowsModel:
    columns = [
        Column("field.name", lambda r: r.name),
        Column("field.business_id", lambda r: r.business_id),
        Column("field.street", lambda r: r.street),
        Column("field.postal_code", lambda r: r.postal_code),
        Column("field.city", lambda r: r.city),
        Column("field.email", lambda r: r.email),
        Column("recipients.col.address", address_state),
    ]
    return RowsModel(columns, parent, style=lambda r: INCOMPLETE if missing_fields(r) else None)


class RecipientDialog(QDialog):
    """Add an entry (``row`` None) or edit one. ``save(session, values)`` calls the core on
    the task runner; its result is kept in ``saved``. The Save button waits while it runs."""

    def __init__(
        self,
        ctx: AppContext,
        save: Callable[[Session, dict[str, str]], Any],
        row: RecipientRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.save = save
        self.saved: Any = None
        self.setWindowTitle(
            t("recipients.add_title") if row is None else t("recipients.edit_title")
        )
        self.setMinimumWidth(520)
        self.form = Form()
        self.edits: dict[str, QLineEdit] = {}
        for name in FIELDS:
            edit = QLineEdit(getattr(row, name) if row else ("FI" if name == "country" else ""))
            edit.setObjectName(name)
            self.edits[name] = edit
            self.form.add(name, t(f"field.{name}"), edit)
        note = QLabel(t("recipients.address_note"))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(t("common.save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("common.cancel"))
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.edits.items()}

    @Slot()
    def submit(self) -> None:
        self.form.clear_errors()
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
        if not (isinstance(exc, ValidationError) and self.form.show_validation(exc)):
            show_error(self, exc)


class RecipientsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = recipients_model(self)
        self.table = OpeningTable()  # Enter or a double-click edits the entry
        self.table.setObjectName("recipientsTable")
        register_table(self.table, self.model, t("app.page.recipients"))
        self.table.open_requested.connect(lambda _row: self.edit_recipient())

        heading = QLabel(t("app.page.recipients"))
        heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        intro = QLabel(t("recipients.intro"))
        intro.setWordWrap(True)
        self.add_button = QPushButton(t("recipients.add"))
        self.add_button.setObjectName("add")
        add_shortcut(self.add_button, "Ctrl+N")
        self.add_button.setToolTip("Ctrl+N")
        self.add_button.clicked.connect(self.add_recipient)
        self.edit_button = QPushButton(t("recipients.edit"))
        self.edit_button.setObjectName("edit")
        self.edit_button.clicked.connect(self.edit_recipient)
        editable = ctx.can(Permission.RECIPIENTS)
        self.add_button.setEnabled(editable)
        bar = QHBoxLayout()
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        ctx = self.ctx
        current = self.selected()
        keep = select_id if select_id is not None else (current.id if current else None)

        def show(rows: list[Any]) -> None:
            self.model.show_rows(self.table, rows, keep)
            self._update_buttons()

        DbOp(ctx, self, lambda s: list_recipients(s, ctx.actor)).success(show).run()

    def selected(self) -> RecipientRow | None:
        return self.model.current_row(self.table)

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(
            self.selected() is not None and self.ctx.can(Permission.RECIPIENTS)
        )

    @Slot()
    def add_recipient(self) -> None:
        actor = self.ctx.actor

        def save(s: Session, values: dict[str, str]) -> int:
            return create_recipient(s, actor, values).id

        dialog = RecipientDialog(self.ctx, save, parent=self)
        if dialog.exec():
            self.refresh(dialog.saved)

    @Slot()
    def edit_recipient(self) -> None:
        row = self.selected()
        if row is None or not self.ctx.can(Permission.RECIPIENTS):
            return
        actor = self.ctx.actor

        def save(s: Session, values: dict[str, str]) -> None:
            update_recipient(s, actor, row.id, values)

        if RecipientDialog(self.ctx, save, row, parent=self).exec():
            self.refresh(row.id)
