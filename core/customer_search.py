"""Search-as-you-type over the customer list, fast on 100,000 customers.

``matching_ids`` answers in two steps when a term is common: the first page in list order at
once (``complete`` False), the whole id list on a second call without a limit. On SQLite a
trigram FTS5 index (migration 0002) finds rare terms directly; common terms and short ones
walk the covering listing index in list order and stop after a page. PostgreSQL uses LIKE.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core import validation
from core.auth import Actor, Permission, require
from core.customers import search_customer_ids
from core.errors import ValidationError
from core.models import Customer

# A term matching at most this many customers is read from the FTS index and sorted whole;
# a commoner one walks the listing index in list order and stops after the first page.
SPARSE = 200


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
    found = {r[0]: CustomerListRow(*r) for r in session.execute(
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


def _fts_query(query: str) -> str | None:
    """The FTS5 MATCH expression for the query's tokens (the exact rule is applied to the
    candidates afterwards), or None when a token is too short for trigrams."""
    tokens = query.lower().split()
    if not tokens:
        return None
    normalised = []
    for token in tokens:
        digits = "".join(ch for ch in token if ch.isdigit())
        if digits and len(digits) >= 3 and not token.isalpha() and digits != token:
            token = digits  # phone numbers by their digits, as the LIKE search does
        if len(token) < 3:
            return None
        normalised.append(token)
    # Several tokens together are usually rare: let the index intersect them.
    return " AND ".join('"' + token.replace('"', '""') + '"' for token in normalised)


def _is_hetu(query: str) -> bool:
    try:
        return bool(validation.hetu(query))
    except ValidationError:
        return False


def matching_ids(session: Session, actor: Actor, query: str = "", *,
                 include_archived: bool = False, limit: int | None = None) -> SearchResult:
    """Ids of matching customers in list order (last name, first name, id)."""
    require(actor, Permission.CUSTOMERS)
    match = _fts_query(query) if _has_fts(session) and not _is_hetu(query) else None
    if match is not None:
        probe = session.execute(
            text("SELECT rowid FROM customers_fts WHERE customers_fts MATCH :q LIMIT :n"),
            {"q": match, "n": SPARSE + 1}).scalars().all()
        if len(probe) <= SPARSE:
            # The trigram match is a candidate set: the exact rule is applied on top.
            return SearchResult(search_customer_ids(
                session, actor, query, include_archived=include_archived, among=list(probe)),
                True)
    ids = search_customer_ids(session, actor, query, include_archived=include_archived,
                              limit=limit + 1 if limit else None)
    if limit and len(ids) > limit:
        return SearchResult(ids[:limit], False)
    return SearchResult(ids, True)
