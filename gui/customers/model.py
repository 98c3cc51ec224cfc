"""The lazy customer list: it holds the ids matching the search (cheap even for 100,000) and
fetches the rows themselves a page at a time, off the GUI thread, as the view needs them."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from core import customers
from core.customers import CustomerRow
from core.i18n import t

PAGE = 200
COLUMNS = ("last_name", "first_name", "organisation", "email", "phone", "postal_code", "city",
           "state")
ID_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


def state_text(row: CustomerRow) -> str:
    text = t(f"lists.state.{row.state}")
    return f"{text}, {t('lists.state.archived')}" if row.archived else text


def search_page(ctx: Any, query: str, include_archived: bool) -> tuple[list[int], list[CustomerRow]]:
    """Runs on the worker: the matching ids and the rows of the first page."""
    with ctx.session() as s:
        ids = customers.search_customer_ids(s, ctx.actor, query,
                                            include_archived=include_archived)
        return ids, customers.customer_rows(s, ctx.actor, ids[:PAGE])


class CustomerListModel(QAbstractTableModel):
    """Rows are the search result; ``searched`` fires when a new result is in the model."""

    searched = Signal(int)  # number of matches
    failed = Signal(object)  # the exception of a failed search

    def __init__(self, ctx: Any, parent=None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ids: list[int] = []
        self._pages: dict[int, list[CustomerRow]] = {}
        self._pending: set[int] = set()
        self._generation = 0
        self.query = ""
        self.include_archived = False
        self.last_latency_ms = 0.0  # request to rows in the model (for the benchmark)

    # --- searching ---------------------------------------------------------------------------
    def search(self, query: str, include_archived: bool | None = None) -> None:
        self.query = query
        if include_archived is not None:
            self.include_archived = include_archived
        self._generation += 1
        generation, started = self._generation, time.perf_counter()
        archived = self.include_archived
        self._ctx.tasks.run(
            lambda: search_page(self._ctx, query, archived),
            lambda result: self._apply(generation, started, *result),
            self._fail,
        )

    def refresh(self) -> None:
        self.search(self.query)

    def _fail(self, exc: BaseException) -> None:
        self.failed.emit(exc)

    def _apply(self, generation: int, started: float, ids: list[int],
               first: list[CustomerRow]) -> None:
        if generation != self._generation:
            return  # a newer search was typed meanwhile
        self.beginResetModel()
        self._ids = ids
        self._pages = {0: first}
        self._pending = set()
        self.endResetModel()
        self.last_latency_ms = (time.perf_counter() - started) * 1000
        self.searched.emit(len(ids))

    # --- lazy pages --------------------------------------------------------------------------
    def _row(self, row: int) -> CustomerRow | None:
        page = self._pages.get(row // PAGE)
        if page is None:
            self._request_page(row // PAGE)
            return None
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    def _request_page(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        # Never start work (or emit signals) from inside data(): queue it.
        QTimer.singleShot(0, lambda: self._fetch_page(self._generation, page))

    def _fetch_page(self, generation: int, page: int) -> None:
        if generation != self._generation:
            return
        ids = self._ids[page * PAGE:(page + 1) * PAGE]

        def fetch() -> list[CustomerRow]:
            with self._ctx.session() as s:
                return customers.customer_rows(s, self._ctx.actor, ids)

        self._ctx.tasks.run(fetch, lambda rows: self._page_loaded(generation, page, ids, rows),
                            self._fail)

    def _page_loaded(self, generation: int, page: int, ids: list[int],
                     rows: list[CustomerRow]) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        by_id = {r.id: r for r in rows}
        # A customer erased meanwhile leaves a gap; keep positions stable with a placeholder.
        self._pages[page] = [by_id.get(i) or CustomerRow(i, "", "", "", "", "", "", "", "", False)
                             for i in ids]
        first = page * PAGE
        last = min(first + PAGE, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    # --- access ------------------------------------------------------------------------------
    def customer_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, customer_id: int) -> int:
        try:
            return self._ids.index(customer_id)
        except ValueError:
            return -1

    def total(self) -> int:
        return len(self._ids)

    # --- Qt model ----------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        field = COLUMNS[index.column()]
        return state_text(row) if field == "state" else getattr(row, field)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return t(f"field.{COLUMNS[section]}")
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None
