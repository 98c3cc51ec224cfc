"""Search-as-you-type over the customer list, fast on 100,000 customers.

``matching_ids`` answers in two steps when a term is common: the first page in list order at
once (``complete`` False), the whole id list on a second call without a limit. A desk that
has prepared the search answers from the list it keeps in memory (core.customers.kept_list,
migration 0016), the register's indexes otherwise. On SQLite the
trigram FTS5 index (migrations 0002, 0003) gives candidates for rare terms, which are sorted;
a common term walks the covering listing index in list order and stops after a page.
PostgreSQL answers the same LIKE rule through a pg_trgm GIN index on the search text
(migration 0009).

The plain rule every route must agree with is ``customer_id_query``: every token appears in the
customer's search text (``build_search_text``), or a full valid hetu finds its person exactly.
"""

from __future__ import annotations

import enum
import json
import re
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Select,
    and_,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from core import validation
from core.customers import kept_list
from core.customers.kept_list import driver_of as _driver
from core.customers.kept_list import engine_of as _engine
from core.errors import ValidationError
from core.models import Customer, CustomerState
from core.security.permissions import Actor, Permission, require
from core.settings import data_key

# --- the plain rule ---------------------------------------------------------------------------

_NON_DIGITS = re.compile(r"\D")


def _digits(value: str) -> str:
    return _NON_DIGITS.sub("", value)


def build_search_text(c: Any) -> str:
    """Lower-cased words a search matches; phone numbers as digits, Finnish ones also in
    their national form (``+358401234567`` is found by ``0401234567``). The text ends with a
    space so that every two-letter substring begins a trigram of the search index."""
    phone = c.phone or ""
    national = "0" + phone[4:] if phone.startswith("+358") else ""
    parts = [
        c.first_name,
        c.last_name,
        c.organisation,
        c.email,
        c.postal_code,
        c.city,
        national,
        _digits(phone),
    ]
    words = " ".join(p for p in parts if p).lower()
    return words + " " if words else ""


class ListOrder(enum.Enum):
    """The orders the customer list can be read in. Each sorts the whole result, ascending
    or descending; equal keys are told apart by name and then by id, which never changes, so
    a page read later continues the same order."""

    NAME = "name"  # last name, first name
    POSTAL_CODE = "postal_code"
    CITY = "city"
    UPDATED = "updated"  # the last change (updated_at)

    def sort_keys(self, descending: bool = False) -> list[ColumnElement[Any]]:
        c = Customer
        by: dict[ListOrder, list[Any]] = {
            ListOrder.NAME: [c.last_name, c.first_name],
            ListOrder.POSTAL_CODE: [c.postal_code],
            ListOrder.CITY: [c.city],
            ListOrder.UPDATED: [c.updated_at],
        }
        keys = by[self]
        if descending:
            keys = [k.desc() for k in keys]
        ties = [c.id] if self is ListOrder.NAME else [c.last_name, c.first_name, c.id]
        return [*keys, *ties]


@dataclass(frozen=True)
class CustomerRow:
    id: int
    first_name: str
    last_name: str
    organisation: str
    email: str
    phone: str  # shown nicely
    postal_code: str
    city: str
    state: str
    archived: bool


def _row(c: Customer) -> CustomerRow:
    return CustomerRow(
        c.id,
        c.first_name,
        c.last_name,
        c.organisation,
        c.email,
        validation.format_phone(c.phone),
        c.postal_code,
        c.city,
        c.state,
        c.archived,
    )


def query_hetu(query: str) -> str:
    """The hetu a search query is, if it is one (it then finds its person exactly)."""
    try:
        return validation.hetu(query)
    except ValidationError:
        return ""


def search_tokens(query: str) -> list[str]:
    """The words a search looks for, lower-cased; phone numbers by their digits ("040 123"
    and "040123" both match)."""
    tokens = []
    for token in query.lower().split():
        digits = _digits(token)
        if digits and len(digits) >= 3 and not token.isalpha() and digits != token:
            token = digits
        tokens.append(token)
    return tokens


def _search_filter(session: Session, query: str, c: Any = Customer) -> Any:
    """Tokens must all appear in the search text; a full valid hetu finds its person exactly.
    ``c``: the customers' columns (the table's, or a subquery's of the same names)."""
    text = query.strip()
    if not text:
        return None
    hetu = query_hetu(text)
    if hetu:
        return c.hetu_index == data_key(session).blind_index(hetu)
    conds = []
    for token in search_tokens(text):
        conds.append(_contains(c.search_text, token))
    return and_(*conds)


