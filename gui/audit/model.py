"""The audit log table: a model over core.security.audit.list_entries rows (newest first)."""

from __future__ import annotations

from typing import Any

from core.i18n import format_datetime, t
from gui.rows import Column, RowsModel, no_tooltip


def _known(key: str, fallback: str) -> str:
    return t(key, default=fallback)


def fields_text(fields: str) -> str:
    """Field names in the user's language where the catalogue has them."""
    return ", ".join(_known(f"field.{name}", name) for name in fields.split(",") if name)


def action_text(action: str) -> str:
    """The action in the user's language when the catalogue has it, else its code."""
    return t(f"audit.action.{action}", default=action)


COLUMNS = [  # the tooltip of a translated cell is the code stored in the log
    Column("audit.col.id", lambda r: str(r.id), right=True, tooltip=no_tooltip),
    Column("audit.col.at", lambda r: format_datetime(r.at), tooltip=no_tooltip),
    Column("audit.col.username", lambda r: str(r.username), tooltip=no_tooltip),
    Column("audit.col.action", lambda r: action_text(r.action), tooltip=lambda r: r.action),
    Column(
        "audit.col.entity",
        lambda r: _known(f"audit.entity.{r.entity}", r.entity),
        tooltip=lambda r: r.entity,
    ),
    Column("audit.col.entity_id", lambda r: str(r.entity_id), tooltip=no_tooltip),
    Column("audit.col.fields", lambda r: fields_text(r.fields), tooltip=lambda r: r.fields),
]


def audit_model(parent: Any = None) -> RowsModel:
    return RowsModel(COLUMNS, parent)
