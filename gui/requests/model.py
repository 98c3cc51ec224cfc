"""The request list model: frozen ``RequestRow``s from core, days left coloured."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from core.i18n import format_date, t
from core.requests import RequestRow
from gui.rows import Column, RowsModel, RowStyle, no_tooltip

OVERDUE_BG = QColor("#f8d7da")
OVERDUE_FG = QColor("#8a1c24")
SOON_BG = QColor("#fff3cd")
SOON_FG = QColor("#7a5200")


def _due_text(r: RequestRow) -> str:
    text = format_date(r.due_on)
    return f"{text} ({t('req.extended_short')})" if r.extended else text


def _days_left_text(r: RequestRow) -> str:
    if not r.is_open:
        return ""
    if r.days_left < 0:
        return t("req.days_overdue", count=-r.days_left)
    return str(r.days_left)


def _style(r: RequestRow) -> RowStyle | None:
    if not r.urgency:
        return None
    overdue = r.urgency == "overdue"
    return RowStyle(
        background=OVERDUE_BG if overdue else SOON_BG,
        foreground=OVERDUE_FG if overdue else SOON_FG,
        tooltip=t(f"req.tip_{r.urgency}"),
    )


COLUMNS = [
    Column("req.col.number", lambda r: str(r.number), tooltip=no_tooltip),
    Column("req.col.kind", lambda r: t(f"req.kind.{r.kind}"), tooltip=no_tooltip),
    Column("req.col.person", lambda r: str(r.person), tooltip=no_tooltip),
    Column("req.col.state", lambda r: t(f"req.state.{r.state}"), tooltip=no_tooltip),
    Column(
        "req.col.received_on",
        lambda r: format_date(r.received_on),
        tooltip=no_tooltip,
        sort_key=lambda r: r.received_on.toordinal(),
    ),
    Column(
        "req.col.due_on", _due_text, tooltip=no_tooltip, sort_key=lambda r: r.due_on.toordinal()
    ),
    Column(
        "req.col.days_left",
        _days_left_text,
        right=True,
        tooltip=no_tooltip,
        sort_key=lambda r: r.days_left if r.is_open else 10**6,
    ),
]


def request_table_model(parent: Any = None) -> RowsModel:
    return RowsModel(COLUMNS, parent, style=_style)
