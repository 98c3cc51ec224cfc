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
    QMessageBox,
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
)
from core.i18n import t
from core.security.permissions import Permission
from gui.data_common import Column, RowsModel, show_error

PAIR_LIMIT = 5000


def field_label(name: str) -> str:
    if name in ("orders", "requests", "objections", "created_at"):
        return t(f"data.gui.duplicates.{name}")
    return t(f"field.{name}")


class DuplicatesPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.comparison: Comparison | None = None
        self.last_result = ""
        heading = QLabel(t("data.gui.duplicates.title"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(t("data.gui.duplicates.intro"))
        intro.setWordWrap(True)

        self.pairs = RowsModel(
            [
                Column(t("data.gui.duplicates.customer_a"), lambda p: f"{p.a_name} (#{p.a_id})"),
                Column(t("data.gui.duplicates.customer_b"), lambda p: f"{p.b_name} (#{p.b_id})"),
                Column(
                    t("data.gui.duplicates.reason"),
                    lambda p: t(f"data.gui.duplicates.reason_{p.reason}"),
                ),
            ],
            parent=self,
        )
        self.pair_view = QTableView()
        self.pair_view.setModel(self.pairs)
        self.pair_view.setAccessibleName(t("data.gui.duplicates.pairs"))
        self.pair_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pair_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.pair_view.verticalHeader().hide()
        self.pair_view.setWordWrap(False)
        pair_header = self.pair_view.horizontalHeader()
        pair_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        pair_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        pair_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.pair_view.selectionModel().currentRowChanged.connect(self._pair_chosen)

        self.compare = RowsModel(
            [
                Column(t("data.gui.duplicates.field"), lambda r: field_label(r.field)),
                Column(t("data.gui.duplicates.customer_a"), lambda r: r.a),
                Column(t("data.gui.duplicates.customer_b"), lambda r: r.b),
            ],
            parent=self,
            emphasis=lambda r: r.a != r.b,
        )
        self.compare_view = QTableView()
        self.compare_view.setModel(self.compare)
        self.compare_view.setAccessibleName(t("data.gui.duplicates.comparison"))
        self.compare_view.verticalHeader().hide()
        self.compare_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.compare_view.setWordWrap(False)
        header = self.compare_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.keep_a = QPushButton(t("data.gui.duplicates.keep_a"))
        self.keep_a.setShortcut(QKeySequence("Ctrl+Shift+1"))
        self.keep_a.clicked.connect(lambda: self.confirm_merge(keep_first=True))
        self.keep_b = QPushButton(t("data.gui.duplicates.keep_b"))
        self.keep_b.setShortcut(QKeySequence("Ctrl+Shift+2"))
        self.keep_b.clicked.connect(lambda: self.confirm_merge(keep_first=False))
        self.reload_button = QPushButton(t("data.gui.reload"))
        self.reload_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
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
        right_layout.addWidget(QLabel(t("data.gui.duplicates.comparison")))
        right_layout.addWidget(self.compare_view, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(t("data.gui.duplicates.pairs")))
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

        def work() -> list[DuplicatePair]:
            with ctx.session() as s:
                return find_duplicates(s, ctx.actor, limit=PAIR_LIMIT)

        self.ctx.tasks.run(work, self._show_pairs, lambda exc: show_error(self, exc))

    def _show_pairs(self, pairs: list[DuplicatePair]) -> None:
        self.comparison = None
        self.compare.set_rows([])
        self.pairs.set_rows(pairs)
        count = (
            t("data.gui.duplicates.none")
            if not pairs
            else t("data.gui.duplicates.count", count=len(pairs))
        )
        self.status.setText(f"{self.last_result} {count}".strip())
        self._update_buttons()
        if pairs:
            self.pair_view.selectRow(0)

    @Slot()
    def _pair_chosen(self) -> None:
        row = self.pair_view.currentIndex().row()
        if row < 0 or row >= self.pairs.rowCount():
            return
        pair = self.pairs.row(row)
        ctx = self.ctx

        def work() -> Comparison:
            with ctx.session() as s:
                return compare_customers(s, ctx.actor, pair.a_id, pair.b_id)

        self.ctx.tasks.run(work, self._show_comparison, lambda exc: show_error(self, exc))

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
        answer = QMessageBox.question(
            self,
            t("data.gui.duplicates.merge"),
            t("data.gui.duplicates.confirm", keep=keep, remove=remove),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
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

        def work() -> MergeResult:
            with ctx.session() as s:
                return merge_customers(s, ctx.actor, keep, remove, kv, rv)

        def done(result: MergeResult) -> None:
            self.last_result = t(
                "data.gui.duplicates.merged", keep=result.kept_id, remove=result.removed_id
            )
            self.refresh()

        self.ctx.tasks.run(work, done, lambda exc: show_error(self, exc))
