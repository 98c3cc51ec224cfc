"""The request list model: frozen ``RequestRow``s from core, days left coloured."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from core.i18n import format_date, t
from core.requests import RequestRow

COLUMNS = ("number", "kind", "person", "state", "received_on", "due_on", "days_left")
OVERDUE_BG = QColor("#f8d7da")
OVERDUE_FG = QColor("#8a1c24")
SOON_BG = QColor("#fff3cd")
SOON_FG = QColor("#7a5200")

Index = QModelIndex | QPersistentModelIndex


class RequestTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RequestRow] = []

    def set_rows(self, rows: list[RequestRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> RequestRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return t(f"req.col.{COLUMNS[section]}")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return {
                "received_on": r.received_on.toordinal(),
                "due_on": r.due_on.toordinal(),
                "days_left": r.days_left if r.is_open else 10**6,
            }.get(col, self._display(r, col))
        urgency = r.urgency
        if role == Qt.ItemDataRole.BackgroundRole and urgency:
            return QBrush(OVERDUE_BG if urgency == "overdue" else SOON_BG)
        if role == Qt.ItemDataRole.ForegroundRole and urgency:
            return QBrush(OVERDUE_FG if urgency == "overdue" else SOON_FG)
        if role == Qt.ItemDataRole.ToolTipRole and urgency:
            return t(f"req.gui.tip_{urgency}")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == "days_left":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, r: RequestRow, col: str) -> str:
        if col == "kind":
            return t(f"req.kind.{r.kind}")
        if col == "state":
            return t(f"req.state.{r.state}")
        if col == "received_on":
            return format_date(r.received_on)
        if col == "due_on":
            text = format_date(r.due_on)
            return f"{text} ({t('req.gui.extended_short')})" if r.extended else text
        if col == "days_left":
            if not r.is_open:
                return ""
            if r.days_left < 0:
                return t("req.gui.days_overdue", days=-r.days_left)
            return str(r.days_left)
        return str(getattr(r, col))
