"""The audit log (manager): filter by user, action and dates; the chain's status."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.clock import today
from core.i18n import t
from core.security.audit import distinct_actions, list_entries, verify_chain
from gui.audit.model import action_text, audit_model
from gui.context import AppContext
from gui.ops import DbOp
from gui.widgets import date_edit, date_of

PAGE_SIZE = 500


class AuditPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
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
        self.since = date_edit(today() - timedelta(days=30))
        self.until = date_edit(today())
        self.apply_button = QPushButton(t("audit.apply"))
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.reload)
        self.user.returnPressed.connect(self.reload)
        self.more_button = QPushButton(t("audit.more"))
        self.more_button.clicked.connect(self.load_more)
        self.more_button.hide()

        filters = QHBoxLayout()
        for label_key, widget in (
            ("audit.user", self.user),
            ("audit.action", self.action),
            ("audit.since", self.since),
            ("audit.until", self.until),
        ):
            label = QLabel(t(label_key))
            label.setMinimumWidth(label.sizeHint().width() + 6)
            label.setBuddy(widget)
            widget.setAccessibleName(t(label_key).replace("&", ""))
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addWidget(self.apply_button)
        filters.addStretch(1)

        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(t("app.page.audit"))
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
        }

    def _fetch(self, offset: int, append: bool) -> None:
        ctx = self.ctx
        filters = self._filters()

        def show(rows: list[Any]) -> None:
            self.has_more = len(rows) > PAGE_SIZE
            rows = rows[:PAGE_SIZE]
            if append:
                self.model.append_rows(rows)
            else:
                self.model.set_rows(rows)
                self.table.resizeColumnsToContents()
            self.more_button.setVisible(self.has_more)
            self.count_label.setText(t("audit.count", count=self.model.rowCount()))

        DbOp(
            ctx,
            self,
            lambda s: list_entries(s, ctx.actor, limit=PAGE_SIZE + 1, offset=offset, **filters),
        ).success(show).run()

    @Slot()
    def reload(self) -> None:
        self._fetch(0, append=False)

    @Slot()
    def load_more(self) -> None:
        self._fetch(self.model.rowCount(), append=True)

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
