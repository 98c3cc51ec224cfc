"""Duplicates (Lists area): likely duplicate pairs, the two customers side by side, and a
manager's merge into one (orders, requests, history and the older objections are kept)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.customers.duplicates import (
    Comparison,
    DuplicatePair,
    MergeResult,
    compare_customers,
    find_duplicates,
    merge_customers,
    strength_level,
)
from core.i18n import t
from core.security.permissions import Permission
from gui.messages import confirm
from gui.ops import DbOp
from gui.rows import Column, RowsModel, RowStyle
from gui.widgets import add_shortcut

PAIR_LIMIT = 5000


def field_label(name: str) -> str:
    if name in ("orders", "requests", "objections", "created_at"):
        return t(f"duplicates.{name}")
    return t(f"field.{name}")


class DuplicatesPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.comparison: Comparison | None = None
        self.last_result = ""
        heading = QLabel(t("duplicates.title"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(t("duplicates.intro"))
        intro.setWordWrap(True)

        self.pairs = RowsModel(
            [
                Column("duplicates.customer_a", lambda p: f"{p.a_name} (#{p.a_id})"),
                Column("duplicates.customer_b", lambda p: f"{p.b_name} (#{p.b_id})"),
                Column(
                    "duplicates.reason",
                    lambda p: t(f"duplicates.reason_{p.reason}"),
                ),
                Column(
                    "duplicates.strength",
                    lambda p: t(f"duplicates.strength_{strength_level(p.strength)}"),
                ),
            ],
            parent=self,
        )
        self.pair_view = QTableView()
        self.pair_view.setModel(self.pairs)
        self.pair_view.setAccessibleName(t("duplicates.pairs"))
        self.pair_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pair_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.pair_view.verticalHeader().hide()
        self.pair_view.setWordWrap(False)
        pair_header = self.pair_view.horizontalHeader()
        pair_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        pair_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        pair_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        pair_header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.pair_view.selectionModel().currentRowChanged.connect(self._pair_chosen)

        self.compare = RowsModel(
            [
                Column("duplicates.field", lambda r: field_label(r.field)),
                Column("duplicates.customer_a", lambda r: r.a),
                Column("duplicates.customer_b", lambda r: r.b),
            ],
            parent=self,
            style=lambda r: RowStyle(bold=True) if r.a != r.b else None,
        )
        self.compare_view = QTableView()
        self.compare_view.setModel(self.compare)
        self.compare_view.setAccessibleName(t("duplicates.comparison"))
        self.compare_view.verticalHeader().hide()
        self.compare_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.compare_view.setWordWrap(False)
        header = self.compare_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.keep_a = QPushButton(t("duplicates.keep_a"))
        add_shortcut(self.keep_a, "Ctrl+Shift+1")
        self.keep_a.clicked.connect(lambda: self.confirm_merge(keep_first=True))
        self.keep_b = QPushButton(t("duplicates.keep_b"))
        add_shortcut(self.keep_b, "Ctrl+Shift+2")
        self.keep_b.clicked.connect(lambda: self.confirm_merge(keep_first=False))
        self.reload_button = QPushButton(t("common.reload"))
        add_shortcut(self.reload_button, QKeySequence.StandardKey.Refresh)
        self.reload_button.clicked.connect(self.refresh)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.keep_a)
        buttons.addWidget(self.keep_b)
        if not ctx.can(Permission.MERGE):
            self.keep_a.hide()
            self.keep_b.hide()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(t("duplicates.comparison")))
        right_layout.addWidget(self.compare_view, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(t("duplicates.pairs")))
        left_layout.addWidget(self.pair_view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([600, 680])

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self._update_buttons()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        ctx = self.ctx

        DbOp(ctx, self, lambda s: find_duplicates(s, ctx.actor, limit=PAIR_LIMIT)).success(
            self._show_pairs
        ).run()

    def _show_pairs(self, pairs: list[DuplicatePair]) -> None:
        self.comparison = None
        self.compare.set_rows([])
        self.pairs.set_rows(pairs)
        count = t("duplicates.none") if not pairs else t("duplicates.count", count=len(pairs))
        self.status.setText(f"{self.last_result} {count}".strip())
        self._update_buttons()
        if pairs:
            self.pair_view.selectRow(0)

    @Slot()
    def _pair_chosen(self) -> None:
        row = self.pair_view.currentIndex().row()
        if row < 0 or row >= self.pairs.rowCount():
            return
        pair = self.pairs.row_at(row)
        ctx = self.ctx

        DbOp(ctx, self, lambda s: compare_customers(s, ctx.actor, pair.a_id, pair.b_id)).success(
            self._show_comparison
        ).run()

    def _show_comparison(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.compare.set_rows(list(comparison.rows))
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.comparison is not None and self.ctx.can(Permission.MERGE)
        self.keep_a.setEnabled(ready)
        self.keep_b.setEnabled(ready)

    def confirm_merge(self, keep_first: bool) -> None:
        c = self.comparison
        if c is None:
            return
        keep, remove = (c.a_id, c.b_id) if keep_first else (c.b_id, c.a_id)
        if confirm(
            self,
            t("duplicates.confirm", keep=keep, remove=remove),
            t("messages.action.merge"),
            t("duplicates.merge"),
            destructive=True,
        ):
            self.merge(keep_first)

    def merge(self, keep_first: bool) -> None:
        c = self.comparison
        if c is None:
            return
        if keep_first:
            keep, remove, kv, rv = c.a_id, c.b_id, c.a_version, c.b_version
        else:
            keep, remove, kv, rv = c.b_id, c.a_id, c.b_version, c.a_version
        ctx = self.ctx

        def done(result: MergeResult) -> None:
            self.last_result = t("duplicates.merged", keep=result.kept_id, remove=result.removed_id)
            self.refresh()

        DbOp(ctx, self, lambda s: merge_customers(s, ctx.actor, keep, remove, kv, rv)).success(
            done
        ).run()