def _rule(session: Session, query: str, include_archived: bool, c: Any = Customer) -> list[Any]:
    """The plain rule's conditions on the customers' columns ``c``."""
    cond = _search_filter(session, query, c)
    conds = [] if cond is None else [cond]
    if not include_archived:
        conds.append(c.archived.is_(False))
    return [*conds, c.state != CustomerState.ANONYMISED.value]


def _contains(column: Any, token: str) -> Any:
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def search_customer_ids(
    session: Session,
    actor: Actor,
    query: str = "",
    *,
    include_archived: bool = False,
    limit: int | None = None,
    among: list[int] | Any = None,
    order: ListOrder | None = None,
    descending: bool = False,
) -> list[int]:
    """Ids of matching customers in the given list order (by default last name, first name);
    ``among`` narrows the search to candidate ids (a list, or a query giving them, e.g. from
    the search index)."""
    require(actor, Permission.CUSTOMERS)
    q = customer_id_query(session, query, include_archived=include_archived, among=among)
    q = q.order_by(*(order or ListOrder.NAME).sort_keys(descending))
    if limit:
        q = q.limit(limit)
    return list(session.execute(q).scalars())


def customer_id_query(
    session: Session,
    query: str = "",
    *,
    include_archived: bool = False,
    among: list[int] | Any = None,
) -> Select[Any]:
    """The ids of the customers a search finds, in no particular order."""
    q = select(Customer.id)
    if among is not None:
        q = q.where(Customer.id.in_(among))
    return q.where(*_rule(session, query, include_archived))


def customer_rows(session: Session, actor: Actor, ids: list[int]) -> list[CustomerRow]:
    """Rows for the given ids, in the given order."""
    require(actor, Permission.CUSTOMERS)
    if not ids:
        return []
    found = {
        c.id: c for c in session.execute(select(Customer).where(Customer.id.in_(ids))).scalars()
    }
    return [_row(found[i]) for i in ids if i in found]


def search_customers(
    session: Session,
    actor: Actor,
    query: str = "",
    limit: int = 200,
    include_archived: bool = False,
) -> list[CustomerRow]:
    ids = search_customer_ids(session, actor, query, include_archived=include_archived, limit=limit)
    return customer_rows(session, actor, ids)


# --- the fast routes ---------------------------------------------------------------------------

# A term matching at most this many customers is read from the FTS index and sorted whole
# (about 5 ms for 3,000 on the benchmark machine); a commoner one walks the listing index in
# list order and stops after the first page, which is quick because matches come early.
SPARSE = 3000
# PostgreSQL: a term the server's statistics (migration 0015) expect the trigram index to give
# at most this many candidates for is read through it and sorted when a brief walk did not
# find its page (about 3 us a candidate: 15 ms for 5,000 Lehtonens and Lehtinens, no more than
# the walk at this many); a commoner one walks the covering list index, the whole list in
# about 25 ms.
SERVER_CANDIDATES = 8000
# PostgreSQL: a common term first walks this many customers of the list (about 3 ms).
SERVER_WALK = 10_000
# The server's statistics are read again after this many seconds (autovacuum renews them).
STATS_REFRESH = 600.0
# A two-letter term whose pair begins more trigrams than this is common: walk instead.
PAIR_TERMS = 40
# A term the index cannot narrow enough is first looked for by walking the list for at most
# this many SQLite virtual-machine steps (a tenth of 100,000 customers, 1-3 ms).
WALK_STEPS = 30_000
# Another list order sorts at most this many of the index's candidates (SQLite sorts 30,000
# ids in about 20 ms, less than reading the whole list in that order to filter it).
ORDERED_CANDIDATES = 30_000
# Characters the trigram index folds exactly as str.lower() does, for the pair lookup.
_PAIR_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789åäöéüšžõ@.-_+'&/,")


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]
    complete: bool  # False: only the first ``limit`` ids; ask again without a limit
    # True: the list kept in memory could not answer; prepare_search would make the next
    # keystroke quicker (the customer list calls it in the background).
    unprepared: bool = False


@dataclass(frozen=True)
class CustomerListRow:
    """One line of the customer list. ``phone`` is E.164: the list formats only what it shows
    (formatting a phone number costs ~0.1 ms, too much for a page of rows per keystroke)."""

    id: int
    first_name: str
    last_name: str
    organisation: str
    email: str
    phone: str
    street: str
    postal_code: str
    city: str
    state: str
    archived: bool
    updated_at: datetime | None


