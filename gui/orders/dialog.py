"""New / edit order. An order always belongs to a customer, picked with a search completer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core import orders
from core.clock import today
from core.errors import Conflict, ValidationError
from core.i18n import format_money, language, t
from core.models import InvoiceState, SalesChannel
from core.orders import OrderRow
from gui.customer_picker import CustomerPicker
from gui.customers.form import FieldErrors, MessageBar, messages_of
from gui.messages import error_text
from gui.ops import DbOp
from gui.widgets import DateEdit


def amount_text(amount: Decimal) -> str:
    """The amount to edit: ``1 234,50`` in Finnish, ``1,234.50`` in English (no currency)."""
    return format_money(amount).replace("€", "").strip()


def date_format() -> str:
    return "d.M.yyyy" if language() == "fi" else "yyyy-MM-dd"


class OrderDialog(QDialog):
    def __init__(
        self,
        ctx: Any,
        order: OrderRow | None = None,
        customer_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.order = order
        self.customer_id = order.customer_id if order else customer_id
        self.saved_order_id: int | None = None
        self.setWindowTitle(
            t("orders.title_edit", number=order.number) if order else t("orders.title_new")
        )
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)
        self.fields = FieldErrors()

        self.customer = CustomerPicker(ctx, failed=self._failed)
        self.customer.setObjectName("customer")
        self.customer.setPlaceholderText(t("orders.customer_placeholder"))
        self.customer.chosen.connect(self._customer_chosen)
        self.fields.add_row(form, "customer", t("field.customer") + " *", self.customer)

        self.ordered_on = DateEdit()
        self.ordered_on.setObjectName("ordered_on")
        self.ordered_on.setCalendarPopup(True)
        self.ordered_on.setDisplayFormat(date_format())
        self.ordered_on.setMaximumDate(QDate(today()))
        self.ordered_on.setDate(QDate(order.ordered_on if order else today()))
        self.fields.add_row(form, "ordered_on", t("field.ordered_on"), self.ordered_on)
        self.item = QLineEdit(order.item if order else "")
        self.item.setObjectName("item")
        self.fields.add_row(form, "item", t("field.item") + " *", self.item)
        self.amount = QLineEdit(amount_text(order.amount) if order else "")
        self.amount.setObjectName("amount")
        self.amount.setPlaceholderText("1 234,50")
        self.fields.add_row(form, "amount", t("field.amount") + " (€) *", self.amount)
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        for channel in SalesChannel:
            self.channel.addItem(t(f"orders.channel.{channel.value}"), channel.value)
        self.fields.add_row(form, "channel", t("field.channel"), self.channel)
        self.invoice_state = QComboBox()
        self.invoice_state.setObjectName("invoice_state")
        for state in InvoiceState:
            self.invoice_state.addItem(t(f"orders.invoice.{state.value}"), state.value)
        self.fields.add_row(form, "invoice_state", t("field.invoice_state"), self.invoice_state)
        if order:
            self.channel.setCurrentIndex(self.channel.findData(order.channel))
            self.invoice_state.setCurrentIndex(self.invoice_state.findData(order.invoice_state))
            self.customer.setText(order.customer_name)
            self.customer.setReadOnly(True)  # an order stays with its customer
        elif self.customer_id is not None:
            self.customer.preset(self.customer_id)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(t("customers.detail.save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("common.cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons
        (self.item if self.customer_id is not None else self.customer).setFocus()

    # --- customer ----------------------------------------------------------------------------
    @Slot(object)
    def _customer_chosen(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        if customer_id is not None:
            self.fields.show({})

    # --- saving ------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {
            "ordered_on": self.ordered_on.date().toPython(),
            "item": self.item.text(),
            "amount": self.amount.text(),
            "channel": self.channel.currentData(),
            "invoice_state": self.invoice_state.currentData(),
        }

    @Slot()
    def save(self) -> None:
        if self.customer_id is None:
            self.customer_id = self.customer.take_typed_choice()
        if self.customer_id is None:
            self.fields.show({"customer": t("orders.customer_required")})
            return
        data, customer_id, order, actor = (
            self.values(),
            self.customer_id,
            self.order,
            self.ctx.actor,
        )

        def save_order(s: Session) -> int:
            if order is None:
                return orders.create_order(s, actor, customer_id, data).id
            return orders.update_order(s, actor, order.id, data, expected_version=order.version).id

        DbOp(self.ctx, self, save_order).success(self._saved).failure(self._failed).run()

    def _saved(self, order_id: int) -> None:
        self.saved_order_id = order_id
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            rest = self.fields.show(messages_of(exc))
            if rest:
                self.message.show_message("; ".join(rest.values()), "error")
            return
        if isinstance(exc, Conflict):
            self.message.show_message(exc.message(), "error")
            return
        self.message.show_message(error_text(exc), "error")
