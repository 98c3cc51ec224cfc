"""The audit log as a manager reads it: the action's name, the target by name or number and the
details with field names in the user's language.

An entry stores codes (``customer``, ``123``, ``objection.direct_marketing``); this turns a
page of them into text, resolving the ids of the page in one query per kind of thing. What an
erasure removed stays removed: a customer whose row is gone is shown as an erased customer by
number only, an anonymised one without the name (the entries themselves hold field names, never
values).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import format_date, t
from core.models import Customer, CustomerState, Document, Order, Request, RequestState, User
from core.security.audit import AuditRow, list_entries

_MERGE = re.compile(r"^(\d+)<-(\d+)$")
_RANGE = re.compile(r"^(\d+)-(\d+)$")
_REQUEST_STATES = {s.value for s in RequestState}


@dataclass(frozen=True)
class ReadableEntry:
    id: int
    at: datetime
    username: str
    user: str  # "Maija Manageri (manager)"
    action: str  # the code, for the tooltip and the auditor
    action_text: str
    target: str
    details: str
    customer_id: int | None  # what a double-click opens: the request first, else the customer
    request_id: int | None
    hash: str


def action_text(action: str, lang: str | None = None) -> str:
    """The action in the user's language when the catalogue has it, else readable words."""
    return t(f"audit.action.{action}", lang, default=None) or _words(action)


def _words(code: str) -> str:
    """A code no catalogue names, as words: ``identity_checked_by_id`` -> ``Identity checked
    by``. Never shown for what core records (a test walks every action)."""
    words = re.sub(r"_id\b", "", code).replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:]