def list_rows(session: Session, actor: Actor, ids: list[int]) -> list[CustomerListRow]:
    """Rows for the given ids, in the given order (ids not found are left out)."""
    require(actor, Permission.CUSTOMERS)
    if not ids:
        return []
    c = Customer
    found = {
        r[0]: CustomerListRow(*cast(tuple[Any, ...], r))
        for r in session.execute(
            select(
                c.id,
                c.first_name,
                c.last_name,
                c.organisation,
                c.email,
                c.phone,
                c.street,
                c.postal_code,
                c.city,
                c.state,
                c.archived,
                c.updated_at,
            ).where(_one_of(session, c.id, ids))
        )
    }
    return [found[i] for i in ids if i in found]


def _one_of(session: Session, column: Any, ids: list[int]) -> Any:
    """``column`` is one of ``ids``: on PostgreSQL one array parameter (a keystroke's 60 rows
    in 0.6 ms instead of 2 ms for 60 parameters to parse and plan)."""
    if _engine(session).dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(BigInteger)))
    return column.in_(ids)


def _sqlite_objects(session: Session) -> frozenset[str]:
    """The search's SQLite tables present (none on PostgreSQL), looked up once per engine."""
    engine = _engine(session)
    cached = getattr(engine, "_customer_search_objects", None)
    if cached is None:
        cached = frozenset()
        if engine.dialect.name == "sqlite":
            cached = frozenset(
                session.execute(
                    text(
                        "SELECT name FROM sqlite_master WHERE name IN "
                        "('customers_fts', 'customer_list_version', 'customer_search_changes')"
                    )
                ).scalars()
            )
        engine._customer_search_objects = cached
    return cast(frozenset[str], cached)


def _has_fts(session: Session) -> bool:
    return "customers_fts" in _sqlite_objects(session)


def prepare_search(session: Session, actor: Actor) -> None:
    """Read now what a desk's keystrokes would otherwise search the register for: the
    customer list kept in memory (core.customers.kept_list; 0.2-0.6 s for 100,000 customers
    on the benchmark machine). The customer list asks for it in the background when a search
    says it is ``unprepared``."""
    require(actor, Permission.CUSTOMERS)
    kept_list.prepare(session)


def forget_search(db: Any) -> None:
    """Let go of what the search keeps in memory for the register ``db`` (a Database): the
    app does it when its user logs out, so that nobody's text stays in memory for the login
    window; the next search reads it again."""
    kept_list.forget(db.engine)


def bump_list_version(session: Session) -> None:
    """Make every process read the list order again (a restored database: its version number
    could equal one read from the data it replaces)."""
    objects = _sqlite_objects(session)
    if "customer_search_changes" in objects:  # the change log's numbers are another history
        session.execute(
            text("UPDATE customer_list_version SET version = random(), epoch = random()")
        )
    elif "customer_list_version" in objects:
        session.execute(text("UPDATE customer_list_version SET version = random()"))


def _phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class _NoMatch(Exception):
    """A two-letter term that begins no trigram: nobody matches."""


def _trigrams(session: Session, token: str) -> str:
    """A token of three or more letters as its trigrams, less those ten times commoner than
    the rarest (or a phrase). Every trigram narrows: "sal" AND "one" leave 3,000 candidates
    for "salone" on the benchmark's register, all four of its trigrams 2,621 for its 2,566
    matches. A common ending ("nen" is in three customers of four) costs more to read than
    the rest together and narrows nothing that the others have not."""
    grams = list(dict.fromkeys(token[i : i + 3] for i in range(len(token) - 2)))
    docs = _trigram_docs(session, grams)
    bound = 10 * max(min(docs[g] for g in grams), 50)
    return " AND ".join(_phrase(g) for g in grams if docs[g] < bound)


def _trigram_docs(session: Session, grams: list[str]) -> dict[str, int]:
    """How many customers have each of ``grams``, looked up once per process in the index's
    own counts (``customers_fts_terms``, migration 0003; a fraction of a millisecond): the
    numbers only choose what to read, never what is found (any of a token's trigrams give
    every match), so they may age."""
    engine = _engine(session)
    known: dict[str, int] | None = getattr(engine, "_customer_trigram_docs", None)
    if known is None or len(known) > 100_000:
        known = engine._customer_trigram_docs = {}
    for gram in grams:
        if gram not in known:
            count = session.execute(
                text("SELECT doc FROM customers_fts_terms WHERE term = :t"), {"t": gram}
            ).scalar()
            known[gram] = int(count or 0)
    return known


