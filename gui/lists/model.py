"""Who will get direct mail: a table over the ``LabelEntry`` rows of a mailing selection."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.documents.data import LabelEntry
from core.i18n import t

COLUMNS = ("name", "organisation", "street", "postal_code", "city", "country")
Index = QModelIndex | QPersistentModelIndex


def column_title(column: str) -> str:
    return t("listsdoc.col.name") if column == "name" else t(f"field.{column}")


def cell_text(entry: LabelEntry, column: str) -> str:
    if column == "name":
        return f"{entry.last_name} {entry.first_name}".strip()
    return str(getattr(entry, column) or "")


class MailingModel(QAbstractTableModel):
    """Read-only rows in the order the labels are printed (postal code, then name)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[LabelEntry] = []

    def set_entries(self, entries: list[LabelEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return cell_text(self.entries[index.row()], COLUMNS[index.column()])
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return column_title(COLUMNS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.entries):
            return str(section + 1)
        return None
