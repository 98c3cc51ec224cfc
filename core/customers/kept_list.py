"""The customer list kept in memory, so that search-as-you-type reads almost nothing.

Each desk keeps, per open register, every customer's id, name, search text and whether they
are archived or anonymised, in list order (last name, first name, id): 100,000 customers are
about 30 MB, read in 0.2-0.6 s. A keystroke first asks the register what changed since it last
looked (the change log of migration 0016, one small query) and reads only those customers
again; it then finds its first page by scanning the search texts in list order, which stops
once the page is full (a term found nowhere scans everything, about 4 ms for 100,000).

Exact by construction: the scan applies the plain rule of ``core.customers.search`` (every
token a substring of the search text, archived left out unless asked for, the anonymised
never), on UTF-8 bytes, where a substring is a substring of the text. Customers changed or
added since the list was read are kept beside it and merged in by their list key when the
database sorts names as Python compares them (SQLite, a PostgreSQL register in the C locale);
otherwise the database sorts the first page's few candidates.

Not kept: a transaction that has written (what it sees may be rolled back) searches the
register itself, and so does a desk whose list is missing, or too old or too much changed to
follow (``needs_preparing``; the customer list then reads it again in the background through
``core.customers.search.prepare_search``).
"""

from __future__ import annotations

import heapq
import json
import threading
import time
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, islice
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from core.db import CACHE_KIB, has_written
from core.models import CustomerState

ARCHIVED, ANONYMISED = 1, 2
# Customers changed or added since the list was read, kept beside it; beyond this many the
# list is read again (merging them costs about 1 ms per 10,000).
MAX_PATCHED = 50_000
# With this many customers read again since, and the list read at least ``REFOLD_AFTER``
# seconds ago, a search asks for it to be read anew (in the background: it still answers).
REFOLD = 20_000
REFOLD_AFTER = 30.0
# Runs are merged up to this many customers: each merge costs a keystroke about 1 ms per
# 1,000, and searching a run of them takes a few microseconds (an import's 15,000 are 5-8 runs).
MERGED = 3000
# The page cache the list is read through on SQLite, in KiB.
READ_CACHE_KIB = 2000
# Words whose scans are remembered, and the most places remembered for one (a commoner word
# fills its page early anyway): at most 64 x 20 KB.
SCANS = 64
SCAN_PLACES = 5000
# A list not followed for this long is read again: the PostgreSQL log keeps a day (0016).
MAX_IDLE = 6 * 3600.0
# Pairs of names a database that sorts as Python compares puts in this order.
_PROBES = [("B", "a"), ("a b", "a-b"), ("a-b", "ab"), ("Z", "Ä"), ("Ä", "Å"), ("aB", "aa")]
_ROWS = "SELECT id, last_name, first_name, search_text, archived, state FROM customers"

Key = tuple[str, str, int]


def engine_of(session: Session) -> Any:
    bind = session.get_bind()
    return getattr(bind, "engine", bind)  # a session may be bound to one connection


def driver_of(session: Session) -> Any:
    """The DB-API connection under the session's, in the same transaction."""
    return session.connection().connection.driver_connection


def _flags(archived: Any, state: str) -> int:
    return (ARCHIVED if archived else 0) | (ANONYMISED if state == CustomerState.ANONYMISED else 0)