def _pairs_match(session: Session, pairs: list[str]) -> str | None:
    """Two-letter tokens as the OR of the indexed trigrams each begins (their list comes from
    the fts5vocab view, which counts each trigram's rows: cheap for the rare pairs this is
    for). None when every pair is common; ``_NoMatch`` when one occurs nowhere."""
    groups = []
    for pair in pairs:
        terms = (
            session.execute(
                text(
                    "SELECT term FROM customers_fts_terms WHERE term >= :lo AND term < :hi LIMIT :n"
                ),
                {"lo": pair, "hi": pair + "\U0010ffff", "n": PAIR_TERMS + 1},
            )
            .scalars()
            .all()
        )
        if not terms:
            raise _NoMatch
        if len(terms) <= PAIR_TERMS:
            groups.append("(" + " OR ".join(_phrase(t) for t in terms) + ")")
    return " AND ".join(groups) or None


def _walk_briefly(
    session: Session, actor: Actor, query: str, include_archived: bool, limit: int
) -> list[int] | None:
    """The first ``limit`` matches in list order, or None when finding them takes longer than
    ``WALK_STEPS`` (the term is rare: the index finds it faster)."""
    raw = _driver(session)
    raw.set_progress_handler(lambda: 1, WALK_STEPS)  # non-zero: interrupt the statement
    try:
        return search_customer_ids(
            session, actor, query, include_archived=include_archived, limit=limit
        )
    except OperationalError as exc:
        if "interrupted" not in str(exc.orig):
            raise
        return None
    finally:
        raw.set_progress_handler(None, 0)


def matching_ids(
    session: Session,
    actor: Actor,
    query: str = "",
    *,
    include_archived: bool = False,
    limit: int | None = None,
    order: ListOrder = ListOrder.NAME,
    descending: bool = False,
) -> SearchResult:
    """Ids of matching customers in list order (by default last name, first name, id).

    A desk that has prepared the search answers from the list it keeps in memory
    (core.customers.kept_list), brought up to date first. Otherwise the register's indexes
    answer. On SQLite: tokens of three or more letters give candidates from the trigram index, sorted
    whole when there are few; otherwise the list index is walked for a moment, which finds a
    common term's first page at once; two-letter tokens then give candidates through the
    trigrams they begin; what remains walks the whole list index. Any other ``order`` (or
    the name order descending) is an ORDER BY of the same rule, over the index's candidates
    when they are few."""
    require(actor, Permission.CUSTOMERS)
    if order is not ListOrder.NAME or descending:
        return _ordered(session, actor, query, include_archived, limit, order, descending)
    if query_hetu(query.strip()):
        return _walk(session, actor, query, include_archived, limit)
    tokens = search_tokens(query)
    kept = kept_list.search(session, tokens, include_archived, limit + 1 if limit else None)
    if kept is None:
        found = _from_register(session, actor, query, tokens, include_archived, limit)
    else:
        ids, certain = kept
        if not certain:  # customers changed since the list was read: the database sorts
            ids = search_customer_ids(
                session,
                actor,
                query,
                include_archived=include_archived,
                among=ids,
                limit=limit + 1 if limit else None,
            )
        found = _first_page(ids, limit)
    return replace(found, unprepared=True) if kept_list.needs_preparing(session) else found


def _from_register(
    session: Session,
    actor: Actor,
    query: str,
    tokens: list[str],
    include_archived: bool,
    limit: int | None,
) -> SearchResult:
    """The register's own indexes answer (no list kept in memory)."""
    if not _has_fts(session):
        if _engine(session).dialect.name == "postgresql" and tokens:
            found = _server_search(session, query, tokens, include_archived, limit)
            if found is not None:
                return found
        return _walk(session, actor, query, include_archived, limit)
    # Several tokens together are usually rare: let the index intersect them. Shorter tokens
    # are left to the exact rule applied to the candidates.
    longer = " AND ".join(_trigrams(session, t) for t in tokens if len(t) >= 3)
    if longer:
        found = _sorted_candidates(session, actor, query, longer, include_archived, limit)
        if found is not None:
            return found
    if limit:
        ids = _walk_briefly(session, actor, query, include_archived, limit + 1)
        if ids is not None:
            return _first_page(ids, limit)
    pairs = [t for t in tokens if len(t) == 2 and set(t) <= _PAIR_CHARS]
    if pairs:
        try:
            match = _pairs_match(session, pairs)
        except _NoMatch:
            return SearchResult([], True)
        if match:
            found = _sorted_candidates(
                session,
                actor,
                query,
                f"{longer} AND {match}" if longer else match,
                include_archived,
                limit,
            )
            if found is not None:
                return found
    return _walk(session, actor, query, include_archived, limit)


