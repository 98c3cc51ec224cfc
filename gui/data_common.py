"""Small pieces the data screens share (statistics, retention, duplicates, updates): a table
model over frozen row dataclasses and an error message box."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import AppError
from core.i18n import t

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], str]
    align_right: bool = False


class RowsModel(QAbstractTableModel):
    """Read-only rows; optionally a check box in the first column (``checkable``)."""

    def __init__(
        self,
        columns: Sequence[Column],
        checkable: bool = False,
        parent: Any = None,
        emphasis: Callable[[Any], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.checkable = checkable
        self.emphasis = emphasis  # rows drawn in bold (e.g. the values that differ)
        self.rows: list[Any] = []
        self.checked: set[int] = set()  # row numbers

    def set_rows(self, rows: Sequence[Any], checked: bool = False) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.checked = set(range(len(self.rows))) if checked else set()
        self.endResetModel()

    def row(self, number: int) -> Any:
        return self.rows[number]

    def checked_rows(self) -> list[Any]:
        return [self.rows[i] for i in sorted(self.checked)]

    def set_all_checked(self, checked: bool) -> None:
        self.checked = set(range(len(self.rows))) if checked else set()
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self.rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.value(self.rows[index.row()])
        if role == Qt.ItemDataRole.CheckStateRole and self.checkable and index.column() == 0:
            return Qt.CheckState.Checked if index.row() in self.checked else Qt.CheckState.Unchecked
        if (
            role == Qt.ItemDataRole.FontRole
            and self.emphasis is not None
            and self.emphasis(self.rows[index.row()])
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (
            self.checkable
            and index.isValid()
            and index.column() == 0
            and role == Qt.ItemDataRole.CheckStateRole
        ):
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(value)
        if state == Qt.CheckState.Checked:
            self.checked.add(index.row())
        else:
            self.checked.discard(index.row())
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.checkable and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    if isinstance(exc, AppError):
        text = exc.message()
    elif isinstance(exc, OSError):
        text = t("data.gui.file_error", detail=exc.strerror or str(exc))
    else:
        text = t("data.gui.unexpected_error", kind=type(exc).__name__)
    QMessageBox.warning(parent, t("data.gui.error_title"), text)
