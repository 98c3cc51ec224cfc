"""The Requests screen: the list (days left, red when overdue, amber when due soon, filters)
and, on Enter or double-click, the request's own page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.i18n import t
from core.models import RequestKind, RequestState
from core.requests import list_requests
from core.security.permissions import Permission
from gui.messages import error_label, show_inline
from gui.ops import DbOp
from gui.requests.common import Asker
from gui.requests.intake import NewRequestDialog
from gui.requests.model import request_table_model
from gui.requests.page import RequestPage
from gui.widgets import add_shortcut


class RequestsPage(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None, asker: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = asker or Asker(self)
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self.list_page = QWidget()
        lay = QVBoxLayout(self.list_page)
        bar = QHBoxLayout()
        self.new_button = QPushButton(t("req.new"))
        add_shortcut(self.new_button, "Ctrl+N")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_request)
        self.new_button.setEnabled(ctx.can(Permission.REQUEST_INTAKE))
        self.state_filter = QComboBox()
        self.state_filter.addItem(t("req.filter_open"), "open")
        self.state_filter.addItem(t("req.filter_all"), "all")
        for s in RequestState:
            self.state_filter.addItem(t(f"req.state.{s.value}"), s.value)
        self.kind_filter = QComboBox()
        self.kind_filter.addItem(t("req.filter_all_kinds"), None)
        for k in RequestKind:
            self.kind_filter.addItem(t(f"req.kind.{k.value}"), k.value)
        state_label = QLabel(t("req.f.state_filter"))
        state_label.setBuddy(self.state_filter)
        self.state_filter.setAccessibleName(t("req.f.state_filter"))
        kind_label = QLabel(t("req.f.kind_filter"))
        kind_label.setBuddy(self.kind_filter)
        self.kind_filter.setAccessibleName(t("req.f.kind_filter"))
        self.summary = QLabel()
        bar.addWidget(self.new_button)
        bar.addSpacing(16)
        bar.addWidget(state_label)
        bar.addWidget(self.state_filter)
        bar.addWidget(kind_label)
        bar.addWidget(self.kind_filter)
        bar.addStretch(1)
        bar.addWidget(self.summary)
        lay.addLayout(bar)
        self.error = error_label(strong=True, reserve=True)
        lay.addWidget(self.error)

        self.model = request_table_model(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setAccessibleName(t("req.list_name"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open_index)
        lay.addWidget(self.table, 1)
        lay.addWidget(QLabel(t("req.legend")))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_current)

        self.page = RequestPage(ctx, asker=self.asker)
        self.page.back_requested.connect(self.show_list)
        self.page.changed.connect(self.refresh)
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.page)
        self.state_filter.currentIndexChanged.connect(self.refresh)
        self.kind_filter.currentIndexChanged.connect(self.refresh)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        ctx = self.ctx
        state = self.state_filter.currentData()
        kind = self.kind_filter.currentData()

        DbOp(
            ctx,
            self,
            lambda s: list_requests(
                s,
                ctx.actor,
                open_only=state == "open",
                states=[state] if state not in ("open", "all") else None,
                kinds=[kind] if kind else None,
            ),
        ).success(self._show_rows).failure(lambda exc: show_inline(self.error, exc)).run()

    def _show_rows(self, rows: list[Any]) -> None:
        show_inline(self.error, None)
        self.model.set_rows(rows)
        self.proxy.sort(-1)
        overdue = sum(1 for r in rows if r.urgency == "overdue")
        soon = sum(1 for r in rows if r.urgency == "soon")
        self.summary.setText(t("req.summary", count=len(rows), overdue=overdue, soon=soon))

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(self.proxy.mapToSource(index).row())
        if row is not None:
            self.open_request(row.id)

    @Slot()
    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._open_index(index)

    def open_request(self, request_id: int) -> None:
        self.page.load(request_id)
        self.stack.setCurrentWidget(self.page)

    @Slot()
    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self.table.setFocus()

    @Slot()
    def new_request(self) -> None:
        dialog = NewRequestDialog(self.ctx, self, asker=self.asker)
        if dialog.exec() and dialog.request_id is not None:
            self.refresh()
            self.open_request(dialog.request_id)