@dataclass(frozen=True)
class _Texts:
    """Customers' search texts one after another, searched in their order."""

    ids: array[int]
    data: bytes | bytearray  # the search texts, UTF-8, each ended by a newline
    starts: array[int]  # where each customer's text begins in ``data``; one more at the end
    flags: bytes
    # What a word's scans found: every place before ``until`` whose text has it. A keystroke
    # typed onto a word ("sav", then "savo") looks only at those places before going on.
    scans: OrderedDict[bytes, _Scan] = field(default_factory=OrderedDict, compare=False)

    @classmethod
    def of(cls, ids: list[int], texts: list[bytes], flags: list[int]) -> _Texts:
        return cls(
            array("q", ids),
            b"\n".join(texts) + b"\n",
            array("q", accumulate((len(t) + 1 for t in texts), initial=0)),
            bytes(flags),
        )

    def find(
        self, needles: list[bytes], skip: int, want: int | None, stale: Callable[[int], bool]
    ) -> list[int]:
        """Places of the customers whose text has every needle, none of the ``skip`` flags
        and an id ``stale`` says is current here: the first ``want`` of them, or all."""
        ids, starts, flags = self.ids, self.starts, self.flags
        found: list[int] = []
        if not needles:
            for place in range(len(ids)):
                if not flags[place] & skip and not stale(ids[place]):
                    found.append(place)
                    if want and len(found) >= want:
                        break
            return found
        if len(needles) == 1:
            return self._find_word(needles[0], skip, want, stale)
        # Leapfrog: each needle's next occurrence from the customer another was last found
        # in, until all are found in the same one. A common needle ("040") is skipped over
        # in a few steps wherever a rarer one ("554") moves the search on.
        find = self.data.find
        place, last = 0, len(ids) - 1
        while place <= last:
            top, moved = place, True
            while moved:
                moved = False
                for needle in needles:
                    at = find(needle, starts[top])
                    if at < 0:
                        return found
                    row = bisect_right(starts, at) - 1
                    if row != top:
                        top, moved = row, True
            place = top + 1
            if flags[top] & skip or stale(ids[top]):
                continue
            found.append(top)
            if want and len(found) >= want:
                break
        return found

    def _find_word(
        self, needle: bytes, skip: int, want: int | None, stale: Callable[[int], bool]
    ) -> list[int]:
        """``find`` for one word, from what earlier scans found for it or for the word it
        extends (a place with "savo" before where the scan for "sav" stopped is one of that
        scan's places), scanning on only where they stopped."""
        ids, starts, flags, data = self.ids, self.starts, self.flags, self.data
        scan = self.scans.get(needle)
        if scan is None:
            scan = _Scan(array("i"), 0)
            for shorter in (needle[:-1], needle[1:]):
                known = self.scans.get(shorter) if len(shorter) >= 2 else None
                if known is not None:
                    scan = _Scan(
                        array(
                            "i",
                            [p for p in known.places if needle in data[starts[p] : starts[p + 1]]],
                        ),
                        known.until,
                    )
                    break
        else:
            self.scans.move_to_end(needle)
        found: list[int] = []

        def take(place: int) -> bool:
            """Whether the page is full once ``place`` is looked at."""
            if not flags[place] & skip and not stale(ids[place]):
                found.append(place)
            return bool(want) and len(found) >= want  # type: ignore[operator]

        full = False
        for place in scan.places:
            if take(place):
                full = True
                break
        if not full:
            find, at, last = data.find, starts[scan.until], len(ids)
            while scan.until < last:
                at = find(needle, at)
                if at < 0:
                    scan.until = last
                    break
                place = bisect_right(starts, at) - 1
                scan.places.append(place)
                scan.until = place + 1
                at = starts[place + 1]
                if take(place):
                    break
        if len(scan.places) <= SCAN_PLACES:
            self.scans[needle] = scan
            while len(self.scans) > SCANS:
                self.scans.popitem(last=False)
        else:
            self.scans.pop(needle, None)
        return found


@dataclass
class _Scan:
    places: array[int]  # in list order
    until: int  # the places before this one are all in ``places``


def _elsewhere(latest: dict[int, int], serial: int) -> Callable[[int], bool]:
    """Whether a customer's current row is not in run ``serial``."""
    return lambda cid: latest.get(cid) != serial


