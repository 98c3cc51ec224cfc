"""The audit log table: a model over ``core.security.audit_view.ReadableEntry`` rows (newest
first): time, user, action, target and details as a manager reads them."""

from __future__ import annotations

from typing import Any

from core.i18n import format_datetime, t
from gui.rows import Column, RowsModel, no_tooltip

COLUMNS = [  # the tooltip of a translated cell is the code stored in the log
    Column(
        "audit.col.at",
        lambda r: format_datetime(r.at),
        tooltip=lambda r: t("audit.target.audit_entry", id=r.id),
    ),
    Column("audit.col.username", lambda r: r.user, tooltip=no_tooltip),
    Column("audit.col.action", lambda r: r.action_text, tooltip=lambda r: r.action),
    Column("audit.col.target", lambda r: r.target),
    Column("audit.col.details", lambda r: r.details),
]


def audit_model(parent: Any = None) -> RowsModel:
    return RowsModel(COLUMNS, parent)
