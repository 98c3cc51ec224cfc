"""The lazy customer list: it holds the ids matching the search (cheap even for 100,000) and
fetches the rows themselves a page at a time, off the GUI thread, as the view needs them."""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from sqlalchemy.orm import Session

from core.customers.search import (
    CustomerListRow,
    ListOrder,
    SearchResult,
    list_rows,
    matching_ids,
    prepare_search,
)
from core.i18n import format_date, t
from core.security.permissions import Actor
from core.validation import format_phone
from gui.ops import DbOp

PAGE = 100  # rows fetched at a time as the view scrolls
FIRST = 60  # rows fetched with a search: more than a screenful at 1280x800
COLUMNS = (
    "last_name",
    "first_name",
    "organisation",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "state",
    "updated_at",
)
# The columns whose header sorts the list, and the order each gives.
SORTS = {
    "last_name": ListOrder.NAME,
    "first_name": ListOrder.NAME,
    "postal_code": ListOrder.POSTAL_CODE,
    "city": ListOrder.CITY,
    "updated_at": ListOrder.UPDATED,
}
# The column that shows each order's sort indicator.
SORT_COLUMN = {
    ListOrder.NAME: COLUMNS.index("last_name"),
    ListOrder.POSTAL_CODE: COLUMNS.index("postal_code"),
    ListOrder.CITY: COLUMNS.index("city"),
    ListOrder.UPDATED: COLUMNS.index("updated_at"),
}
ID_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


@lru_cache(maxsize=20000)
def phone_text(e164: str) -> str:
    return format_phone(e164)


def state_text(row: CustomerListRow) -> str:
    text = t(f"customers.state.{row.state}")
    return f"{text}, {t('customers.state.archived')}" if row.archived else text


def search_page(
    s: Session,
    actor: Actor,
    query: str,
    include_archived: bool,
    order: ListOrder = ListOrder.NAME,
    descending: bool = False,
) -> tuple[SearchResult, list[CustomerListRow]]:
    """Runs on the worker: the first page of matching ids (all of them when there are few)
    and their rows."""
    result = matching_ids(
        s,
        actor,
        query,
        include_archived=include_archived,
        limit=FIRST,
        order=order,
        descending=descending,
    )
    return result, list_rows(s, actor, result.ids[:FIRST])


def search_all(
    s: Session,
    actor: Actor,
    query: str,
    include_archived: bool,
    order: ListOrder = ListOrder.NAME,
    descending: bool = False,
) -> list[int]:
    """Runs on the worker: every matching id (the second step for a common term)."""
    return matching_ids(
        s, actor, query, include_archived=include_archived, order=order, descending=descending
    ).ids


