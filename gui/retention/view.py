"""Retention (manager, Lists area): who is due for deletion or anonymisation, with the reason
per person; the manager ticks people and applies the action in one audited batch. Below, the
partly erased customers whose processing is restricted, with their end dates, and a button
that purges the ended ones now (the login does it anyway)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core.i18n import format_date, t
from core.requests.erasure import purge_expired_restrictions
from core.retention import (
    RestrictedCustomer,
    RetentionCandidate,
    RetentionResult,
    apply_retention,
    restricted_customers,
    retention_candidates,
)
from core.security.permissions import Permission
from core.settings import get_settings
from gui.messages import confirm
from gui.ops import DbOp
from gui.rows import Column, RowsModel
from gui.widgets import add_shortcut


def _action_text(c: RetentionCandidate) -> str:
    return t(f"retention.action_{c.action}")


def _restriction_text(r: RestrictedCustomer) -> str:
    return t("common.restricted.ended" if r.due else "common.restricted.in_force")


class RetentionPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_result = ""
        heading = QLabel(t("retention.title"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.rule = QLabel()
        self.rule.setWordWrap(True)

        self.model = RowsModel(
            [
                Column("field.customer", lambda c: c.name),
                Column("retention.last_contact", lambda c: format_date(c.last_contact_on)),
                Column("retention.action", _action_text),
                Column("retention.reason", lambda c: c.reason),
            ],
            checkable=True,
            parent=self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(t("retention.table"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.model.dataChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

        self.status = QLabel()
        self.status.setWordWrap(True)

        restricted_heading = QLabel(t("common.restricted.title"))
        bold = restricted_heading.font()
        bold.setBold(True)
        restricted_heading.setFont(bold)
        self.restricted_model = RowsModel(
            [
                Column("field.customer", lambda r: r.name),
                Column("field.organisation", lambda r: r.organisation),
                Column("common.restricted.until", lambda r: format_date(r.restricted_until)),
                Column("common.restricted.state", _restriction_text),
            ],
            parent=self,
        )
        self.restricted_table = QTableView()
        self.restricted_table.setModel(self.restricted_model)
        self.restricted_table.setAccessibleName(t("common.restricted.title"))
        self.restricted_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.restricted_table.verticalHeader().hide()
        self.restricted_table.horizontalHeader().setStretchLastSection(True)
        restricted_heading.setBuddy(self.restricted_table)
        self.restricted_status = QLabel()
        self.restricted_status.setWordWrap(True)
        self.purge_button = QPushButton(t("common.restricted.purge"))
        self.purge_button.clicked.connect(self.purge)
        purge_row = QHBoxLayout()
        purge_row.addWidget(self.restricted_status, 1)
        purge_row.addWidget(self.purge_button)
        self.select_all = QPushButton(t("common.select_all"))
        add_shortcut(self.select_all, "Ctrl+Shift+A")
        self.select_all.clicked.connect(lambda: self.model.set_all_checked(True))
        self.select_none = QPushButton(t("common.select_none"))
        self.select_none.clicked.connect(lambda: self.model.set_all_checked(False))
        self.reload_button = QPushButton(t("common.reload"))
        add_shortcut(self.reload_button, QKeySequence.StandardKey.Refresh)
        self.reload_button.clicked.connect(self.refresh)
        self.apply_button = QPushButton(t("retention.apply"))
        add_shortcut(self.apply_button, "Ctrl+Return")
        self.apply_button.clicked.connect(self.confirm_and_apply)
        buttons = QHBoxLayout()
        for b in (self.select_all, self.select_none, self.reload_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.rule)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(restricted_heading)
        layout.addWidget(self.restricted_table, 1)
        layout.addLayout(purge_row)
        allowed = ctx.can(Permission.RETENTION)
        for b in (
            self.select_all,
            self.select_none,
            self.reload_button,
            self.apply_button,
            self.purge_button,
        ):
            b.setEnabled(allowed)
        if allowed:
            self.refresh()
        else:
            self.rule.setText(t("common.manager_only"))

    @Slot()
    def refresh(self) -> None:
        ctx = self.ctx

        def candidates(
            s: Session,
        ) -> tuple[list[RetentionCandidate], int, int, list[RestrictedCustomer]]:
            settings = get_settings(s)
            return (
                retention_candidates(s, ctx.actor),
                settings.retention_years,
                settings.bookkeeping_retention_years,
                restricted_customers(s, ctx.actor),
            )

        DbOp(ctx, self, candidates).success(self._show).run()

    def _show(
        self, result: tuple[list[RetentionCandidate], int, int, list[RestrictedCustomer]]
    ) -> None:
        candidates, years, books, restricted = result
        self.restricted_model.set_rows(restricted)
        self.restricted_table.resizeColumnsToContents()
        self.restricted_table.horizontalHeader().setStretchLastSection(True)
        self.purge_button.setEnabled(
            self.ctx.can(Permission.RETENTION) and any(r.due for r in restricted)
        )
        self.rule.setText(t("retention.rule", years=years, books=books))
        self.model.set_rows(candidates)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        count = (
            t("retention.nobody") if not candidates else t("retention.count", count=len(candidates))
        )
        self.status.setText(f"{self.last_result} {count}".strip())

    @Slot()
    def _update_buttons(self) -> None:
        self.apply_button.setEnabled(
            self.ctx.can(Permission.RETENTION) and bool(self.model.checked_rows())
        )

    @Slot()
    def confirm_and_apply(self) -> None:
        chosen = self.model.checked_rows()
        if not chosen:
            return
        deletes = sum(1 for c in chosen if c.action == "delete")
        text = t("retention.confirm", deletes=deletes, anonymises=len(chosen) - deletes)
        if confirm(self, text, t("messages.action.apply_retention"), destructive=True):
            self.apply([c.customer_id for c in chosen])

    def apply(self, customer_ids: list[int]) -> None:
        ctx = self.ctx

        def done(result: RetentionResult) -> None:
            self.last_result = t(
                "retention.done", deleted=result.deleted, anonymised=result.anonymised
            )
            if result.skipped:
                self.last_result += " " + t("retention.skipped", count=len(result.skipped))
            self.refresh()

        DbOp(ctx, self, lambda s: apply_retention(s, ctx.actor, customer_ids)).success(done).run()

    @Slot()
    def purge(self) -> None:
        """Erase now the restricted customers whose restriction has ended (audited)."""
        ctx = self.ctx

        def done(purged: list[int]) -> None:
            self.restricted_status.setText(t("common.restricted.purged", count=len(purged)))
            self.refresh()

        DbOp(ctx, self, lambda s: purge_expired_restrictions(s, ctx.actor)).success(done).run()
