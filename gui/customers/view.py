"""The Customers page: search-as-you-type over the lazy list, and the customer detail."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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

from core.customers.changes import ListWatch
from core.customers.search import ListOrder
from core.i18n import t
from gui.customers.detail import CustomerDetailPanel
from gui.customers.form import MessageBar
from gui.customers.model import COLUMNS, SORT_COLUMN, SORTS, CustomerListModel
from gui.messages import error_text
from gui.widgets import OpeningTable

DEBOUNCE_MS = 150
POLL_MS = 500  # how often the open list asks whether another desk changed it
# In COLUMNS order; 0: email takes the rest.
COLUMN_WIDTHS = (100, 80, 111, 130, 110, 138, 0, 100, 80, 87)
EMAIL_COLUMN = COLUMNS.index("email")
# The "Järjestys" choices: every list order both ways (the header's clicks, by keyboard).
ORDER_CHOICES = [(order, desc) for order in ListOrder for desc in (False, True)]
ORDER_NAMES = {
    ListOrder.NAME: "customers.order.name",
    ListOrder.POSTAL_CODE: "field.postal_code",
    ListOrder.CITY: "field.city",
    ListOrder.UPDATED: "customers.order.updated",
}


def order_text(order: ListOrder, descending: bool) -> str:
    key = "customers.order.descending" if descending else "customers.order.ascending"
    return t(key, field=t(ORDER_NAMES[order]))


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
        self._poll()  # the first look, before the list is read: nothing between is missed
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
        self.order_label = QLabel(t("customers.order"))
        self.order_combo = QComboBox()
        self.order_combo.setObjectName("customerOrder")
        self.order_combo.setAccessibleName(t("customers.order"))
        for order, descending in ORDER_CHOICES:
            self.order_combo.addItem(order_text(order, descending))
        self.order_label.setBuddy(self.order_combo)
        self.order_combo.activated.connect(self._order_chosen)
        self.new_button = QPushButton(t("customers.new"))
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_customer)
        top.addWidget(self.search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.archived)
        top.addWidget(self.order_label)
        top.addWidget(self.order_combo)
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
        # Sorting is done in core over the whole result: the header only tells the model.
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(SORT_COLUMN[ListOrder.NAME], Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._header_sorted)
        for column, width in enumerate(COLUMN_WIDTHS):
            if width:  # never narrower than its title with the sort indicator
                header.resizeSection(column, max(width, header.sectionSizeHint(column)))
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
        # Another desk's additions, archives and erasures: asked off the GUI thread.
        self.watch = ListWatch(self.ctx.db)
        self._polling = False
        self._keep: tuple[int | None, int] | None = None  # selection and scroll to restore
        self.poll_timer = QTimer(self, interval=POLL_MS)
        self.poll_timer.timeout.connect(self._poll)

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
        self._keep = None
        self.model.search(self.search.text(), self.archived.isChecked())

    # --- sorting -----------------------------------------------------------------------------
    def _header_sorted(self, column: int, order: Qt.SortOrder) -> None:
        if COLUMNS[column] not in SORTS:
            self._show_order()  # a column the list cannot be sorted by: keep the indicator
            return
        self.model.sort(column, order)
        self._show_order()

    def _order_chosen(self, index: int) -> None:
        if 0 <= index < len(ORDER_CHOICES):
            self.model.set_order(*ORDER_CHOICES[index])
            self._show_order()

    def _show_order(self) -> None:
        """The header's indicator and the combo show the model's order."""
        order, descending = self.model.order, self.model.descending
        header = self.table.horizontalHeader()
        column = header.sortIndicatorSection()
        if SORTS.get(COLUMNS[column]) is not order:
            column = SORT_COLUMN[order]
        header.blockSignals(True)
        header.setSortIndicator(
            column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        header.blockSignals(False)
        self.order_combo.setCurrentIndex(ORDER_CHOICES.index((order, descending)))

    # --- another desk's changes --------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.poll_timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.poll_timer.stop()
        super().hideEvent(event)

    def _poll(self) -> None:
        if self._polling:
            return  # the previous look has not answered yet
        self._polling = True
        self.ctx.tasks.run(self.watch.changed, self._polled, self._poll_failed)

    def _polled(self, changed: bool) -> None:
        self._polling = False
        if changed and not self.debounce.isActive():
            self.live_refresh()

    def _poll_failed(self, _exc: BaseException) -> None:
        # A look that failed (the server restarting) is tried again at the next tick; the
        # watch has then reconnected, and the list is read again.
        self._polling = False

    def live_refresh(self) -> None:
        """The current search again, keeping the selected customer and the scroll position."""
        index = self.table.currentIndex()
        selected = self.model.customer_id(index.row()) if index.isValid() else None
        self._keep = (selected, self.table.verticalScrollBar().value())
        self.model.search(self.model.query)

    def refresh(self) -> None:
        """After File > Import customers… or an update import: the list at once."""
        self.live_refresh()

    def _restore(self) -> None:
        assert self._keep is not None
        selected, scroll = self._keep
        self._keep = None
        row = self.model.row_of(selected) if selected is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        elif self.model.rowCount():
            self.table.selectRow(0)
        self.table.verticalScrollBar().setValue(scroll)

    def _searched(self, count: int, complete: bool) -> None:
        if self._keep is not None:
            if not complete:
                return  # the count and the selection stay as they were until all is in
            self._restore()
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
