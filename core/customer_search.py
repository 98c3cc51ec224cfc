"""Search-as-you-type over the customer list, fast on 100,000 customers.

``matching_ids`` answers in two steps when a term is common: the first page in list order at
once (``complete`` False), the whole id list on a second call without a limit. On SQLite the
trigram FTS5 index (migrations 0002, 0003) gives candidates for rare terms, which are sorted;
a common term walks the covering listing index in list order and stops after a page.
PostgreSQL uses LIKE.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.auth import Actor, Permission, require
from core.customers import query_hetu, search_customer_ids, search_tokens
from core.models import Customer

# A term matching at most this many customers is read from the FTS index and sorted whole
# (about 5 ms for 3,000 on the benchmark machine); a commoner one walks the listing index in list
# order and stops after the first page, which is quick because matches come early.
SPARSE = 3000
# A two-letter term whose pair begins more trigrams than this is common: walk instead.
PAIR_TERMS = 40
# A term the index cannot narrow enough is first looked for by walking the list for at most
# this many SQLite virtual-machine steps (a tenth of 100,000 customers, 1-3 ms).
WALK_STEPS = 30_000
# Characters the trigram index folds exactly as str.lower() does, for the pair lookup.
_PAIR_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789åäöéüšžõ@.-_+'&/,")


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]
    complete: bool  # False: only the first ``limit`` ids; ask again without a limit


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
    postal_code: str
    city: str
    state: str
    archived: bool


def list_rows(session: Session, actor: Actor, ids: list[int]) -> list[CustomerListRow]:
    """Rows for the given ids, in the given order (ids not found are left out)."""
    require(actor, Permission.CUSTOMERS)
    if not ids:
        return []
    c = Customer
    found = {r[0]: CustomerListRow(*cast(tuple[Any, ...], r)) for r in session.execute(
        select(c.id, c.first_name, c.last_name, c.organisation, c.email, c.phone,
               c.postal_code, c.city, c.state, c.archived).where(c.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _has_fts(session: Session) -> bool:
    bind = session.get_bind()
    cached = getattr(bind, "_customers_fts", None)
    if cached is None:
        cached = bind.dialect.name == "sqlite" and session.execute(text(
            "SELECT 1 FROM sqlite_master WHERE name = 'customers_fts'")).first() is not None
        bind._customers_fts = cached  # type: ignore[union-attr]
    return bool(cached)


def _phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class _NoMatch(Exception):
    """A two-letter term that begins no trigram: nobody matches."""


def _trigrams(token: str) -> str:
    """A token of three or more letters as a few of its trigrams (every third, and the last)
    rather than a phrase: reading three doclists is cheaper than matching seven by position,
    and the candidates are nearly the same."""
    starts = sorted({*range(0, len(token) - 2, 3), len(token) - 3})
    return " AND ".join(_phrase(token[i:i + 3]) for i in starts)


def _pairs_match(session: Session, pairs: list[str]) -> str | None:
    """Two-letter tokens as the OR of the indexed trigrams each begins (their list comes from
    the fts5vocab view, which counts each trigram's rows: cheap for the rare pairs this is
    for). None when every pair is common; ``_NoMatch`` when one occurs nowhere."""
    groups = []
    for pair in pairs:
        terms = session.execute(text(
            "SELECT term FROM customers_fts_terms WHERE term >= :lo AND term < :hi LIMIT :n"),
            {"lo": pair, "hi": pair + "\U0010ffff", "n": PAIR_TERMS + 1}).scalars().all()
        if not terms:
            raise _NoMatch
        if len(terms) <= PAIR_TERMS:
            groups.append("(" + " OR ".join(_phrase(t) for t in terms) + ")")
    return " AND ".join(groups) or None


def _walk_briefly(session: Session, actor: Actor, query: str, include_archived: bool,
                  limit: int) -> list[int] | None:
    """The first ``limit`` matches in list order, or None when finding them takes longer than
    ``WALK_STEPS`` (the term is rare: the index finds it faster)."""
    raw: Any = session.connection().connection.driver_connection
    raw.set_progress_handler(lambda: 1, WALK_STEPS)  # non-zero: interrupt the statement
    try:
        return search_customer_ids(session, actor, query, include_archived=include_archived,
                                   limit=limit)
    except OperationalError as exc:
        if "interrupted" not in str(exc.orig):
            raise
        return None
    finally:
        raw.set_progress_handler(None, 0)


def matching_ids(session: Session, actor: Actor, query: str = "", *,
                 include_archived: bool = False, limit: int | None = None) -> SearchResult:
    """Ids of matching customers in list order (last name, first name, id).

    On SQLite: tokens of three or more letters give candidates from the trigram index, sorted
    whole when there are few; otherwise the list index is walked for a moment, which finds a
    common term's first page at once; two-letter tokens then give candidates through the
    trigrams they begin; what remains walks the whole list index."""
    require(actor, Permission.CUSTOMERS)
    if not _has_fts(session) or query_hetu(query.strip()):
        return _walk(session, actor, query, include_archived, limit)
    tokens = search_tokens(query)
    # Several tokens together are usually rare: let the index intersect them. Shorter tokens
    # are left to the exact rule applied to the candidates.
    longer = " AND ".join(_trigrams(t) for t in tokens if len(t) >= 3)
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
            found = _sorted_candidates(session, actor, query,
                                       f"{longer} AND {match}" if longer else match,
                                       include_archived, limit)
            if found is not None:
                return found
    return _walk(session, actor, query, include_archived, limit)


def _sorted_candidates(session: Session, actor: Actor, query: str, match: str,
                       include_archived: bool, limit: int | None) -> SearchResult | None:
    """The matches among the index's candidates for ``match``, or None when there are more
    candidates than ``SPARSE``."""
    probe = session.execute(
        text("SELECT rowid FROM customers_fts WHERE customers_fts MATCH :q LIMIT :n"),
        {"q": match, "n": SPARSE + 1}).scalars().all()
    if len(probe) > SPARSE:
        return None
    # The trigram match is a candidate set: the exact rule is applied on top. The ids travel
    # as one JSON parameter (thousands of bound values cost more than the query).
    among: Any = select(literal_column("value")).select_from(func.json_each(json.dumps(probe)))
    if not limit or len(probe) <= limit:
        limit = None  # every candidate fits the page
    ids = search_customer_ids(session, actor, query, include_archived=include_archived,
                              among=among, limit=limit + 1 if limit else None)
    return _first_page(ids, limit)


def _walk(session: Session, actor: Actor, query: str, include_archived: bool,
          limit: int | None) -> SearchResult:
    ids = search_customer_ids(session, actor, query, include_archived=include_archived,
                              limit=limit + 1 if limit else None)
    return _first_page(ids, limit)


def _first_page(ids: list[int], limit: int | None) -> SearchResult:
    """``ids`` asked for with one more than ``limit``: the page, and whether it is all."""
    if limit and len(ids) > limit:
        return SearchResult(ids[:limit], False)
    return SearchResult(ids, True)