@dataclass(frozen=True)
class _Run:
    """Customers read again together, as texts in list order (when Python orders as the
    database does) with their list keys."""

    serial: int
    texts: _Texts
    keys: list[Key]

    @classmethod
    def of(cls, serial: int, rows: list[tuple[Key, bytes, int]], ordered: bool) -> _Run:
        if ordered:
            rows = sorted(rows)
        keys = [key for key, _data, _flags in rows]
        return cls(
            serial,
            _Texts.of([k[2] for k in keys], [r[1] for r in rows], [r[2] for r in rows]),
            keys,
        )

    def rows(self) -> list[tuple[Key, bytes, int]]:
        t = self.texts
        return [
            (key, bytes(t.data[t.starts[n] : t.starts[n + 1] - 1]), t.flags[n])
            for n, key in enumerate(self.keys)
        ]


@dataclass(frozen=True)
class _Keys:
    """The list keys of the list read, by place: its names side by side (each distinct name
    one string) rather than 100,000 tuples (7 MB)."""

    lasts: list[str]
    firsts: list[str]
    ids: array[int]

    def __getitem__(self, place: int) -> Key:
        return (self.lasts[place], self.firsts[place], self.ids[place])

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class KeptList:
    """The list as read (``base``), and the customers read again since, in runs; ``mark``
    says how far the changes were followed (SQLite: the restore epoch, the last change number
    and the highest id; PostgreSQL: the snapshot the last changes were read in).

    Each follow that reads customers again adds a run of them; two runs of about the same
    size are merged (as a binary counter carries) up to ``MERGED``, so an import's 15,000
    customers are a few runs, each searched as the list is, and merging costs each customer a
    few times at most."""

    base: _Texts
    keys: _Keys | None  # the list keys of ``base``, when Python orders as the database
    mark: Any
    masked: set[int] = field(default_factory=set)  # read again since (``latest`` if kept)
    latest: dict[int, int] = field(default_factory=dict)  # id: the run with its current row
    runs: list[_Run] = field(default_factory=list)
    followed_at: float = field(default_factory=time.monotonic)
    read_at: float = field(default_factory=time.monotonic)
    # Someone in ``base`` was removed or anonymised since: the list is read anew, so that no
    # erased customer's text stays in this desk's memory longer than it takes.
    erased: bool = False
    _serial: int = 0

    def find(
        self, tokens: list[str], include_archived: bool, want: int | None
    ) -> tuple[list[int], bool]:
        """The ids matching every token in list order, at most ``want`` of them, and whether
        that order is certain (False: some were read again and the database must sort)."""
        skip = ANONYMISED | (0 if include_archived else ARCHIVED)
        needles = sorted({t.encode() for t in tokens}, key=len, reverse=True)
        masked, latest = self.masked, self.latest
        base = self.base.find(needles, skip, want, masked.__contains__)
        found = [self.base.ids[p] for p in base]
        ordered = self.keys is not None
        again: list[list[Key]] = []
        for run in self.runs:
            places = run.texts.find(
                needles,
                skip,
                want if ordered else None,
                _elsewhere(latest, run.serial),
            )
            if places:
                again.append([run.keys[p] for p in places])
        if not again:
            return found, True
        if self.keys is None:
            return found + [key[2] for keys in again for key in keys], False
        keys = self.keys
        merged = heapq.merge((keys[p] for p in base), *again)
        return [key[2] for key in islice(merged, want)], True

    def patch(self, changed: list[int], rows: list[Any]) -> None:
        """Customers read again (``rows``) for the ids ``changed`` (and any added)."""
        for cid in changed:
            self.masked.add(cid)
            self.latest.pop(cid, None)
        if changed:
            present = {row[0] for row in rows}
            self.erased = self.erased or any(cid not in present for cid in changed)
        if any(row[5] == CustomerState.ANONYMISED for row in rows):
            self.erased = True
        if rows:
            # By id: a customer added and changed since is read both as added and as changed.
            again = {
                cid: ((last, first, cid), (search or "").encode(), _flags(archived, state))
                for cid, last, first, search, archived, state in rows
            }
            self._add(list(again.values()))
            while (
                len(self.runs) >= 2
                and len(self.runs[-2].keys) <= 2 * len(self.runs[-1].keys)
                and len(self.runs[-2].keys) + len(self.runs[-1].keys) <= MERGED
            ):
                newer, older = self.runs.pop(), self.runs.pop()
                self._add(
                    [
                        row
                        for run in (older, newer)
                        for row in run.rows()
                        if self.latest.get(row[0][2]) == run.serial
                    ]
                )
        self.followed_at = time.monotonic()

    def _add(self, rows: list[tuple[Key, bytes, int]]) -> None:
        self._serial += 1
        run = _Run.of(self._serial, rows, self.keys is not None)
        for key in run.keys:
            self.masked.add(key[2])
            self.latest[key[2]] = run.serial
        self.runs.append(run)

    @property
    def patched(self) -> int:
        return len(self.masked)  # every customer read again is masked in the list


