"""The audit log (manager): who did what to whom, by name and number; filter by user, action,
customer and dates; a row opens its customer or request; the filtered entries exported for the
Ombudsman or an auditor; the chain's status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core import i18n
from core.clock import today
from core.i18n import t
from core.security.audit import distinct_actions, verify_chain
from core.security.audit_view import action_text, readable_entries
from core.security.permissions import Permission
from core.transfer.exporting import export_audit
from gui.audit.model import audit_model
from gui.context import AppContext
from gui.customer_picker import CustomerPicker
from gui.messages import inform
from gui.ops import DbOp
from gui.widgets import OpeningTable, date_edit, date_of

PAGE_SIZE = 500
TARGET_WIDTH = 320  # at most this wide to begin with, so the details show; a cell's tooltip
DETAILS_WIDTH = 420  # holds its whole text


def ask_export_path(parent: QWidget, suggested: Path) -> Path | None:
    """Where to write the export (.xlsx or .csv), the file dialog starting at ``suggested``."""
    path, chosen = QFileDialog.getSaveFileName(
        parent, t("audit.export_title"), str(suggested), t("audit.export_filter")
    )
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() not in (".xlsx", ".csv"):
        target = target.with_name(target.name + (".csv" if chosen.endswith("(*.csv)") else ".xlsx"))
    return target


class AuditPage(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        ask_path: Callable[[QWidget, Path], Path | None] = ask_export_path,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ask_path = ask_path
        self.model = audit_model(self)
        self.has_more = False

        heading = QLabel(t("app.page.audit"))
        heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.chain = QLabel(t("audit.chain_checking"))
        self.chain.setObjectName("chainStatus")

        self.user = QLineEdit()
        self.user.setObjectName("userFilter")
        self.user.setClearButtonEnabled(True)
        self.action = QComboBox()
        self.action.setObjectName("actionFilter")
        self.action.addItem(t("audit.all_actions"), "")
        self.customer = CustomerPicker(ctx, active_only=False)
        self.customer.setObjectName("customerFilter")
        self.customer.setClearButtonEnabled(True)
        self.customer.setPlaceholderText(t("audit.customer_placeholder"))
        self.customer.setMinimumWidth(260)
        self.customer.chosen.connect(self._customer_chosen)
        self.since = date_edit(today() - timedelta(days=30))
        self.until = date_edit(today())
        self.apply_button = QPushButton(t("audit.apply"))
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.reload)
        self.user.returnPressed.connect(self.reload)
        self.more_button = QPushButton(t("audit.more"))
        self.more_button.clicked.connect(self.load_more)
        self.more_button.hide()
        self.export_button = QPushButton(t("audit.export"))
        self.export_button.setObjectName("exportAudit")
        self.export_button.clicked.connect(self.export)
        self.export_button.setVisible(ctx.actor.can(Permission.AUDIT_EXPORT))

        self.user.setMinimumWidth(180)
        filters = QGridLayout()  # two rows: who and what, then when; fits the 1280 px window
        for row, column, label_key, widget in (
            (0, 0, "audit.user", self.user),
            (0, 2, "audit.action", self.action),
            (0, 4, "audit.customer", self.customer),
            (1, 0, "audit.since", self.since),
            (1, 2, "audit.until", self.until),
        ):
            label = QLabel(t(label_key))
            label.setBuddy(widget)
            widget.setAccessibleName(t(label_key).replace("&", ""))
            filters.addWidget(label, row, column)
            filters.addWidget(widget, row, column + 1)
        filters.addWidget(self.apply_button, 1, 4)
        filters.setColumnStretch(6, 1)

        self.table = OpeningTable()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(t("app.page.audit"))
        self.table.setToolTip(t("audit.open_hint"))
        self.table.setWordWrap(False)
        self.table.open_requested.connect(self.open_row)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.chain)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.count_label = QLabel()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.more_button)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)

        self._load_actions()
        self.reload()
        self.check_chain()

    def refresh(self) -> None:
        self.reload()
        self.check_chain()

    # --- loading ------------------------------------------------------------------------------

    def _filters(self) -> dict[str, Any]:
        return {
            "username": self.user.text().strip() or None,
            "action": self.action.currentData() or None,
            "since": datetime.combine(date_of(self.since), time.min),
            "until": datetime.combine(date_of(self.until), time.max),
            "customer_id": self.customer.customer_id,
        }

    def _fetch(self, offset: int, append: bool) -> None:
        ctx, lang = self.ctx, i18n.language()
        filters = self._filters()

        def show(rows: list[Any]) -> None:
            self.has_more = len(rows) > PAGE_SIZE
            rows = rows[:PAGE_SIZE]
            if append:
                self.model.append_rows(rows)
            else:
                self.model.set_rows(rows)
                self.table.resizeColumnsToContents()
                for column, widest in ((3, TARGET_WIDTH), (4, DETAILS_WIDTH)):
                    width = min(self.table.columnWidth(column), widest)
                    self.table.setColumnWidth(column, width)
            self.more_button.setVisible(self.has_more)
            self.count_label.setText(t("audit.count", count=self.model.rowCount()))

        DbOp(
            ctx,
            self,
            lambda s: readable_entries(
                s, ctx.actor, lang, limit=PAGE_SIZE + 1, offset=offset, **filters
            ),
        ).success(show).run()

    @Slot()
    def reload(self) -> None:
        self._fetch(0, append=False)

    @Slot()
    def load_more(self) -> None:
        self._fetch(self.model.rowCount(), append=True)

    @Slot(object)
    def _customer_chosen(self, customer_id: int | None) -> None:
        if customer_id is not None or not self.customer.text().strip():
            self.reload()

    @Slot(int)
    def open_row(self, row: int) -> None:
        """The row's request on the requests page, else its customer on the customers page."""
        entry = self.model.row_at(row)
        window = self.window()
        if entry is None or not hasattr(window, "page"):
            return
        if entry.request_id is not None:
            page = window.page("requests")
            if page is not None:
                page.open_request(entry.request_id)
                return
        if entry.customer_id is not None:
            page = window.page("customers")
            if page is not None:
                page.open_customer(entry.customer_id)

    @Slot()
    def export(self) -> None:
        suggested = Path.home() / f"{t('audit.export_file', date=today().isoformat())}.xlsx"
        path = self.ask_path(self, suggested)
        if path is None:
            return
        ctx, lang, filters = self.ctx, i18n.language(), self._filters()
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"

        def run(s: Any) -> int:
            return export_audit(s, ctx.actor, path, fmt, lang=lang, **filters)

        def done(count: int) -> None:
            inform(
                self, t("audit.export_title"), t("audit.export_done", count=count, path=str(path))
            )
            self.reload()

        DbOp(ctx, self, run).success(done).run()

    def _load_actions(self) -> None:
        ctx = self.ctx

        def show(actions: list[str]) -> None:
            current = self.action.currentData()
            for action in actions:
                if self.action.findData(action) < 0:
                    self.action.addItem(action_text(action), action)
            self.action.setCurrentIndex(max(0, self.action.findData(current)))

        DbOp(ctx, self, distinct_actions).success(show).run()

    @Slot()
    def check_chain(self) -> None:
        ctx = self.ctx
        self.chain.setText(t("audit.chain_checking"))
        self.chain.setStyleSheet("")

        def show(status: Any) -> None:
            if status.ok:
                self.chain.setText(t("audit.chain_ok", count=status.entries))
                self.chain.setStyleSheet("color: #1b6e2d; font-weight: 600;")
            else:
                self.chain.setText(
                    t(
                        "audit.chain_broken",
                        entry=status.broken_at,
                        reason=t(f"audit.reason.{status.reason or 'edited'}"),
                    )
                )
                self.chain.setStyleSheet("color: #b3261e; font-weight: 600;")

        DbOp(ctx, self, verify_chain).success(show).run()
