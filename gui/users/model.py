"""The users table: a model over core.security.auth.list_users rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from core.i18n import format_date, format_datetime, t
from gui.rows import Column, RowsModel, RowStyle, no_tooltip
from gui.widgets import role_text

LOCKED = RowStyle(foreground=QColor("#b3261e"))
INACTIVE = RowStyle(foreground=QColor("#6b6b6b"))


def state_text(row: Any) -> str:
    if not row.active:
        return t("users.state.inactive")
    if row.locked:
        return t("users.state.locked", until=format_datetime(row.locked_until))
    if row.must_change_password:
        return t("users.state.must_change")
    return t("users.state.active")


def _style(row: Any) -> RowStyle | None:
    return LOCKED if row.locked else INACTIVE if not row.active else None


def _column(name: str, text: Any) -> Column:
    return Column(f"users.col.{name}", text, tooltip=no_tooltip)


COLUMNS = [
    _column("username", lambda r: str(r.username or "")),
    _column("full_name", lambda r: str(r.full_name or "")),
    _column("title", lambda r: str(r.title or "")),
    _column("title_en", lambda r: str(r.title_en or "")),
    _column("role", lambda r: role_text(r.role)),
    _column("state", state_text),
    _column(
        "confidentiality_signed_on",
        lambda r: format_date(r.confidentiality_signed_on) or t("users.missing"),
    ),
    _column("last_login_at", lambda r: format_datetime(r.last_login_at)),
]


def users_model(parent: Any = None) -> RowsModel:
    return RowsModel(COLUMNS, parent, style=_style)
