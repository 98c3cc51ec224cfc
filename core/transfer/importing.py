"""Importing customers from CSV and spreadsheets (DESIGN.md section 8; the spreadsheet reader
is ``core.transfer.sheets``).

Good rows are committed in batches; rejected rows go to ``FILE.rejected.csv`` with a reason that
names the row and the column; re-running the same file adds nobody twice (same hetu, else same
email, else same name and postal code). A row with a hetu and the email of someone stored
without one gives them its hetu when the name agrees (an update, audited, in field history). Every row of
the file is imported, unchanged, updated or rejected with a reason; every column that no field
is read from is named in the summary.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.clock import now, today
from core.customers.search import build_search_text
from core.customers.service import clean_customer, update_customer
from core.customers.suppression import SuppressionKey, suppression_key, suppression_map
from core.db import BEGIN_IMMEDIATE, WAL_AUTOCHECKPOINT, Database, bulk_insert, is_busy
from core.errors import AppError, Busy, ValidationError, ValidationErrors
from core.i18n import format_date, t
from core.models import AuditEntry, Customer, CustomerState, FieldChange, Source, table_of
from core.security import audit
from core.security.crypto import DataKey
from core.security.permissions import Actor, Permission, require
from core.settings import data_key
from core.transfer.csvio import (
    CsvTable,
    header_name,
    ignored_columns_text,
    write_table,
)
from core.transfer.sheets import read_customer_file

BATCH = 5000  # rows a transaction
# On a server every desk's save waits for the audit chain's head, which an import batch holds
# from its duplicate check to its commit: 5,000 rows held the other desks' saves for over a
# second (bench/desks.py, save p95 1,293 ms). Smaller batches there; on SQLite the one writer
# is as fast with the bigger ones and the import needs fewer commits.
SERVER_BATCH = 500


# Audit entities whose entries never add a customer or change one's keys (hetu, email, name,
# postal code): the import's check of what other desks stored meanwhile passes over them.
KEYLESS_ENTITIES = frozenset({"order", "document", "export", "recipient", "settings", "user"})


def batch_rows(db: Database) -> int:
    """Rows a transaction of the import on this database."""
    return BATCH if db.is_sqlite else min(BATCH, SERVER_BATCH)


Progress = Callable[[int, int, str], None]
ShouldAbort = Callable[[], bool]


@dataclass
class RejectedRow:
    line: int
    cells: list[str]
    reason: str


@dataclass
class ImportReport:
    imported: int = 0
    rejected: int = 0
    unchanged: int = 0
    updated: int = 0  # stored customers given the hetu they lacked
    rejected_rows: list[RejectedRow] = field(default_factory=list)
    rejected_path: Path | None = None
    aborted: bool = False  # cancelled: ``imported`` counts the whole batches committed
    dry_run: bool = False  # validated only: ``imported`` counts the customers it would add
    rows: int = 0  # the rows the file has (blank lines not counted)
    # The file's lines after the header: rows + continued + blank_lines.
    lines: int = 0
    continued: int = 0  # lines that go on the row above (a quoted cell in two lines)
    blank_lines: int = 0
    ignored_columns: list[tuple[int, str]] = field(default_factory=list)  # (number, header)
    headers: list[str] = field(default_factory=list)  # the file's headers (rejected rows' columns)

    def summary(self, lang: str | None = None) -> str:
        text = t(
            "import.summary",
            lang=lang,
            imported=self.imported,
            rejected=self.rejected,
            unchanged=self.unchanged,
            updated=self.updated,
        )
        if self.ignored_columns:
            text += "; " + ignored_columns_text(self.ignored_columns, lang)
        return text


def rejected_path_for(path: Path) -> Path:
    return path.with_name(path.stem + ".rejected.csv")


class _Known:
    """Someone a dedup key names: a stored customer (``id``) or a row of this import (no id
    yet), and whether they have a hetu (an anonymised customer counts as having one: nothing
    is given to them)."""

    __slots__ = ("id", "line", "has_hetu", "first", "last", "email", "postal_code")

    def __init__(
        self,
        cid: int | None,
        has_hetu: bool,
        first: str,
        last: str,
        email: str,
        postal: str,
        line: int = 0,  # the row of the file that adds them
    ) -> None:
        self.id, self.line = cid, line
        self.has_hetu = has_hetu
        self.first, self.last, self.email, self.postal_code = first, last, email, postal


Keyed = dict[Any, "_Known | list[_Known]"]


def _put(keyed: Keyed, key: Any, known: _Known) -> None:
    held = keyed.get(key)
    if held is None:
        keyed[key] = known
    elif isinstance(held, list):
        held.append(known)
    else:
        keyed[key] = [held, known]


class _ExistingKeys:
    """The dedup keys of every stored customer, loaded once per import (and again by the
    writer when another desk has written since, see ``_StoredCheck``), and of the rows the
    import adds."""

    def __init__(self, s: Session) -> None:
        self.email: Keyed = {}
        self.name: Keyed = {}
        self.hetu: set[str] = set()
        self.read(s)

    def read(self, s: Session, ids: list[int] | None = None) -> None:
        """Add the keys of every stored customer, or of those with ``ids``."""
        hetus = select(Customer.hetu_index).where(Customer.hetu_index.is_not(None))
        rows = select(
            Customer.id,
            Customer.first_name,
            Customer.last_name,
            func.lower(Customer.email),
            Customer.postal_code,
            Customer.hetu_index.is_not(None),
            Customer.state,
        )
        if ids is not None:
            hetus, rows = hetus.where(Customer.id.in_(ids)), rows.where(Customer.id.in_(ids))
        self.hetu.update(h for h in s.execute(hetus).scalars() if h)
        for cid, first, last, email, postal, has_hetu, state in s.execute(rows):
            gone = state == CustomerState.ANONYMISED.value
            self._index(_Known(cid, bool(has_hetu) or gone, first, last, email, postal))

    def seen(self, clean: dict[str, Any], hetu_index: str | None) -> bool:
        """Whether the row is someone already stored: by the hetu when it has one, else by
        email or name and postal code."""
        if hetu_index:
            return hetu_index in self.hetu
        return bool(self.match(clean)[1])

    def _index(self, known: _Known) -> None:
        if known.email:
            _put(self.email, known.email, known)
        _put(self.name, (known.first.lower(), known.last.lower(), known.postal_code), known)

    def match(self, clean: dict[str, Any]) -> tuple[str, list[_Known]]:
        """Who the row names: by email, else by name and postal code (DESIGN.md section 8)."""
        email = clean.get("email", "").lower()
        if email and (held := self.email.get(email)) is not None:
            return "email", held if isinstance(held, list) else [held]
        key = (
            clean["first_name"].lower(),
            clean["last_name"].lower(),
            clean.get("postal_code", ""),
        )
        held = self.name.get(key)
        if held is None:
            return "", []
        return "name", held if isinstance(held, list) else [held]

    def add(self, clean: dict[str, Any], hetu_index: str | None, line: int) -> None:
        if hetu_index:
            self.hetu.add(hetu_index)
        self._index(
            _Known(
                None,
                bool(hetu_index),
                clean["first_name"],
                clean["last_name"],
                clean.get("email", "").lower(),
                clean.get("postal_code", ""),
                line,
            )
        )


class _StoredCheck:
    """The import's rows checked once more under the write lock, against what other desks
    stored after the import read the register: the same file imported twice at once, or a
    desk adding one of its people meanwhile, leaves those rows unchanged instead of storing
    someone twice (the hetu's unique index would refuse the whole batch). Every change of a
    customer writes an audit entry, so the chain's head tells whether anyone else wrote; only
    then are the keys read again."""

    def __init__(self, head_id: int) -> None:
        self.head_id = head_id  # the head as this import last knew it
        self.stored: _ExistingKeys | None = None  # the register's keys, once someone else wrote

    def _read_changed(self, session: Session, newest: int) -> bool:
        """Add the keys of the customers other desks saved since the head this import knew,
        told by their audit entries: on a server with desks at work the head moves between
        nearly every two batches, and reading all 100,000 customers' keys each time held
        their saves for half a second (bench/desks.py). False when an entry may have changed
        customers it does not name (another import, a merge, a request's decision): the
        caller reads every key again."""
        changed = []
        for entity, entity_id in session.execute(
            select(AuditEntry.entity, AuditEntry.entity_id).where(
                AuditEntry.id > self.head_id, AuditEntry.id <= newest
            )
        ):
            if entity == "customer" and entity_id.isdigit():
                changed.append(int(entity_id))
            elif entity not in KEYLESS_ENTITIES:
                return False
        if changed and self.stored is not None:
            self.stored.read(session, changed)
        return True

    def drop_stored(self, session: Session, batch: NewCustomers) -> int:
        """Remove from ``batch`` the rows stored meanwhile; returns how many."""
        head = audit.lock_head(session)
        if head.last_id != self.head_id:
            if self.stored is None or not self._read_changed(session, head.last_id):
                self.stored = _ExistingKeys(session)
            self.head_id = head.last_id
        if self.stored is None:
            return 0
        indexes = batch.hetu_indexes or [None] * len(batch.rows)
        keep = []
        for n, (row, index) in enumerate(zip(batch.rows, indexes, strict=True)):
            if not self.stored.seen(row, index):
                self.stored.add(row, index, 0)
                keep.append(n)
        dropped = len(batch.rows) - len(keep)
        if dropped:
            batch.rows = [batch.rows[n] for n in keep]
            batch.hetus = [batch.hetus[n] for n in keep]
            batch.hetu_indexes = [indexes[n] for n in keep]
            batch.sealed = None  # the ids move: encrypted again under the ones they get
        return dropped


@dataclass
class _HetuFill:
    """A row's hetu for someone known without one, given once the import's rows are stored."""

    line: int
    cells: list[str]
    hetu: str
    known: _Known


def _stored_id(session: Session, known: _Known) -> int | None:
    """The id of a customer this import added (rows get their ids when their batch is written)."""
    q = select(Customer.id).where(
        Customer.hetu_index.is_(None),
        Customer.first_name == known.first,
        Customer.last_name == known.last,
        func.lower(Customer.email) == known.email,
        Customer.postal_code == known.postal_code,
    )
    return session.execute(q.order_by(Customer.id.desc()).limit(1)).scalar_one_or_none()


def _reason(
    error: ValidationError,
    headers: list[str],
    fields: list[str | None],
    line: int,
    lang: str | None,
) -> str:
    column = next(
        (h for h, f in zip(headers, fields, strict=False) if f == error.field),
        t(f"field.{error.field}", lang=lang),
    )
    return t(
        "import.row_error",
        lang=lang,
        line=line,
        column=header_name(column),
        problem=t(error.code, lang=lang, **error.params),
    )


def _suppressed_on(
    suppressed: dict[str, date], key: SuppressionKey, clean: dict[str, Any], hetu: str
) -> date | None:
    """The erasure date when the row's hetu or email is on the suppression list."""
    if not suppressed:
        return None
    for index in (key.hetu_index(hetu), key.email_index(clean.get("email", ""))):
        if index and index in suppressed:
            return suppressed[index]
    return None


class _Fields:
    """Attribute access over a clean dict (what build_search_text reads)."""

    def __init__(self, clean: dict[str, Any]) -> None:
        self.__dict__.update(
            {
                f: clean.get(f, "")
                for f in (
                    "first_name",
                    "last_name",
                    "organisation",
                    "email",
                    "postal_code",
                    "city",
                    "phone",
                )
            }
        )


@dataclass
class NewCustomers:
    """Validated customers made ready for one bulk insert: the part of the work that needs no
    database, so that an import does it while the previous batch is being written."""

    rows: list[dict[str, Any]]
    hetus: list[str]
    fields: list[str]  # the fields given for someone, for the audit entry
    hetu_indexes: list[str | None] | None = None  # when the caller has them already
    sealed_from: int | None = None  # the first id the hetus in ``sealed`` are encrypted under
    sealed: list[bytes | None] | None = None

    def seal(self, key: DataKey, first: int) -> None:
        """Encrypt the hetus under the ids the rows get if they are stored from ``first`` on
        (an import does this while the batch before is being written). Stored under other
        ids, they are encrypted again."""
        self.sealed_from = first
        self.sealed = [key.encrypt(h, first + n) if h else None for n, h in enumerate(self.hetus)]


def prepare_customers(
    actor: Actor,
    rows: list[tuple[dict[str, Any], str]],
    hetu_indexes: list[str | None] | None = None,
) -> NewCustomers:
    """The table rows for validated customers (clean data, hetu), with the hetus' blind
    indexes if the caller computed them already."""
    stamp = now()
    contact = today()
    params = []
    given: set[str] = set()
    for clean, hetu in rows:
        given.update(k for k, v in clean.items() if v)
        if hetu:
            given.add("hetu")
        params.append(
            {
                "first_name": clean["first_name"],
                "last_name": clean["last_name"],
                "organisation": clean.get("organisation", ""),
                "email": clean.get("email", ""),
                "street": clean.get("street", ""),
                "postal_code": clean.get("postal_code", ""),
                "city": clean.get("city", ""),
                "country": clean.get("country", "FI"),
                "phone": clean.get("phone", ""),
                "source": clean.get("source", Source.OTHER.value),
                "state": CustomerState.ACTIVE.value,
                "archived": False,
                "search_text": build_search_text(_Fields(clean)),
                "created_at": stamp,
                "updated_at": stamp,
                "updated_by": actor.username,
                "version": 1,
                "last_contact_on": clean.get("last_contact_on") or contact,
            }
        )
    return NewCustomers(params, [hetu for _clean, hetu in rows], sorted(given), hetu_indexes)


def insert_customers(
    session: Session, actor: Actor, rows: list[tuple[dict[str, Any], str]], source_label: str
) -> list[int]:
    """Bulk-insert validated customers (clean data, hetu) and encrypt their hetus."""
    return insert_prepared(session, actor, prepare_customers(actor, rows), source_label)


def _first_free_id(session: Session) -> int:
    """The id the next customer gets when the import gives ids itself (SQLite)."""
    return int(session.execute(select(func.coalesce(func.max(Customer.id), 0))).scalar_one()) + 1


def insert_prepared(
    session: Session, actor: Actor, new: NewCustomers, source_label: str
) -> list[int]:
    """Insert prepared customers, encrypt their hetus under their ids, and record their
    creation in the field history; returns the ids."""
    if not new.rows:
        return []
    params = new.rows
    stamp = params[0]["created_at"]
    table = table_of(Customer)
    conn = session.connection()
    key = data_key(session)
    # One statement with the ids given (and the hetu encrypted under them) instead of a
    # RETURNING round trip and a second pass. SQLite: the ids after the highest; if a desk
    # inserted meanwhile, the taken ids collide and the batch fails whole, never mixes. A
    # server: ids taken from the customers' own sequence, which no other desk is given.
    if conn.dialect.name == "sqlite":
        first = _first_free_id(session)
        ids = list(range(first, first + len(params)))
    else:
        ids = sorted(
            session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('customers', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": len(params)},
            ).scalars()
        )
        first = ids[0]
    indexes = new.hetu_indexes or [key.blind_index(h) if h else None for h in new.hetus]
    sealed = (
        new.sealed
        if new.sealed is not None and new.sealed_from == first and ids[-1] - first == len(ids) - 1
        else [key.encrypt(h, cid) if h else None for cid, h in zip(ids, new.hetus, strict=True)]
    )
    for cid, row, blob, index in zip(ids, params, sealed, indexes, strict=True):
        row["id"] = cid
        row["hetu_encrypted"] = blob
        row["hetu_index"] = index
    bulk_insert(conn, table, params)
    bulk_insert(
        conn,
        table_of(FieldChange),
        [
            {
                "customer_id": cid,
                "field": "*",
                "old_value": "",
                "new_value": "",
                "source": source_label,
                "changed_by": actor.username,
                "changed_at": stamp,
            }
            for cid in ids
        ],
    )
    return ids


class _BatchWriter:
    """Commits the import's batches on a thread of its own while the next rows are read and
    validated: the database works without Python's global lock, so the two overlap. A batch is
    one transaction, on one connection for the whole import; an error stops the import at the
    next row; ``close(discard=True)`` drops the batches not yet begun.

    On SQLite the write-ahead log is copied back into the database every ~200 MB instead of
    every 4 MB while the import runs (each batch rewrites the same index pages; copying them
    once saves a fifth of the import), and once at the end."""

    WAL_PAGES = 50_000

    def __init__(self, db: Database, write: Callable[[Session, NewCustomers], int]) -> None:
        self._db = db
        self._write = write
        self._queue: queue.Queue[NewCustomers | None] = queue.Queue(1)
        self._error: BaseException | None = None
        self._discard = False
        self._ended = False
        self.committed = 0  # customers
        self.unchanged = 0  # customers another desk stored while this import ran
        self._thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self._db.engine.connect() as conn:
                # SQLite: each batch begins IMMEDIATE, so its ids and the audit head are read
                # under the write lock. The pragmas go outside any transaction, on the
                # driver's connection (which begins nothing itself, see core.db).
                driver = conn.connection.dbapi_connection
                sqlite = conn.dialect.name == "sqlite" and driver is not None
                if sqlite and driver is not None:
                    conn.execution_options(sqlite_begin=BEGIN_IMMEDIATE)
                    driver.execute(f"PRAGMA wal_autocheckpoint={self.WAL_PAGES}")
                try:
                    self._write_all(conn)
                finally:
                    if sqlite and driver is not None:
                        conn.rollback()
                        driver.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
                        driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except BaseException as exc:  # handed to the importing thread
            self._error = self._error or exc
            self._discard = True
            while not self._ended and self._queue.get() is not None:  # let the importer end
                pass

    def _write_all(self, conn: Connection) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None and not self._discard:
                try:
                    with self._db.session_factory(bind=conn) as session, session.begin():
                        dropped = self._write(session, batch)
                    self.committed += len(batch.rows)
                    self.unchanged += dropped
                except OperationalError as exc:
                    self._error = Busy() if is_busy(exc) else exc
                except BaseException as exc:
                    self._error = exc
        self._ended = True  # the importing thread has said it is done

    def check(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self._discard = True
            raise error

    def put(self, batch: NewCustomers) -> None:
        self.check()
        self._queue.put(batch)

    def close(self, *, discard: bool = False, quiet: bool = False) -> None:
        self._discard = self._discard or discard
        self._queue.put(None)
        self._thread.join()
        if not quiet:
            self.check()


class _DryRun:
    """A preview's writer: counts the customers the batches would add, writes nothing."""

    def __init__(self) -> None:
        self.committed = 0
        self.unchanged = 0

    def put(self, batch: NewCustomers) -> None:
        self.committed += len(batch.rows)

    def close(self, *, discard: bool = False, quiet: bool = False) -> None:
        return None


# An import this big validates its rows in a second process while this one writes: on two
# cores the halves overlap, which threads cannot do for Python work (the global lock). Smaller
# files are validated here; so is everything when no process can be started.
PARALLEL_FROM = 10_000
CHUNK = 5000
LOCAL_CHUNKS = 2
AHEAD = 2  # chunks in the helper's hands at a time
Cleaned = dict[str, Any] | list[tuple[str, str, dict[str, Any]]]


def _die_with_parent() -> None:
    """In the helper process: exit as soon as the process that started it is gone.

    ``multiprocessing.parent_process()`` carries a sentinel for it: on POSIX the read end of a
    pipe whose other end only the parent holds (it reads as closed when the parent dies, even
    by SIGKILL), on Windows a handle to the parent process (signalled when it exits). Waiting
    on it works on both, where polling ``os.getppid()`` does not (Windows never reparents a
    process, so its parent id stays the same after the parent dies). A daemon thread waits; the
    pool's own pipes only tell an idle helper, not one busy with a chunk."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def wait() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=wait, name="parent-watch", daemon=True).start()


def _helper_pool() -> ProcessPoolExecutor:
    """The validation helper: one spawned process that dies with this one."""
    return ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"), initializer=_die_with_parent
    )


def _clean_rows(rows: list[list[str]], fields: list[str | None]) -> list[Cleaned]:
    """Clean data for each row's cells, or its errors as (field, code, params)."""
    out: list[Cleaned] = []
    for cells in rows:
        try:
            out.append(clean_customer(_row_data(cells, fields)))
        except ValidationErrors as exc:
            out.append([(e.field, e.code, dict(e.params)) for e in exc.errors])
    return out


def _row_data(cells: list[str], fields: list[str | None]) -> dict[str, str]:
    data: dict[str, str] = {}
    for value, fld in zip(cells, fields, strict=False):
        if fld and fld not in data:  # the first column of a field wins
            data[fld] = value
    return data


def _cleaned(table: CsvTable) -> Generator[Cleaned, None, None]:
    """Each row's clean data or errors, in order. The first chunks are cleaned here while the
    helper process starts (about 0.7 s), so that writing begins without waiting for it; a few
    chunks at a time are in the helper's hands, so memory stays flat."""
    starts = list(range(0, len(table.rows), CHUNK))

    def chunk(start: int) -> list[list[str]]:
        return [cells for _line, cells in table.rows[start : start + CHUNK]]

    pool = None
    if len(table.rows) >= PARALLEL_FROM:
        try:
            pool = _helper_pool()
        except (OSError, RuntimeError):
            pool = None
    if pool is None:
        for _line, cells in table.rows:
            yield from _clean_rows([cells], table.fields)
        return
    waiting: deque[tuple[int, Future[list[Cleaned]]]] = deque()
    later = iter(starts[LOCAL_CHUNKS:])
    try:

        def submit(count: int) -> None:
            for start in itertools.islice(later, count):
                waiting.append((start, pool.submit(_clean_rows, chunk(start), table.fields)))

        submit(AHEAD)
        for start in starts[:LOCAL_CHUNKS]:
            for cells in chunk(start):
                yield from _clean_rows([cells], table.fields)
        while waiting:
            start, future = waiting.popleft()
            submit(1)
            try:
                cleaned = future.result()
            except (BrokenProcessPool, OSError):  # the helper process died: go on here
                cleaned = _clean_rows(chunk(start), table.fields)
            yield from cleaned
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while an import runs: the file's rows are a few million
    live objects, and each full collection walks them all while holding the global lock that
    the writer thread needs (1.5 s of an import of 100,000 rows). The import makes no cycles
    worth collecting meanwhile; the collector runs again at the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_customers(
    db: Database,
    actor: Actor,
    path: Path,
    *,
    lang: str | None = None,
    progress: Progress | None = None,
    should_abort: ShouldAbort | None = None,
    sheet: str | None = None,
    fields: list[str | None] | None = None,
    rejected_file: bool = True,
) -> ImportReport:
    """Import a CSV file or a spreadsheet's ``sheet``; ``fields`` replaces the columns'
    matches by header (None: a column ignored). ``rejected_file``: the rejected rows are
    written to ``FILE.rejected.csv`` (the command line); the window saves them where the user
    says (``write_rejected``)."""
    require(actor, Permission.IMPORT)
    table = read_customer_file(path, sheet, fields)
    with _collector_paused():
        return _import(db, actor, path, table, lang, progress, should_abort, False, rejected_file)


def preview_import(
    db: Database,
    actor: Actor,
    path: Path,
    *,
    lang: str | None = None,
    progress: Progress | None = None,
    should_abort: ShouldAbort | None = None,
    sheet: str | None = None,
    fields: list[str | None] | None = None,
) -> ImportReport:
    """What ``import_customers`` would do, without writing anything: the rows it would add
    (``imported``), leave unchanged, give a hetu (``updated``) and reject, with the reasons."""
    require(actor, Permission.IMPORT)
    table = read_customer_file(path, sheet, fields)
    with _collector_paused():
        return _import(db, actor, path, table, lang, progress, should_abort, True, False)


def write_rejected(path: Path, report: ImportReport, lang: str | None = None) -> int:
    """The rejected rows with their reasons, as .xlsx or CSV by the file's suffix, for fixing
    and importing again."""
    from core.transfer.sheets import write_customer_table

    return write_customer_table(
        path,
        [*report.headers, t("import.reason_column", lang=lang)],
        [[*r.cells, r.reason] for r in report.rejected_rows],
    )


_TAKEN: tuple[int, list[str]] = (0, [])  # in place of a file's row the import has taken


def _import(
    db: Database,
    actor: Actor,
    path: Path,
    table: CsvTable,
    lang: str | None,
    progress: Progress | None,
    should_abort: ShouldAbort | None,
    dry_run: bool,
    rejected_file: bool,
) -> ImportReport:
    if "first_name" not in table.fields or "last_name" not in table.fields:
        raise AppError("import.missing_name_columns")
    with db.read() as s:
        key = data_key(s)
        # The ids the new customers will probably get, so that their hetus are encrypted here
        # rather than on the writer's thread (SQLite: each batch takes its ids from the
        # database under the write lock, see insert_prepared, and encrypts again if they moved).
        next_id = _first_free_id(s) if db.is_sqlite else None
        suppressed = suppression_map(s)
        listed = suppression_key(s)
        existing = _ExistingKeys(s)
        check = _StoredCheck(audit.last_id(s))
    report = ImportReport(
        rows=table.read,
        lines=table.lines,
        continued=table.continued,
        blank_lines=table.blank,
        ignored_columns=list(table.ignored),
        dry_run=dry_run,
        headers=list(table.headers),
    )
    for refused in table.problems:  # rows the reader refused (a stray quote, too many cells)
        reason = t(
            "import.row_problem",
            lang=lang,
            line=refused.line,
            problem=t(refused.code, lang=lang, **refused.params),
        )
        report.rejected_rows.append(RejectedRow(refused.line, refused.cells, reason))
    report.rejected = len(report.rejected_rows)
    fills: list[_HetuFill] = []
    total = len(table.rows)
    pending: list[tuple[dict[str, Any], str, str | None]] = []  # clean data, hetu, its index
    batch_size = batch_rows(db)
    source_label = f"import:{path.name}"

    def write_batch(s: Session, batch: NewCustomers) -> int:
        dropped = check.drop_stored(s, batch)
        if batch.rows:
            insert_prepared(s, actor, batch, source_label)
            entry = audit.record(s, actor, "customer.import", "import", path.name, batch.fields)
            s.flush()
            check.head_id = entry.id
        return dropped

    def sealed(rows: list[tuple[dict[str, Any], str, str | None]]) -> NewCustomers:
        nonlocal next_id
        # In list order, a batch's rows land side by side in the list index instead of all
        # over it: a sixth less work for SQLite. (Their ids follow that order, not the file's.)
        rows = sorted(rows, key=lambda r: (r[0]["last_name"], r[0]["first_name"]))
        batch = prepare_customers(actor, [(c, h) for c, h, _i in rows], [i for _c, _h, i in rows])
        if next_id is not None:
            batch.seal(key, next_id)
            next_id += len(batch.rows)
        return batch

    cleaned = _cleaned(table)
    writer = _DryRun() if dry_run else _BatchWriter(db, write_batch)
    rows = table.rows
    try:
        for done, ((line, cells), clean_or_errors) in enumerate(
            zip(rows, cleaned, strict=True), start=1
        ):
            # The file's row is let go once it is taken (its cells live on where the report
            # keeps them): the rows read are freed as the dedup keys grow, which keeps the
            # import's peak memory down (DESIGN.md section 9). ``_cleaned`` reads only the
            # rows after this one.
            rows[done - 1] = _TAKEN
            if should_abort and should_abort():
                report.aborted = True
                break
            if isinstance(clean_or_errors, list):
                reason = "; ".join(
                    _reason(
                        ValidationError(f, code, **params), table.headers, table.fields, line, lang
                    )
                    for f, code, params in clean_or_errors
                )
                report.rejected_rows.append(RejectedRow(line, cells, reason))
                report.rejected += 1
                continue
            clean = clean_or_errors
            hetu = clean.pop("hetu", "")
            index = key.blind_index(hetu) if hetu else None
            if index and index in existing.hetu:
                report.unchanged += 1
                continue
            erased_on = _suppressed_on(suppressed, listed, clean, hetu)
            if erased_on is not None:
                reason = t(
                    "import.row_suppressed", lang=lang, line=line, date=format_date(erased_on, lang)
                )
                report.rejected_rows.append(RejectedRow(line, cells, reason))
                report.rejected += 1
                continue
            by, known = existing.match(clean)
            if known and not hetu:
                report.unchanged += 1
                continue
            # Someone stored (or added above) without a hetu and with this email: the row gives
            # them its hetu. A name and postal code alone are no ground to give anyone a hetu
            # (namesakes share postal codes): such a row is a new customer, as before.
            without = [k for k in known if not k.has_hetu] if by == "email" else []
            if without:
                problem = ""
                if len(without) > 1:
                    problem = t("import.hetu_ambiguous", lang=lang)
                elif (without[0].first.lower(), without[0].last.lower()) != (
                    clean["first_name"].lower(),
                    clean["last_name"].lower(),
                ):
                    other = without[0]
                    problem = (
                        t("import.hetu_conflict", lang=lang, id=other.id)
                        if other.id is not None
                        else t("import.hetu_conflict_in_file", lang=lang, other=other.line)
                    )
                if problem:
                    reason = t("import.row_problem", lang=lang, line=line, problem=problem)
                    report.rejected_rows.append(RejectedRow(line, cells, reason))
                    report.rejected += 1
                    continue
                without[0].has_hetu = True
                if index:
                    existing.hetu.add(index)
                fills.append(_HetuFill(line, cells, hetu, without[0]))
                continue
            # Nobody known, or only people with another hetu: a new customer.
            existing.add(clean, index, line)
            pending.append((clean, hetu, index))
            if len(pending) >= batch_size:
                writer.put(sealed(pending))
                pending = []
            if progress and done % 500 == 0:
                progress(done, total, t("import.progress", lang=lang, done=done, total=total))
        if pending and not report.aborted:
            writer.put(sealed(pending))
    except BaseException:
        cleaned.close()
        writer.close(discard=True, quiet=True)  # the first error is the one to report
        raise
    cleaned.close()  # stops the helper process after an abort
    writer.close(discard=report.aborted)  # an abort drops the batches still waiting
    report.imported = writer.committed
    report.unchanged += writer.unchanged
    if fills and not report.aborted:
        if dry_run:
            report.updated += len(fills)
        else:
            _give_hetus(db, actor, fills, report, table, source_label, lang)
    report.rejected_rows.sort(key=lambda r: r.line)
    if report.rejected_rows and rejected_file:
        report.rejected_path = rejected_path_for(path)
        write_table(
            report.rejected_path,
            [*table.headers, t("import.reason_column", lang=lang)],
            [[*r.cells, r.reason] for r in report.rejected_rows],
        )
    if progress:
        progress(total, total, report.summary(lang))
    return report


def _give_hetus(
    db: Database,
    actor: Actor,
    fills: list[_HetuFill],
    report: ImportReport,
    table: CsvTable,
    source_label: str,
    lang: str | None,
) -> None:
    """Give the rows' hetus to the customers known without one, each through
    ``update_customer`` (field history, audit entry); a fill the rules refuse rejects its row
    with the reason, the others are kept."""
    with db.begin() as s:
        for fill in fills:
            cid = fill.known.id if fill.known.id is not None else _stored_id(s, fill.known)
            try:
                if cid is None:
                    raise ValidationErrors([ValidationError("hetu", "validation.hetu_exists")])
                with s.begin_nested():
                    update_customer(
                        s,
                        actor,
                        cid,
                        {"hetu": fill.hetu},
                        None,
                        history_source=source_label,
                        audit_action="customer.import",
                    )
            except ValidationErrors as exc:
                reason = "; ".join(
                    _reason(e, table.headers, table.fields, fill.line, lang) for e in exc.errors
                )
            except ValidationError as exc:
                reason = _reason(exc, table.headers, table.fields, fill.line, lang)
            except AppError as exc:  # the customer was erased meanwhile
                reason = t(
                    "import.row_problem", lang=lang, line=fill.line, problem=exc.message(lang)
                )
            else:
                report.updated += 1
                continue
            report.rejected_rows.append(RejectedRow(fill.line, fill.cells, reason))
            report.rejected += 1
