"""The Orders page: filters (invoice state, date range, customer), the list, and actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core import orders
from core.i18n import format_date, format_money, t
from core.models import InvoiceState
from core.orders import OrderRow
from gui.customers.form import MessageBar
from gui.messages import confirm, error_text
from gui.ops import DbOp
from gui.orders.dialog import OrderDialog, date_format
from gui.rows import Column, RowsModel
from gui.widgets import DateEdit

NO_DATE = QDate(2000, 1, 1)  # the minimum of the date filters means "no limit"
LIMIT = 5000


def order_columns() -> list[Column]:
    return [
        Column("customers.col.number", lambda r: r.number),
        Column("field.ordered_on", lambda r: format_date(r.ordered_on)),
        Column("field.customer", lambda r: r.customer_name),
        Column("field.item", lambda r: r.item),
        Column("field.amount", lambda r: format_money(r.amount), right=True),
        Column("field.channel", lambda r: t(f"orders.channel.{r.channel}")),
        Column(
            "field.invoice_state",
            lambda r: (
                t(f"orders.invoice.{r.invoice_state}")
                + (f", {t('customers.state.archived')}" if r.archived else "")
            ),
        ),
    ]


class OrderTable(QTableView):
    def __init__(self, page: OrdersPage) -> None:
        super().__init__()
        self.page = page

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.page.edit_order()
            return
        super().keyPressEvent(event)


class OrdersPage(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._generation = 0
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("stateFilter")
        self.state_filter.addItem(t("orders.all_states"), "")
        for state in InvoiceState:
            self.state_filter.addItem(t(f"orders.invoice.{state.value}"), state.value)
        self.date_from = self._date_filter("dateFrom")
        self.date_to = self._date_filter("dateTo")
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("orderText")
        self.text_filter.setPlaceholderText(t("orders.text_placeholder"))
        self.text_filter.setClearButtonEnabled(True)
        self.archived = QCheckBox(t("orders.show_archived"))
        for text_key, widget in (
            ("field.invoice_state", self.state_filter),
            ("orders.from", self.date_from),
            ("orders.to", self.date_to),
            ("orders.search", self.text_filter),
        ):
            label = QLabel(t(text_key))
            label.setBuddy(widget)
            widget.setAccessibleName(t(text_key))
            filters.addWidget(label)
            filters.addWidget(widget, 2 if widget is self.text_filter else 0)
            filters.addSpacing(6)
        filters.addWidget(self.archived)
        layout.addLayout(filters)

        actions = QHBoxLayout()
        self.new_button = QPushButton(t("orders.new"))
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_order)
        self.edit_button = QPushButton(t("orders.edit"))
        self.edit_button.setToolTip("Enter")
        self.edit_button.clicked.connect(self.edit_order)
        self.state_button = QPushButton(t("orders.set_state"))
        menu = QMenu(self.state_button)
        for state in InvoiceState:
            action = QAction(t(f"orders.invoice.{state.value}"), menu)
            action.triggered.connect(lambda _c=False, s=state.value: self.set_invoice_state(s))
            menu.addAction(action)
        self.state_button.setMenu(menu)
        self.archive_button = QPushButton(t("orders.archive"))
        self.archive_button.clicked.connect(self.toggle_archived)
        for button in (self.new_button, self.edit_button, self.state_button, self.archive_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.message = MessageBar()
        layout.addWidget(self.message)

        self.model = RowsModel(order_columns(), self)
        self.table = OrderTable(self)
        self.table.setObjectName("orderTable")
        self.table.setAccessibleName(t("orders.table"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        for column, width in enumerate((110, 90, 190, 0, 110, 110, 120)):
            if width:  # 0: the item column takes the rest
                header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_order())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.count = QLabel()
        self.count.setObjectName("orderCount")
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        layout.addLayout(bottom)

        self.debounce = QTimer(self, singleShot=True, interval=200)
        self.debounce.timeout.connect(self.reload)
        self.text_filter.textEdited.connect(lambda _t: self.debounce.start())
        self.state_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.date_from.dateChanged.connect(lambda _d: self.reload())
        self.date_to.dateChanged.connect(lambda _d: self.reload())
        self.archived.toggled.connect(lambda _on: self.reload())
        QShortcut(QKeySequence.StandardKey.New, self, self.new_order)
        QShortcut(QKeySequence.StandardKey.Find, self, self.text_filter.setFocus)
        self.reload()

    def _date_filter(self, name: str) -> QDateEdit:
        edit = DateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(date_format())
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(t("orders.any_date"))
        edit.setDate(NO_DATE)
        edit.setMinimumWidth(110)
        return edit

    def filters(self) -> dict[str, Any]:
        def date_of(edit: QDateEdit):
            return None if edit.date() == NO_DATE else edit.date().toPython()

        return {
            "invoice_state": self.state_filter.currentData() or None,
            "date_from": date_of(self.date_from),
            "date_to": date_of(self.date_to),
            "text": self.text_filter.text(),
            "include_archived": self.archived.isChecked(),
        }

    @Slot()
    def reload(self) -> None:
        self.debounce.stop()
        self._generation += 1
        generation, filters = self._generation, self.filters()

        actor = self.ctx.actor
        DbOp(
            self.ctx, self, lambda s: orders.list_orders(s, actor, limit=LIMIT, **filters)
        ).success(lambda rows: self._loaded(generation, rows)).failure(self._failed).run()

    def _loaded(self, generation: int, rows: list[OrderRow]) -> None:
        if generation != self._generation:
            return
        selected = self.current()
        self.model.set_rows(rows)
        total = sum((r.amount for r in rows), Decimal(0))
        key = "orders.count_limited" if len(rows) >= LIMIT else "orders.count"
        self.count.setText(t(key, count=len(rows), total=format_money(total)))
        if selected is not None:
            for i, row in enumerate(rows):
                if row.id == selected.id:
                    self.table.selectRow(i)
                    break
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_message(error_text(exc), "error")

    def current(self) -> OrderRow | None:
        return self.model.current_row(self.table)

    def _update_buttons(self) -> None:
        row = self.current()
        for widget in (self.edit_button, self.state_button, self.archive_button):
            widget.setEnabled(row is not None)
        self.archive_button.setText(
            t("orders.unarchive" if row and row.archived else "orders.archive")
        )

    # --- actions -----------------------------------------------------------------------------
    def open_dialog(self, order: OrderRow | None = None, customer_id: int | None = None) -> bool:
        dialog = OrderDialog(self.ctx, order=order, customer_id=customer_id, parent=self)
        return bool(dialog.exec())

    @Slot()
    def new_order(self) -> None:
        if self.open_dialog():
            self.message.show_message(t("orders.saved"))
            self.reload()

    @Slot()
    def edit_order(self) -> None:
        row = self.current()
        if row is not None and self.open_dialog(order=row):
            self.message.show_message(t("orders.saved"))
            self.reload()

    def set_invoice_state(self, state: str) -> None:
        row = self.current()
        if row is None:
            return

        def done(_order: object) -> None:
            self.message.show_message(
                t("orders.state_set", number=row.number, state=t(f"orders.invoice.{state}"))
            )
            self.reload()

        actor = self.ctx.actor
        DbOp(
            self.ctx,
            self,
            lambda s: orders.update_order(
                s, actor, row.id, {"invoice_state": state}, expected_version=row.version
            ),
        ).success(done).failure(self._failed).run()

    @Slot()
    def toggle_archived(self) -> None:
        row = self.current()
        if row is None:
            return
        archive = not row.archived
        if archive and not confirm(
            self, t("orders.archive_confirm", number=row.number), t("messages.action.archive")
        ):
            return
        actor = self.ctx.actor
        DbOp(self.ctx, self, lambda s: orders.set_archived(s, actor, row.id, archive)).success(
            lambda _r: self.reload()
        ).failure(self._failed).run()

    def has_unsaved_changes(self) -> bool:
        return False  # the order form is a dialog that saves or cancels at once

    def discard_changes(self) -> None:
        pass
