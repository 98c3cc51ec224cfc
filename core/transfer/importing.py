"""Importing customers from CSV (DESIGN.md section 8).

Good rows are committed in batches; rejected rows go to ``FILE.rejected.csv`` with a reason that
names the row and the column; re-running the same file adds nobody twice (same hetu, else same
email, else same name and postal code).
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

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from core.clock import now, today
from core.customers.search import build_search_text
from core.customers.service import clean_customer
from core.customers.suppression import email_index, suppression_map
from core.db import WAL_AUTOCHECKPOINT, Database, bulk_insert
from core.errors import AppError, ValidationError, ValidationErrors
from core.i18n import format_date, t
from core.models import Customer, CustomerState, FieldChange, Source, table_of
from core.security import audit
from core.security.crypto import DataKey
from core.security.permissions import Actor, Permission, require
from core.settings import data_key
from core.transfer.csvio import CsvTable, read_table, write_table

BATCH = 5000  # rows a transaction
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
    rejected_rows: list[RejectedRow] = field(default_factory=list)
    rejected_path: Path | None = None
    aborted: bool = False

    def summary(self, lang: str | None = None) -> str:
        return t(
            "import.summary",
            lang=lang,
            imported=self.imported,
            rejected=self.rejected,
            unchanged=self.unchanged,
        )


def rejected_path_for(path: Path) -> Path:
    return path.with_name(path.stem + ".rejected.csv")


class _ExistingKeys:
    """The dedup keys of every stored customer, loaded once per import."""

    def __init__(self, db: Database) -> None:
        with db.begin() as s:
            self.hetu = set(
                s.execute(
                    select(Customer.hetu_index).where(Customer.hetu_index.is_not(None))
                ).scalars()
            )
            self.email = {
                e
                for e in s.execute(
                    select(func.lower(Customer.email)).where(Customer.email != "")
                ).scalars()
            }
            self.name = {
                (f.lower(), la.lower(), p)
                for f, la, p in s.execute(
                    select(Customer.first_name, Customer.last_name, Customer.postal_code)
                )
            }

    def seen(self, clean: dict[str, Any], hetu_index: str | None) -> bool:
        if hetu_index:
            return hetu_index in self.hetu
        if clean.get("email") and clean["email"].lower() in self.email:
            return True
        return (
            clean["first_name"].lower(),
            clean["last_name"].lower(),
            clean.get("postal_code", ""),
        ) in self.name

    def add(self, clean: dict[str, Any], hetu_index: str | None) -> None:
        if hetu_index:
            self.hetu.add(hetu_index)
        if clean.get("email"):
            self.email.add(clean["email"].lower())
        self.name.add(
            (clean["first_name"].lower(), clean["last_name"].lower(), clean.get("postal_code", ""))
        )


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
        column=column.strip().lstrip("\ufeff"),
        problem=t(error.code, lang=lang, **error.params),
    )


def _suppressed_on(
    suppressed: dict[str, date], key: DataKey, clean: dict[str, Any], hetu_index: str | None
) -> date | None:
    """The erasure date when the row's hetu or email is on the suppression list."""
    if not suppressed:
        return None
    for index in (hetu_index, email_index(key, clean.get("email", ""))):
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
    if conn.dialect.name == "sqlite":
        # One executemany with the ids given (and the hetu encrypted under them) instead of a
        # RETURNING round trip and a second pass. If a desk inserted meanwhile, the taken ids
        # collide and the batch fails whole, never mixes.
        first = _first_free_id(session)
        ids = list(range(first, first + len(params)))
        indexes = new.hetu_indexes or [key.blind_index(h) if h else None for h in new.hetus]
        sealed = (
            new.sealed
            if new.sealed is not None and new.sealed_from == first
            else [key.encrypt(h, cid) if h else None for cid, h in zip(ids, new.hetus, strict=True)]
        )
        for cid, row, blob, index in zip(ids, params, sealed, indexes, strict=True):
            row["id"] = cid
            row["hetu_encrypted"] = blob
            row["hetu_index"] = index
        bulk_insert(conn, table, params)
    else:
        ids = list(
            conn.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), params
            ).scalars()
        )
        hetu_updates = [
            {
                "b_id": cid,
                "hetu_encrypted": key.encrypt(hetu, cid),
                "hetu_index": key.blind_index(hetu),
            }
            for cid, hetu in zip(ids, new.hetus, strict=True)
            if hetu
        ]
        if hetu_updates:
            conn.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    hetu_encrypted=bindparam("hetu_encrypted"), hetu_index=bindparam("hetu_index")
                ),
                hetu_updates,
            )
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

    def __init__(self, db: Database, write: Callable[[Session, NewCustomers], None]) -> None:
        self._db = db
        self._write = write
        self._queue: queue.Queue[NewCustomers | None] = queue.Queue(1)
        self._error: BaseException | None = None
        self._discard = False
        self._ended = False
        self.committed = 0  # customers
        self._thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self._db.engine.connect() as conn:
                sqlite = conn.dialect.name == "sqlite"
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={self.WAL_PAGES}")
                    conn.commit()  # each batch's session begins and commits its own transaction
                try:
                    self._write_all(conn)
                finally:
                    if sqlite:
                        conn.rollback()
                        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
                        conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
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
                        self._write(session, batch)
                    self.committed += len(batch.rows)
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
) -> ImportReport:
    require(actor, Permission.IMPORT)
    with _collector_paused():
        return _import(db, actor, path, lang, progress, should_abort)


def _import(
    db: Database,
    actor: Actor,
    path: Path,
    lang: str | None,
    progress: Progress | None,
    should_abort: ShouldAbort | None,
) -> ImportReport:
    table = read_table(path)
    if "first_name" not in table.fields or "last_name" not in table.fields:
        raise AppError("import.missing_name_columns")
    with db.begin() as s:
        key = data_key(s)
        # The ids the new customers will get, so that their hetus are encrypted here rather
        # than on the writer's thread (SQLite: ids are given by the import, see insert_prepared).
        next_id = _first_free_id(s) if db.is_sqlite else None
        suppressed = suppression_map(s)
    existing = _ExistingKeys(db)
    report = ImportReport()
    total = len(table.rows)
    pending: list[tuple[dict[str, Any], str, str | None]] = []  # clean data, hetu, its index
    source_label = f"import:{path.name}"

    def write_batch(s: Session, batch: NewCustomers) -> None:
        insert_prepared(s, actor, batch, source_label)
        audit.record(s, actor, "customer.import", "import", path.name, batch.fields)
        s.flush()

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
    writer = _BatchWriter(db, write_batch)
    try:
        for done, ((line, cells), clean_or_errors) in enumerate(
            zip(table.rows, cleaned, strict=True), start=1
        ):
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
            if existing.seen(clean, index):
                report.unchanged += 1
                continue
            erased_on = _suppressed_on(suppressed, key, clean, index)
            if erased_on is not None:
                reason = t(
                    "import.row_suppressed", lang=lang, line=line, date=format_date(erased_on, lang)
                )
                report.rejected_rows.append(RejectedRow(line, cells, reason))
                report.rejected += 1
                continue
            existing.add(clean, index)
            pending.append((clean, hetu, index))
            if len(pending) >= BATCH:
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
    if report.rejected_rows:
        report.rejected_path = rejected_path_for(path)
        write_table(
            report.rejected_path,
            [*table.headers, t("import.reason_column", lang=lang)],
            [[*r.cells, r.reason] for r in report.rejected_rows],
        )
    if progress:
        progress(total, total, report.summary(lang))
    return report