def _ints(values: Iterable[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit()}


class _Names:
    """The customers, requests, orders, documents and users a page of entries names, each kind
    read in one query."""

    def __init__(self, session: Session, rows: Sequence[AuditRow]) -> None:
        customer_ids: set[int] = set()
        for r in rows:
            if r.entity == "customer":
                merge = _MERGE.match(r.entity_id)
                customer_ids |= _ints(merge.groups() if merge else [r.entity_id])
            for name, value in _pairs(r.fields):
                if name == "filter_customer":
                    customer_ids |= _ints([value])
        by_entity = {
            kind: _ints(r.entity_id for r in rows if r.entity == kind)
            for kind in ("request", "order", "document", "user")
        }
        self.requests = _load(
            session, Request, by_entity["request"], Request.number, Request.customer_id
        )
        self.orders = _load(session, Order, by_entity["order"], Order.number, Order.customer_id)
        self.documents = _load(
            session, Document, by_entity["document"], Document.customer_id, Document.request_id
        )
        customer_ids |= {c for _n, c in self.requests.values() if c is not None}
        customer_ids |= {c for _n, c in self.orders.values() if c is not None}
        user_ids = by_entity["user"] | {r.user_id for r in rows if r.user_id is not None}
        self.users = _load(session, User, user_ids, User.username, User.full_name)
        self.customers = _load(
            session,
            Customer,
            customer_ids,
            Customer.first_name,
            Customer.last_name,
            Customer.organisation,
            Customer.state,
            Customer.created_at,
        )

    def holder(self, customer_id: int, at: datetime) -> tuple | None:
        """The customer row the entry of ``at`` names. An entry older than the row names an
        earlier holder of the same number (SQLite gives a removed last row's id again): that
        customer was erased or merged away."""
        found = self.customers.get(customer_id)
        if found is None or found[4] > at:
            return None
        return found

    def customer(self, customer_id: int, at: datetime, lang: str | None) -> str:
        found = self.holder(customer_id, at)
        if found is None:
            return t("audit.target.customer_erased", lang, id=customer_id)
        first, last, organisation, state, _created = found
        if state == CustomerState.ANONYMISED.value:
            return t("audit.target.customer_anonymised", lang, id=customer_id)
        name = f"{first} {last}".strip() or organisation
        return t("audit.target.customer", lang, name=name, id=customer_id)

    def user(self, user_id: int | None, username: str, lang: str | None) -> str:
        found = self.users.get(user_id) if user_id is not None else None
        if found is not None:
            return f"{found[1]} ({found[0]})"
        if username == "system" and user_id is None:
            return t("audit.user.system", lang)
        return username


def _load(session: Session, model: Any, ids: set[int], *columns: Any) -> dict[int, tuple]:
    if not ids:
        return {}
    query = select(model.id, *columns).where(model.id.in_(sorted(ids)))
    return {row[0]: tuple(row[1:]) for row in session.execute(query)}


def _pairs(fields: str) -> list[tuple[str, str]]:
    """The stored field names; a ``name:value`` item (the audit export's own entry) split."""
    out = []
    for item in fields.split(","):
        if item:
            name, _sep, value = item.partition(":")
            out.append((name, value))
    return out


def _target(row: AuditRow, names: _Names, lang: str | None) -> str:
    entity, entity_id = row.entity, row.entity_id
    if entity == "customer":
        merge = _MERGE.match(entity_id)
        if merge:
            kept, removed = (int(v) for v in merge.groups())
            return t(
                "audit.target.merge",
                lang,
                kept=names.customer(kept, row.at, lang),
                removed=names.customer(removed, row.at, lang),
            )
        span = _RANGE.match(entity_id)
        if span:
            return t("audit.target.customer_range", lang, first=span[1], last=span[2])
        if entity_id.isdigit():
            return names.customer(int(entity_id), row.at, lang)
    if entity == "request" and entity_id.isdigit():
        request = names.requests.get(int(entity_id))
        if request is None:
            return t("audit.target.request_gone", lang, id=entity_id)
        return t("audit.target.request", lang, number=request[0])
    if entity == "order" and entity_id.isdigit():
        order = names.orders.get(int(entity_id))
        if order is None:
            return t("audit.target.order_gone", lang, id=entity_id)
        return t("audit.target.order", lang, number=order[0])
    if entity == "user":
        if not entity_id.isdigit():
            return t("audit.target.user_unknown", lang)
        user = names.users.get(int(entity_id))
        if user is None:
            return t("audit.target.user_gone", lang, id=entity_id)
        return t("audit.target.user", lang, name=user[1], username=user[0])
    if entity == "document" and entity_id.isdigit():
        return t("audit.target.document", lang, id=entity_id)
    if entity in ("export", "import"):
        return t("audit.target.file", lang, name=entity_id)
    if entity == "audit":
        if entity_id.isdigit():
            return t("audit.target.audit_entry", lang, id=entity_id)
        since, _dots, until = entity_id.partition("..")
        if not since and not until:
            return t("audit.target.audit_log_all", lang)
        return t("audit.target.audit_log", lang, since=_day(since, lang), until=_day(until, lang))
    if entity == "settings":
        return t("audit.target.settings", lang)
    if entity == "database":
        return t("audit.target.database", lang)
    return " ".join(p for p in (_words(entity), entity_id) if p)


def _day(iso: str, lang: str | None) -> str:
    try:
        return format_date(date.fromisoformat(iso), lang)
    except ValueError:
        return ""


def _detail(name: str, value: str, row: AuditRow, names: _Names, lang: str | None) -> str:
    kind, _dot, rest = name.partition(".")
    if kind == "objection" and rest:
        return t(
            "audit.detail.objection",
            lang,
            kind=t(f"customers.objection.{rest}", lang, default=None) or _words(rest),
        )
    if kind == "item" and rest:
        return t("audit.detail.item", lang, field=_field(rest, lang))
    if name == "state" and row.action.startswith("request."):
        state = row.action.partition(".")[2]
        if state in _REQUEST_STATES:
            return t("audit.detail.state", lang, state=t(f"req.state.{state}", lang))
    if value:
        if name == "filter_customer" and value.isdigit():
            shown = names.customer(int(value), row.at, lang)
        elif name == "filter_action":
            shown = action_text(value, lang)
        else:
            shown = value
        return t("audit.detail.value", lang, field=_field(name, lang), value=shown)
    return _field(name, lang)


def _field(name: str, lang: str | None) -> str:
    return (
        t(f"audit.field.{name}", lang, default=None)
        or t(f"field.{name}", lang, default=None)
        or _words(name)
    )


def readable(
    session: Session, rows: Sequence[AuditRow], lang: str | None = None
) -> list[ReadableEntry]:
    """The rows as a manager reads them, in ``lang`` (default: the current language)."""
    names = _Names(session, rows)
    out = []
    for r in rows:
        request_id = customer_id = None
        if r.entity == "request" and r.entity_id.isdigit() and int(r.entity_id) in names.requests:
            request_id = int(r.entity_id)
            customer_id = names.requests[request_id][1]
        elif r.entity == "order" and r.entity_id.isdigit() and int(r.entity_id) in names.orders:
            customer_id = names.orders[int(r.entity_id)][1]
        elif (
            r.entity == "document" and r.entity_id.isdigit() and int(r.entity_id) in names.documents
        ):
            customer_id, request_id = names.documents[int(r.entity_id)]
        elif r.entity == "customer":
            merge = _MERGE.match(r.entity_id)
            wanted = merge[1] if merge else r.entity_id
            if wanted.isdigit() and names.holder(int(wanted), r.at) is not None:
                customer_id = int(wanted)
        details = "; ".join(_detail(n, v, r, names, lang) for n, v in _pairs(r.fields))
        out.append(
            ReadableEntry(
                r.id,
                r.at,
                r.username,
                names.user(r.user_id, r.username, lang),
                r.action,
                action_text(r.action, lang),
                _target(r, names, lang),
                details,
                customer_id,
                request_id,
                r.hash,
            )
        )
    return out


def readable_entries(
    session: Session, actor: object, lang: str | None = None, **filters: Any
) -> list[ReadableEntry]:
    """``list_entries`` (its filters, limit and offset; manager only), readable."""
    return readable(session, list_entries(session, actor, **filters), lang)
