"""The Customers page: search-as-you-type over the lazy list, and the customer detail."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.i18n import t
from gui.customers.detail import CustomerDetailPanel
from gui.customers.form import MessageBar
from gui.customers.model import CustomerListModel
from gui.messages import error_text
from gui.widgets import OpeningTable

DEBOUNCE_MS = 150
COLUMN_WIDTHS = (140, 110, 160, 0, 110, 90, 120, 100)  # 0: email takes the rest
EMAIL_COLUMN = 3


def count_text(count: int) -> str:
    return t("customers.count", count=count)


class CustomersPage(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._build_list()
        self.detail = CustomerDetailPanel(ctx)
        self.detail.back_requested.connect(self.show_list)
        self.detail.saved.connect(self._customer_saved)
        self.detail.new_order_requested.connect(self.new_order)
        self.stack.addWidget(self.detail)
        self.debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_search)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_customer)
        self.run_search()

    def _build_list(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.search_label = QLabel(t("customers.search"))
        self.search = QLineEdit()
        self.search.setObjectName("customerSearch")
        self.search.setPlaceholderText(t("customers.search_placeholder"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(t("customers.search"))
        self.search_label.setBuddy(self.search)
        self.search.textEdited.connect(lambda _text: self.debounce.start())
        self.search.returnPressed.connect(self._open_first)
        self.search.installEventFilter(self)
        self.archived = QCheckBox(t("customers.show_archived"))
        self.archived.toggled.connect(lambda _on: self.run_search())
        self.new_button = QPushButton(t("customers.new"))
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_customer)
        top.addWidget(self.search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.archived)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        self.message = MessageBar()
        layout.addWidget(self.message)

        self.model = CustomerListModel(self.ctx, self)
        self.model.searched.connect(self._searched)
        self.model.failed.connect(lambda exc: self.message.show_message(error_text(exc), "error"))
        self.table = OpeningTable()
        self.table.setObjectName("customerTable")
        self.table.setAccessibleName(t("customers.table"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        for column, width in enumerate(COLUMN_WIDTHS):
            if width:
                header.resizeSection(column, width)
        header.setSectionResizeMode(EMAIL_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.open_requested.connect(self.open_row)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.count = QLabel()
        self.count.setObjectName("customerCount")
        self.hint = QLabel(t("customers.hint"))
        self.hint.setStyleSheet("color: #5f6368;")
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.hint)
        layout.addLayout(bottom)
        self.stack.addWidget(page)
        self.list_page = page

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        # Down arrow from the search box moves into the list.
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount() > 0
        ):
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    # --- searching ---------------------------------------------------------------------------
    @Slot()
    def focus_search(self) -> None:
        if self.stack.currentWidget() is not self.list_page:
            self.show_list()
        self.search.setFocus()
        self.search.selectAll()

    @Slot()
    def run_search(self) -> None:
        self.debounce.stop()
        self.model.search(self.search.text(), self.archived.isChecked())

    def _searched(self, count: int, complete: bool) -> None:
        self.message.hide()
        if not complete:
            self.count.setText(t("customers.counting"))
        else:
            self.count.setText(
                count_text(count)
                if count or not self.search.text().strip()
                else t("customers.none")
            )
        if count and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _open_first(self) -> None:
        self.run_search()
        if self.model.rowCount() == 1:
            self.open_row(0)
        elif self.model.rowCount() > 1:
            self.table.setFocus()
            self.table.selectRow(0)

    # --- detail ------------------------------------------------------------------------------
    @Slot(int)
    def open_row(self, row: int) -> None:
        customer_id = self.model.customer_id(row)
        if customer_id is not None:
            self.open_customer(customer_id)

    def open_customer(self, customer_id: int) -> None:
        self.detail.load(customer_id)
        self.stack.setCurrentWidget(self.detail)

    @Slot()
    def new_customer(self) -> None:
        if self.stack.currentWidget() is self.detail and self.detail.has_unsaved_changes():
            return  # keep what is being typed; save or cancel first
        self.detail.new_customer()
        self.stack.setCurrentWidget(self.detail)

    @Slot()
    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self.table.setFocus()

    def _customer_saved(self, customer_id: int) -> None:
        self.model.refresh()

    @Slot(int)
    def new_order(self, customer_id: int) -> None:
        from gui.orders.dialog import OrderDialog

        dialog = OrderDialog(self.ctx, customer_id=customer_id, parent=self)
        if dialog.exec():
            self.detail.load(customer_id)

    # --- for the idle lock -------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return self.detail.has_unsaved_changes()

    def discard_changes(self) -> None:
        self.detail.discard_changes()
