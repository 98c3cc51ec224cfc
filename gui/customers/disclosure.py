"""Record a disclosure [S9][S10]: the recipient chosen from the register of recipients, the
purpose, the data items, the date, and a transfer outside the EU/EEA only with its ground."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.clock import today
from core.disclosures import DISCLOSABLE, record_disclosure
from core.errors import ValidationError
from core.i18n import t
from core.models import DisclosurePurpose, TransferJustification
from core.recipients import RecipientRow, list_recipients, missing_fields
from gui.context import AppContext
from gui.messages import show_error
from gui.ops import DbOp
from gui.widgets import Form, date_edit, date_of


def _item_label(name: str) -> str:
    return t("customers.tab.orders") if name == "orders" else t(f"field.{name}")


class DisclosureDialog(QDialog):
    def __init__(self, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id = customer_id
        self.recorded: int | None = None
        self.setWindowTitle(t("customers.disclosure.title"))
        self.setMinimumWidth(660)
        self.form = Form()
        self.recipient = QComboBox()
        self.recipient.setObjectName("recipient")
        self.purpose = QComboBox()
        self.purpose.setObjectName("purpose")
        for purpose in DisclosurePurpose:
            self.purpose.addItem(t(f"customers.purpose.{purpose.value}"), purpose.value)
        self.items = QListWidget()
        self.items.setObjectName("data_fields")
        for name in DISCLOSABLE:
            item = QListWidgetItem(_item_label(name))
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.items.addItem(item)
        # Every item in view: none hides behind a scroll bar, the form keeps its height.
        self.items.setFixedHeight(
            self.items.sizeHintForRow(0) * self.items.count() + 2 * self.items.frameWidth()
        )
        self.disclosed_on = date_edit(today())
        self.outside_eea = QCheckBox(t("customers.disclosure.outside_eea"))
        self.outside_eea.setObjectName("outside_eea")
        self.justification = QComboBox()
        self.justification.setObjectName("outside_eea_justification")
        for ground in TransferJustification:
            self.justification.addItem(
                t(f"doc.transfer_justification.{ground.value}"), ground.value
            )
        self.outside_eea.toggled.connect(self.justification.setEnabled)
        self.justification.setEnabled(False)
        self.form.add("recipient", t("field.recipient"), self.recipient)
        self.form.add("purpose", t("field.purpose"), self.purpose)
        self.form.add("data_fields", t("field.data_fields"), self.items)
        self.form.add("disclosed_on", t("field.disclosed_on"), self.disclosed_on)
        self.form.add("outside_eea", "", self.outside_eea)
        self.form.add(
            "outside_eea_justification", t("field.outside_eea_justification"), self.justification
        )
        self.recipient.currentIndexChanged.connect(self._mark_address)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        note = QLabel(t("customers.disclosure.note"))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        DbOp(ctx, self, lambda s: list_recipients(s, ctx.actor)).read_only().success(
            self.show_recipients
        ).run()

    def show_recipients(self, rows: list[RecipientRow]) -> None:
        self.recipient.clear()
        for row in rows:
            self.recipient.addItem(row.name, row)
        self._mark_address()

    @Slot()
    def _mark_address(self) -> None:
        """An entry its notices cannot yet be mailed to is said so at once."""
        row = self.recipient.currentData()
        missing = missing_fields(row) if row is not None else ()
        text = (
            t(
                "recipients.address_missing",
                fields=", ".join(t(f"field.{f}").lower() for f in missing),
            )
            if missing
            else ""
        )
        if row is None:
            text = t("customers.disclosure.no_recipients")
        self.form.set_error("recipient", text)

    def values(self) -> dict[str, Any]:
        row = self.recipient.currentData()
        checked = [
            self.items.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.items.count())
            if self.items.item(i).checkState() == Qt.CheckState.Checked
        ]
        return {
            "recipient_id": row.id if row is not None else 0,
            "purpose": self.purpose.currentData(),
            "data_fields": checked,
            "disclosed_on": date_of(self.disclosed_on),
            "outside_eea": self.outside_eea.isChecked(),
            "justification": self.justification.currentData()
            if self.outside_eea.isChecked()
            else "",
        }

    @Slot()
    def submit(self) -> None:
        self.form.clear_errors()
        self._mark_address()
        v = self.values()
        ctx, cid = self.ctx, self.customer_id

        def record(s: Any) -> int:
            return record_disclosure(
                s,
                ctx.actor,
                cid,
                v["recipient_id"],
                v["purpose"],
                v["data_fields"],
                v["outside_eea"],
                v["justification"],
                disclosed_on=v["disclosed_on"],
            ).id

        def failed(exc: BaseException) -> None:
            if not (isinstance(exc, ValidationError) and self.form.show_validation(exc)):
                show_error(self, exc)
            if not self.form.error_text("recipient"):
                self._mark_address()

        def done(disclosure_id: int) -> None:
            self.recorded = disclosure_id
            self.accept()

        DbOp(ctx, self, record).success(done).failure(failed).run()