def _ordered(
    session: Session,
    actor: Actor,
    query: str,
    include_archived: bool,
    limit: int | None,
    order: ListOrder,
    descending: bool,
) -> SearchResult:
    """Matches sorted by SQLite or PostgreSQL in ``order``: among the trigram index's
    candidates when a long token narrows them to at most ``ORDERED_CANDIDATES``, else the
    whole list."""
    among = None
    if _has_fts(session) and not query_hetu(query.strip()):
        longer = " AND ".join(_trigrams(session, t) for t in search_tokens(query) if len(t) >= 3)
        if longer:
            probe = [
                r[0]
                for r in _driver(session)
                .execute(
                    "SELECT rowid FROM customers_fts WHERE customers_fts MATCH ? LIMIT ?",
                    (longer, ORDERED_CANDIDATES + 1),
                )
                .fetchall()
            ]
            if len(probe) <= ORDERED_CANDIDATES:
                among = _among(probe)
    ids = search_customer_ids(
        session,
        actor,
        query,
        include_archived=include_archived,
        limit=limit + 1 if limit else None,
        among=among,
        order=order,
        descending=descending,
    )
    return _first_page(ids, limit)


@dataclass(frozen=True)
class _ServerStats:
    """What the PostgreSQL planner's statistics say of the search text (the extended
    statistics ``customers_search_trigrams``, migration 0015): the share of customers with
    each common trigram; one not listed is rarer than ``floor``."""

    customers: float
    trigrams: dict[str, float]
    floor: float
    read_at: float


def _server_stats(session: Session) -> _ServerStats | None:
    """The statistics, read once per ``STATS_REFRESH``; None before the server has analysed
    the customers (a new register: a term is then first read through the index)."""
    engine = _engine(session)
    cached: _ServerStats | None = getattr(engine, "_customer_server_stats", None)
    if cached is None or time.monotonic() - cached.read_at >= STATS_REFRESH:
        row = session.execute(
            text(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs "
                "FROM pg_stats_ext_exprs WHERE statistics_name = 'customers_search_trigrams' "
                "AND most_common_elems IS NOT NULL"
            )
        ).first()
        customers = session.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = 'customers' AND relkind = 'r'")
        ).scalar()
        cached = _ServerStats(0.0, {}, 0.0, time.monotonic())
        if row is not None and customers and customers > 0:
            # The frequencies end with their minimum, maximum and the share of nulls.
            elements, shares = row
            cached = _ServerStats(
                float(customers),
                dict(zip(elements, shares, strict=False)),
                float(shares[len(elements)]),
                cached.read_at,
            )
        engine._customer_server_stats = cached
    return cached if cached.customers else None


# The trigrams pg_trgm keeps as they are (others it stores as a hash): letters and digits.
_PLAIN_TRIGRAM = re.compile(r"[a-z0-9]{3}")


def _server_estimate(session: Session, tokens: list[str]) -> float | None:
    """How many customers the statistics expect the trigram index to give for the tokens of
    three or more characters (taken as independent, each as common as its rarest trigram), or
    None when they cannot say."""
    stats = _server_stats(session)
    if stats is None:
        return None
    share = 1.0
    for token in tokens:
        if len(token) < 3:
            continue
        grams = [token[i : i + 3] for i in range(len(token) - 2)]
        plain = [g for g in grams if _PLAIN_TRIGRAM.fullmatch(g)]
        if not plain:
            return None
        share *= min(stats.trigrams.get(g, stats.floor) for g in plain)
    return share * stats.customers


