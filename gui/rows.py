"""The one read-only table model: a list of frozen row dataclasses shown through column specs.

Columns are declared once, header by catalogue key::

    RowsModel([Column("field.customer", lambda r: r.name),
               Column("field.amount", lambda r: format_money(r.amount), right=True)])

The display text is also the accessible text and, unless the column says otherwise, the
tooltip (a cell cut short shows its whole text). ``SORT_ROLE`` gives the column's sort key for a
``QSortFilterProxyModel``, ``ROW_ROLE`` the row itself. A model may tick rows (``checkable``:
a check box in the first column) and style whole rows (``style``: colours, bold, tooltip).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from core.i18n import t

SORT_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)


@dataclass(frozen=True)
class Column:
    header_key: str  # catalogue key of the header text
    text: Callable[[Any], str]  # what the cell shows
    right: bool = False  # numbers and money are right-aligned
    tooltip: Callable[[Any], str | None] | None = None  # default: the cell's text
    sort_key: Callable[[Any], Any] | None = None  # default: the cell's text


def no_tooltip(_row: Any) -> None:
    """For ``Column.tooltip``: the cell has no tooltip."""
    return None


@dataclass(frozen=True)
class RowStyle:
    background: QColor | None = None
    foreground: QColor | None = None
    bold: bool = False
    tooltip: str | None = None  # over every cell of the row, before the column's own


def register_table(table: QTableView, model: RowsModel, name: str) -> None:
    """``table`` as a register's list (users, recipients): one whole row selected at a time,
    read-only, columns as wide as their text with the last one stretched; ``name`` for a
    screen reader."""
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setAccessibleName(name)


class RowsModel(QAbstractTableModel):
    def __init__(
        self,
        columns: Sequence[Column],
        parent: Any = None,
        *,
        checkable: bool = False,
        style: Callable[[Any], RowStyle | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []
        self._checkable = checkable
        self._style = style
        self._checked: set[int] = set()  # row numbers

    # --- rows ---------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any], checked: bool = False) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._checked = set(range(len(self._rows))) if checked else set()
        self.endResetModel()

    def show_rows(self, table: Any, rows: Sequence[Any], keep_id: int | None) -> None:
        """New rows in ``table`` (a view of this model), the row whose ``id`` is ``keep_id``
        selected again, else the first: a list reloaded after an edit stays where it was."""
        self.set_rows(rows)
        place = next((n for n, row in enumerate(rows) if row.id == keep_id), 0 if rows else -1)
        if place >= 0:
            table.selectRow(place)

    def append_rows(self, rows: Sequence[Any]) -> None:
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def current_row(self, table: Any) -> Any:
        """The row of ``table``'s (a view of this model) current index, or None."""
        index = table.currentIndex()
        return self.row_at(index.row()) if index.isValid() else None

    # --- ticked rows --------------------------------------------------------------------------
    def checked_rows(self) -> list[Any]:
        return [self._rows[i] for i in sorted(self._checked)]

    def set_all_checked(self, checked: bool) -> None:
        self._checked = set(range(len(self._rows))) if checked else set()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    # --- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in _TEXT_ROLES:
            return column.text(row)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return column.sort_key(row) if column.sort_key is not None else column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.CheckStateRole and self._checkable and index.column() == 0:
            return (
                Qt.CheckState.Checked if index.row() in self._checked else Qt.CheckState.Unchecked
            )
        style = self._style(row) if self._style is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if style is not None and style.tooltip:
                return style.tooltip
            return column.tooltip(row) if column.tooltip is not None else column.text(row)
        if style is None:
            return None
        if role == Qt.ItemDataRole.BackgroundRole and style.background is not None:
            return QBrush(style.background)
        if role == Qt.ItemDataRole.ForegroundRole and style.foreground is not None:
            return QBrush(style.foreground)
        if role == Qt.ItemDataRole.FontRole and style.bold:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (
            self._checkable
            and index.isValid()
            and index.column() == 0
            and role == Qt.ItemDataRole.CheckStateRole
        ):
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(value)
        if state == Qt.CheckState.Checked:
            self._checked.add(index.row())
        else:
            self._checked.discard(index.row())
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._checkable and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return t(self._columns[section].header_key)
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None
