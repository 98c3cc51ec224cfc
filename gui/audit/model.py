"""The audit log table: a model over core.security.audit.list_entries rows (newest first)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.i18n import format_datetime, t

COLUMNS = ("id", "at", "username", "action", "entity", "entity_id", "fields")
Index = QModelIndex | QPersistentModelIndex


def _known(key: str, fallback: str) -> str:
    text = t(key)
    return fallback if text == key else text


def fields_text(fields: str) -> str:
    """Field names in the user's language where the catalogue has them."""
    return ", ".join(_known(f"field.{name}", name) for name in fields.split(",") if name)


def action_text(action: str) -> str:
    """The action in the user's language when the catalogue has it, else its code."""
    key = f"gui.audit.action.{action}"
    text = t(key)
    return action if text == key else text


class AuditModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def append_rows(self, rows: list[Any]) -> None:
        if not rows:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

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
            if column == "at":
                return format_datetime(row.at)
            if column == "action":
                return action_text(row.action)
            if column == "fields":
                return fields_text(row.fields)
            if column == "entity":
                return _known(f"gui.audit.entity.{row.entity}", row.entity)
            return str(getattr(row, column))
        if role == Qt.ItemDataRole.ToolTipRole and column in ("action", "fields", "entity"):
            return getattr(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "id":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
            return t(f"gui.audit.col.{COLUMNS[section]}")
        return None