def build(rows: Iterable[Sequence[Any]], mark: Any, sorts_as_python: bool) -> KeptList:
    """A kept list of ``rows`` (id, last name, first name, search text, archived, state) as
    the database gives them in list order, built as they come: the rows are never all held at
    once, and each distinct name is kept once (a register has a few thousand surnames for its
    100,000 customers): 100,000 customers are about 20 MB."""
    ids, starts, flags, data = array("q"), array("q", [0]), bytearray(), bytearray()
    lasts: list[str] = []
    firsts: list[str] = []
    names: dict[str, str] = {}
    for cid, last, first, search, archived, state in rows:
        data += (search or "").encode()
        data += b"\n"
        starts.append(len(data))
        ids.append(cid)
        flags.append(_flags(archived, state))
        lasts.append(names.setdefault(last, last))
        firsts.append(names.setdefault(first, first))
    keys = _Keys(lasts, firsts, ids)
    ordered = sorts_as_python and all(keys[n] <= keys[n + 1] for n in range(len(keys) - 1))
    # ``data`` is kept as the bytearray it was built in (never changed again): a copy as bytes
    # would be 8 MB more at the peak.
    return KeptList(_Texts(ids, data, starts, bytes(flags)), keys if ordered else None, mark)


# --- per register ------------------------------------------------------------------------------


@dataclass
class _Holder:
    lock: threading.Lock = field(default_factory=threading.Lock)
    kept: KeptList | None = None
    building: bool = False
    stale: bool = True  # no list, or one that can no longer be followed


def _holder(session: Session) -> _Holder:
    engine = engine_of(session)
    holder: _Holder | None = getattr(engine, "_customer_kept_list", None)
    if holder is None:
        holder = engine._customer_kept_list = _Holder()
        # A register closed (``Database.dispose``) takes its list out of memory with it.
        event.listen(engine, "engine_disposed", forget)
    return holder


def forget_scans(engine: Any) -> None:
    """Let go of the words' remembered scans only (bench/run.py times each keystroke as if
    typed for the first time)."""
    holder: _Holder | None = getattr(engine, "_customer_kept_list", None)
    if holder is not None and holder.kept is not None:
        with holder.lock:
            holder.kept.base.scans.clear()
            for run in holder.kept.runs:
                run.texts.scans.clear()


def forget(engine: Any) -> None:
    """Let go of the list kept for the register of ``engine`` (logged out, or closed): no
    customer's text stays in this desk's memory for it. The next search reads it anew."""
    holder: _Holder | None = getattr(engine, "_customer_kept_list", None)
    if holder is not None:
        with holder.lock:
            holder.kept, holder.stale = None, True


def _backend(session: Session) -> str | None:
    """ "sqlite" or "postgresql" when the register has the change log (0016), else None."""
    engine = engine_of(session)
    cached = getattr(engine, "_customer_kept_backend", False)
    if cached is False:
        name = engine.dialect.name
        if name == "sqlite":
            found = session.execute(
                text("SELECT 1 FROM sqlite_master WHERE name = 'customer_search_changes'")
            ).first()
        elif name == "postgresql":
            found = session.execute(text("SELECT to_regclass('customer_search_changes')")).scalar()
        else:
            found = None
        cached = engine._customer_kept_backend = name if found else None
    return cached if isinstance(cached, str) else None