class CustomerListModel(QAbstractTableModel):
    """Rows are the search result; ``searched`` fires when a new result is in the model."""

    searched = Signal(int, bool)  # number of ids in the model, whether that is all
    failed = Signal(object)  # the exception of a failed search

    def __init__(self, ctx: Any, parent=None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ids: list[int] = []
        self._pages: dict[int, list[CustomerListRow]] = {}
        self._pending: set[int] = set()
        self._generation = 0
        self.query = ""
        self.include_archived = False
        self.order = ListOrder.NAME
        self.descending = False
        self.complete = True
        self._preparing = False  # the search's list being read (core prepare_search)
        # For the benchmark: request to the first rows in the model, and to the whole list.
        self.first_rows_ms = 0.0
        self.all_rows_ms = 0.0

    # --- searching ---------------------------------------------------------------------------
    def search(self, query: str, include_archived: bool | None = None) -> None:
        self.query = query
        if include_archived is not None:
            self.include_archived = include_archived
        self._generation += 1
        generation, started = self._generation, time.perf_counter()
        archived, actor = self.include_archived, self._ctx.actor
        order, descending = self.order, self.descending
        DbOp(
            self._ctx, None, lambda s: search_page(s, actor, query, archived, order, descending)
        ).read_only().success(lambda result: self._apply(generation, started, *result)).failure(
            self._fail
        ).run()

    def refresh(self) -> None:
        self.search(self.query)

    def set_order(self, order: ListOrder, descending: bool) -> None:
        """Sort the whole result (in core) and keep the order for every later search."""
        if (order, descending) == (self.order, self.descending):
            return
        self.order, self.descending = order, descending
        self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        sort = SORTS.get(COLUMNS[column]) if 0 <= column < len(COLUMNS) else None
        if sort is not None:
            self.set_order(sort, order == Qt.SortOrder.DescendingOrder)

    def _fail(self, exc: BaseException) -> None:
        self.failed.emit(exc)

    def _apply(
        self, generation: int, started: float, result: SearchResult, first: list[CustomerListRow]
    ) -> None:
        if generation != self._generation:
            return  # a newer search was typed meanwhile
        self.beginResetModel()
        self._ids = list(result.ids)
        self._pages = {0: first}
        self._pending = set()
        self.complete = result.complete
        self.endResetModel()
        self.first_rows_ms = (time.perf_counter() - started) * 1000
        # Told before the rest is asked for: a task runner may answer at once, and its
        # "all counted" must come after this "first page, still counting".
        self.searched.emit(len(self._ids), result.complete)
        if result.unprepared and not self._preparing:
            self._prepare()
        if result.complete:
            self.all_rows_ms = self.first_rows_ms
        else:
            query, archived, actor = self.query, self.include_archived, self._ctx.actor
            order, descending = self.order, self.descending
            DbOp(
                self._ctx,
                None,
                lambda s: search_all(s, actor, query, archived, order, descending),
            ).read_only().success(lambda ids: self._apply_rest(generation, started, ids)).failure(
                self._fail
            ).run()

    def _prepare(self) -> None:
        """Have core read the customer list it keeps for searching, in the background: the
        search said it could not answer from it (none read yet, or too much changed)."""
        self._preparing = True
        actor = self._ctx.actor

        def done(_result: object = None) -> None:
            self._preparing = False

        def failed(exc: BaseException) -> None:
            done()
            self._fail(exc)

        DbOp(
            self._ctx, None, lambda s: prepare_search(s, actor)
        ).read_only().in_background().success(done).failure(failed).run()

    def _apply_rest(self, generation: int, started: float, ids: list[int]) -> None:
        if generation != self._generation:
            return
        have = len(self._ids)
        if ids[:have] != self._ids:  # the list changed between the two steps: start over
            self.beginResetModel()
            self._ids, self._pages, self._pending = ids, {}, set()
            self.endResetModel()
        elif len(ids) > have:
            self.beginInsertRows(QModelIndex(), have, len(ids) - 1)
            self._ids = ids
            self.endInsertRows()
        self.complete = True
        self.all_rows_ms = (time.perf_counter() - started) * 1000
        self.searched.emit(len(self._ids), True)

    # --- lazy pages --------------------------------------------------------------------------
    def _row(self, row: int) -> CustomerListRow | None:
        page, offset = divmod(row, PAGE)
        rows = self._pages.get(page)
        if rows is None or offset >= len(rows):  # the search brought only the first rows
            self._request_page(page)
            return None
        return rows[offset]

    def _request_page(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        # Never start work (or emit signals) from inside data(): queue it.
        QTimer.singleShot(0, lambda: self._fetch_page(self._generation, page))

    def _fetch_page(self, generation: int, page: int) -> None:
        if generation != self._generation:
            return
        ids, actor = self._ids[page * PAGE : (page + 1) * PAGE], self._ctx.actor
        DbOp(self._ctx, None, lambda s: list_rows(s, actor, ids)).read_only().success(
            lambda rows: self._page_loaded(generation, page, ids, rows)
        ).failure(self._fail).run()

    def _page_loaded(
        self, generation: int, page: int, ids: list[int], rows: list[CustomerListRow]
    ) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        by_id = {r.id: r for r in rows}
        # A customer erased meanwhile leaves a gap; keep positions stable with a placeholder.
        blank = ("", "", "", "", "", "", "", "", "", False, None)
        self._pages[page] = [by_id.get(i) or CustomerListRow(i, *blank) for i in ids]
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
        if field == "state":
            return state_text(row)
        if field == "updated_at":
            return format_date(row.updated_at)
        return phone_text(row.phone) if field == "phone" else getattr(row, field)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            field = COLUMNS[section]
            return t("customers.col.updated") if field == "updated_at" else t(f"field.{field}")
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None
