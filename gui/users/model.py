"""The users table: a model over core.security.auth.list_users rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.i18n import format_date, format_datetime, t
from gui.widgets import role_text

COLUMNS = (
    "username",
    "full_name",
    "title",
    "role",
    "state",
    "confidentiality_signed_on",
    "last_login_at",
)
Index = QModelIndex | QPersistentModelIndex


def state_text(row: Any) -> str:
    if not row.active:
        return t("gui.users.state.inactive")
    if row.locked:
        return t("gui.users.state.locked", until=format_datetime(row.locked_until))
    if row.must_change_password:
        return t("gui.users.state.must_change")
    return t("gui.users.state.active")


class UsersModel(QAbstractTableModel):
    def __init__(self, rows: list[Any] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = list(rows or [])

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == "role":
                return role_text(row.role)
            if column == "state":
                return state_text(row)
            if column == "confidentiality_signed_on":
                return format_date(row.confidentiality_signed_on) or t("gui.users.missing")
            if column == "last_login_at":
                return format_datetime(row.last_login_at)
            return str(getattr(row, column) or "")
        if role == Qt.ItemDataRole.ForegroundRole and (not row.active or row.locked):
            from PySide6.QtGui import QBrush, QColor

            return QBrush(QColor("#b3261e") if row.locked else QColor("#6b6b6b"))
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return t(f"gui.users.col.{COLUMNS[section]}")
        return None