def needs_preparing(session: Session) -> bool:
    """Whether reading the list again (``prepare``) would make the next keystrokes quicker:
    there is none to use, someone in it was erased, or many customers changed since it was
    read."""
    if _backend(session) is None:
        return False
    holder = _holder(session)
    kept = holder.kept
    if holder.stale or kept is None:
        return True
    if kept.erased:
        return True
    return kept.patched > REFOLD and time.monotonic() - kept.read_at > REFOLD_AFTER


def prepare(session: Session) -> None:
    """Read the list now (nothing when another thread is reading it, or the transaction has
    written: the list must be what every desk sees)."""
    backend = _backend(session)
    if backend is None or has_written(session) or _wrote_on_server(session, backend):
        return
    holder = _holder(session)
    with holder.lock:
        if holder.building:
            return
        holder.building = True
    try:
        kept = _read(session, backend)
        with holder.lock:
            holder.kept, holder.stale = kept, False
    finally:
        holder.building = False


def _wrote_on_server(session: Session, backend: str) -> bool:
    return backend == "postgresql" and bool(
        session.execute(text("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")).scalar()
    )


def _sorts_as_python(session: Session) -> bool:
    probe = " AND ".join(f"(:a{n} < :b{n})" for n in range(len(_PROBES)))
    params = {
        f"{side}{n}": pair[i] for n, pair in enumerate(_PROBES) for i, side in enumerate("ab")
    }
    return bool(session.execute(text(f"SELECT {probe}"), params).scalar()) and all(
        a < b for a, b in _PROBES
    )


def _read(session: Session, backend: str) -> KeptList:
    """The whole list, with the mark the changes after it are followed from: read before the
    rows, so that the rows are at least as new (a change read twice is only read again)."""
    if backend == "sqlite":
        epoch, seq = session.execute(
            text(
                "SELECT (SELECT epoch FROM customer_list_version), "
                "(SELECT coalesce(max(seq), 0) FROM customer_search_changes)"
            )
        ).one()
        mark: Any = None
    else:
        mark = session.execute(text("SELECT pg_current_snapshot()::text")).scalar_one()
    sorts_as_python = _sorts_as_python(session)
    driver = driver_of(session)
    # 100,000 rows: no ORM objects, a piece at a time; on a server through a cursor of its own,
    # so that the client library does not hold the whole result either.
    cursor = (
        driver.cursor(name="customer_kept_list") if backend == "postgresql" else driver.cursor()
    )
    if backend == "sqlite":
        # The whole list through a small page cache: its pages are read once, and would
        # otherwise fill this connection's 32 MB (core.db.CACHE_KIB) for nothing.
        driver.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")
    try:
        cursor.execute(_ROWS + " ORDER BY last_name, first_name, id")

        def rows() -> Iterator[Sequence[Any]]:
            while piece := cursor.fetchmany(5000):
                yield from piece

        kept = build(rows(), mark, sorts_as_python)
    finally:
        cursor.close()
        if backend == "sqlite":
            driver.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    if backend == "sqlite":
        kept.mark = (epoch, seq, max(kept.base.ids, default=0))
    return kept