def _server_search(
    session: Session, query: str, tokens: list[str], include_archived: bool, limit: int | None
) -> SearchResult | None:
    """PostgreSQL: the matches, or None to walk the whole list. A term the statistics expect
    to be rare is read through the trigram index; a commoner one (and one of only one or two
    letters, which gives the index no trigram) first walks the head of the list, where a
    common term's first page comes at once; one whose matches sit together further down
    (every Lehtonen under L) is then read through the index after all when it is not too
    common, and walked whole when it is."""
    longer = any(len(t) >= 3 for t in tokens)
    estimate = _server_estimate(session, tokens) if longer else None
    if longer and (estimate is None or estimate <= SPARSE):
        found = _server_candidates(session, query, include_archived, limit, SPARSE)
        if found is not None or estimate is None:
            return found
    if limit:
        ids = _server_walk_briefly(session, query, include_archived, limit + 1)
        if ids is not None:
            return _first_page(ids, limit)
    if estimate is not None and SPARSE < estimate <= SERVER_CANDIDATES:
        return _server_candidates(session, query, include_archived, limit, SERVER_CANDIDATES)
    return None


def _server_walk_briefly(
    session: Session, query: str, include_archived: bool, limit: int
) -> list[int] | None:
    """The first ``limit`` matches among the first ``SERVER_WALK`` customers in list order
    (the covering list index, migration 0015: about 3 ms), or None when they are fewer."""
    c = Customer
    head = (
        select(c.id, c.last_name, c.first_name, c.search_text, c.hetu_index, c.archived, c.state)
        .order_by(*ListOrder.NAME.sort_keys())
        .limit(SERVER_WALK)
        .subquery()
    )
    q = (
        select(head.c.id)
        .where(*_rule(session, query, include_archived, head.c))
        .order_by(head.c.last_name, head.c.first_name, head.c.id)
        .limit(limit)
    )
    ids = list(session.execute(q).scalars())
    return ids if len(ids) >= limit else None


def _server_candidates(
    session: Session, query: str, include_archived: bool, limit: int | None, cap: int
) -> SearchResult | None:
    """PostgreSQL: the matches of a term the trigram index (migration 0009) narrows, read
    through it and sorted, when there are at most ``cap``; None for a commoner term.

    Left to itself the planner walks the listing index in list order for every term, expecting
    the matches spread evenly along it; a surname's matches sit together (every Lindroos under
    L), so the walk read half the register before it had a page (320 ms for "lindr" on the
    benchmark's 100,000 customers). The inner LIMIT keeps the candidates a query of their own,
    read through the trigram index, and stops a common term after ``cap`` of them."""
    inner = (
        customer_id_query(session, query, include_archived=include_archived)
        .add_columns(Customer.last_name, Customer.first_name)
        .limit(cap + 1)
        .subquery()
    )
    ids = list(
        session.execute(
            select(inner.c.id).order_by(inner.c.last_name, inner.c.first_name, inner.c.id)
        ).scalars()
    )
    if len(ids) > cap:
        return None
    return SearchResult(ids[:limit], len(ids) <= limit) if limit else SearchResult(ids, True)


def _sorted_candidates(
    session: Session,
    actor: Actor,
    query: str,
    match: str,
    include_archived: bool,
    limit: int | None,
) -> SearchResult | None:
    """The matches among the index's candidates for ``match``, sorted by SQLite, or None
    when there are more than ``SPARSE`` candidates (sorting them costs more than walking the
    list)."""
    raw = _driver(session)  # thousands of rows: SQLAlchemy's result objects cost 1 ms more
    probe = [
        r[0]
        for r in raw.execute(
            "SELECT rowid FROM customers_fts WHERE customers_fts MATCH ? LIMIT ?",
            (match, SPARSE + 1),
        ).fetchall()
    ]
    if len(probe) > SPARSE:
        return None
    # The trigram match is a candidate set: the exact rule is applied on top.
    if not limit or len(probe) <= limit:
        limit = None  # every candidate fits the page
    ids = search_customer_ids(
        session,
        actor,
        query,
        include_archived=include_archived,
        among=_among(probe),
        limit=limit + 1 if limit else None,
    )
    return _first_page(ids, limit)


def _among(ids: list[int]) -> Any:
    """Candidate ids for ``customer_id_query``, as one JSON parameter: thousands of bound
    values cost more than the query."""
    return select(literal_column("value")).select_from(func.json_each(json.dumps(ids)))


def _walk(
    session: Session, actor: Actor, query: str, include_archived: bool, limit: int | None
) -> SearchResult:
    ids = search_customer_ids(
        session, actor, query, include_archived=include_archived, limit=limit + 1 if limit else None
    )
    return _first_page(ids, limit)


def _first_page(ids: list[int], limit: int | None) -> SearchResult:
    """``ids`` asked for with one more than ``limit``: the page, and whether it is all."""
    if limit and len(ids) > limit:
        return SearchResult(ids[:limit], False)
    return SearchResult(ids, True)
