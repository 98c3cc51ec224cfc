"""The kind-specific parts of the request page that need most room: rectification items
with their decisions and notification targets, and the legal holds of erasure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.i18n import t
from core.models import RequestKind

K = RequestKind


def make_button(text: str, slot: Callable[[], None], enabled: bool = True) -> QPushButton:
    b = QPushButton(text)
    b.clicked.connect(slot)
    b.setEnabled(enabled)
    return b


def hrow(*widgets: QWidget) -> QHBoxLayout:
    box = QHBoxLayout()
    for w in widgets:
        box.addWidget(w)
    box.addStretch(1)
    return box


def para(text: str, muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setStyleSheet("color: #5a5a5a;")
    return label


def rectification(self: Any, lay: QVBoxLayout, has_customer: bool) -> None:
    d = self.detail
    cols = ("field", "current", "requested", "grounds", "decision", "reason")
    self.item_table = QTableWidget(len(d.items), len(cols))
    self.item_table.setHorizontalHeaderLabels([t(f"req.col.{c}") for c in cols])
    self.item_table.setAccessibleName(t("req.h.items"))
    self.item_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    self.item_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    self.item_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    self.item_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    for r, item in enumerate(d.items):
        values = (
            t(f"field.{item.field}"),
            item.current_value,
            item.requested_value,
            item.grounds,
            t(f"req.item.{item.decision}"),
            item.reason,
        )
        for c, value in enumerate(values):
            cell = QTableWidgetItem(value)
            cell.setToolTip(value)
            self.item_table.setItem(r, c, cell)
    self.item_table.setFixedHeight(min(220, 60 + 30 * len(d.items)))
    lay.addWidget(self.item_table)
    lay.addLayout(
        hrow(
            self._add("accept", t("req.accept_item"), self.accept_item),
            self._add("refuse_item", t("req.refuse_item"), self.refuse_item),
            self._add("finish_rect", t("req.finish_rect"), self.finish_rectification),
        )
    )
    if self.targets:
        lay.addWidget(para(t("req.notify_heading")))
        for target in self.targets:
            fields = ", ".join(t(f"field.{f}") for f in target.fields)
            line = f"• {target.label()} ({t(f'req.relation_{target.relation}')}: {fields})"
            if target.not_addressed:
                line += f": {t(f'req.not_notified_{target.not_addressed}')}"
            lay.addWidget(para(line, muted=True))
    lay.addLayout(
        hrow(
            self._add("refusal_cert", t("req.refusal_cert"), self.refusal_certificate),
            self._add(
                "notices",
                t("req.notices"),
                self.correction_notices,
                "notices" in d.actions and bool(self.targets),
            ),
        )
    )


def erasure(self: Any, lay: QVBoxLayout, has_customer: bool) -> None:
    d = self.detail
    if not has_customer:
        lay.addWidget(para(t("req.holds_need_customer"), muted=True))
    elif not self.holds:
        lay.addWidget(para(t("req.no_holds")))
    else:
        lay.addWidget(para(t("req.holds_heading")))
        for h in self.holds:
            label = para(f"• {h.reason[:1].upper()}{h.reason[1:]}")
            label.setStyleSheet("color: #8a1c24; font-weight: bold;" if h.blocks else "")
            lay.addWidget(label)
        blocking = any(h.blocks for h in self.holds)
        lay.addWidget(para(t("req.holds_refuse" if blocking else "req.holds_partly"), muted=True))
    blocked = any(h.blocks for h in self.holds)
    if d.kind == K.ERASURE:
        text = (
            "req.erase_refused"
            if blocked
            else "req.erase_partly"
            if self.holds
            else "req.erase_all"
        )
        lay.addLayout(hrow(self._add("erase", t(text), self.erase)))
    else:
        text = "req.anonymise_refused" if blocked else "req.anonymise"
        lay.addLayout(hrow(self._add("anonymise", t(text), self.anonymise)))