def _follow(session: Session, backend: str, kept: KeptList) -> bool | None:
    """Bring ``kept`` up to what the session sees; False when it cannot be followed, None
    when the session's transaction has written on the server (what it sees is its own)."""
    if time.monotonic() - kept.followed_at > MAX_IDLE:
        return False
    if backend == "sqlite":
        epoch, last_seq, top = kept.mark
        now_epoch, seq, low, now_top = session.execute(
            text(
                "SELECT (SELECT epoch FROM customer_list_version), "
                "(SELECT coalesce(max(seq), 0) FROM customer_search_changes), "
                "(SELECT min(seq) FROM customer_search_changes), "
                "(SELECT coalesce(max(id), 0) FROM customers)"
            )
        ).one()
        if now_epoch != epoch or (seq > last_seq and low > last_seq + 1):
            return False  # restored, or changes not kept any more
        changed: list[int] = []
        if seq > last_seq:
            changed = list(
                session.execute(
                    text(
                        "SELECT DISTINCT customer_id FROM customer_search_changes "
                        "WHERE seq > :a AND seq <= :b"
                    ),
                    {"a": last_seq, "b": seq},
                ).scalars()
            )
        rows = _rows(session, backend, changed)
        if now_top > top:  # added since (ids come in commit order: one writer at a time)
            rows += driver_of(session).execute(_ROWS + " WHERE id > ?", (top,)).fetchall()
        # The highest removed: a new customer may be given its id again.
        kept.mark = (epoch, seq, now_top)
    else:
        # The changes the last snapshot could not see: of transactions that began after it
        # (at or above its xmax) or were running then (its xip). Not "every change not
        # visible to it since its xmin": a transaction left open on some desk would keep
        # that xmin, and every keystroke would look through every change since. Each part
        # has the shape of an index scan whatever the planner knows: a plan that read the
        # whole log (100,000 rows after a big import) cost every keystroke 10 ms.
        columns = "customer_id, last_name, first_name, search_text, archived, state"
        found = (
            driver_of(session)
            .execute(
                "WITH now AS (SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS wrote, "
                "pg_current_snapshot() AS snap) "
                f"SELECT now.wrote, now.snap::text, logged.* FROM now LEFT JOIN ("
                f"(SELECT {columns} FROM customer_search_changes "
                "WHERE xid >= pg_snapshot_xmax(%(s)s::pg_snapshot) ORDER BY xid LIMIT %(n)s) "
                f"UNION ALL SELECT {columns} FROM customer_search_changes "
                "WHERE xid = ANY(ARRAY(SELECT pg_snapshot_xip(%(s)s::pg_snapshot)))"
                ") AS logged ON true",
                {"s": kept.mark, "n": MAX_PATCHED + 1},
            )
            .fetchall()
        )
        wrote, mark = found[0][0], found[0][1]
        if wrote:
            return None
        logged = [row[2:] for row in found if row[2] is not None]
        if len(logged) > MAX_PATCHED:
            return False
        # An added customer's log entry carries what the list keeps; one changed or removed
        # (or added and changed since) is read again as it is now.
        added: dict[int, Any] = {}
        again: set[int] = set()
        for row in logged:
            cid = row[0]
            if row[4] is None or cid in added or cid in again:
                again.add(cid)
                added.pop(cid, None)
            else:
                added[cid] = row
        changed = sorted(again)
        rows = _rows(session, backend, changed) + list(added.values())
        kept.mark = mark
    if changed or rows:
        kept.patch(changed, rows)
    else:
        kept.followed_at = time.monotonic()
    return kept.patched <= MAX_PATCHED


def _rows(session: Session, backend: str, ids: list[int]) -> list[Any]:
    if not ids:
        return []
    if backend == "sqlite":
        return (
            driver_of(session)
            .execute(_ROWS + " WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))
            .fetchall()
        )
    return driver_of(session).execute(_ROWS + " WHERE id = ANY(%s)", (ids,)).fetchall()


def search(
    session: Session, tokens: list[str], include_archived: bool, want: int | None
) -> tuple[list[int], bool] | None:
    """``KeptList.find`` on the list brought up to date, or None when there is none to use:
    the register itself is then searched."""
    backend = _backend(session)
    if backend is None:
        return None
    holder = _holder(session)
    if holder.kept is None or holder.stale:
        return None
    if has_written(session):
        return None
    with holder.lock:
        kept = holder.kept
        if kept is None or holder.stale:
            return None
        followed = _follow(session, backend, kept)
        if followed is False:
            holder.stale = True
        if not followed:
            return None
        return kept.find(tokens, include_archived, want)
