"""Likely duplicate customers, and merging two customers into one.

Duplicates are found with one GROUP BY query per rule (same hetu blind index, same email, same
name and postal code), each returning the ids of every group with more than one customer. Merging
moves everything of the removed customer (orders, requests, disclosures, documents, field
history) to the kept one, keeps the older objection of each kind, fills the kept customer's
empty fields from the removed one (recorded in history as a merge), deletes the removed
customer, and audits it all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, delete, func, select, update
from sqlalchemy.orm import Session

from core.customers.service import FIELDS, customer_detail, get_customer, hetu_of, update_customer
from core.errors import Conflict, ValidationError
from core.i18n import format_date, t
from core.models import (
    Customer,
    CustomerState,
    Disclosure,
    Document,
    FieldChange,
    Objection,
    Order,
    Request,
)
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.validation import format_phone

SAME_HETU = "same_hetu"
SAME_EMAIL = "same_email"
SAME_NAME_POSTAL = "same_name_postal"
REASONS = (SAME_HETU, SAME_EMAIL, SAME_NAME_POSTAL)
MERGE_HISTORY_SOURCE = "data.merge.history_source"  # stored; core.customers names it in words


@dataclass(frozen=True)
class DuplicatePair:
    a_id: int  # the older customer (smaller id)
    b_id: int
    reason: str  # same_hetu | same_email | same_name_postal
    a_name: str = ""
    b_name: str = ""
    strength: int = 0  # how many of the identifying details agree (see _strength)


def _groups(session: Session, keys: list, where: list) -> list[list[int]]:  # type: ignore[type-arg]
    """Ids of customers sharing the same ``keys``, one GROUP BY query, each group by id.

    Anonymised customers drop out by themselves: their hetu index, email and postal code are
    blank, and every key below needs one of them."""
    if session.get_bind().dialect.name == "sqlite":
        ids = func.group_concat(Customer.id)
    else:
        ids = func.string_agg(cast(Customer.id, String), ",")
    rows = session.execute(
        select(ids).where(*where).group_by(*keys).having(func.count() > 1)
    ).scalars()
    groups = [sorted(int(i) for i in text.split(",")) for text in rows]
    groups.sort(key=lambda g: g[0])
    return groups


@dataclass(frozen=True)
class _Facts:
    """What tells two customers apart, normalised for comparing."""

    name: str
    hetu_index: str | None
    email: str
    phone: str
    street: str
    postal_code: str


def _facts(session: Session, ids: set[int]) -> dict[int, _Facts]:
    q = select(
        Customer.id,
        Customer.first_name,
        Customer.last_name,
        Customer.hetu_index,
        Customer.email,
        Customer.phone,
        Customer.street,
        Customer.postal_code,
    )
    if len(ids) > 2000:  # one scan beats many large IN lists
        rows: Any = session.execute(q.execution_options(yield_per=5000))
    else:
        rows = session.execute(q.where(Customer.id.in_(sorted(ids))))
    out: dict[int, _Facts] = {}
    for cid, first, last, index, email, phone, street, postal in rows:
        if cid in ids:
            out[cid] = _Facts(
                f"{first} {last}".strip(),
                index,
                (email or "").strip().lower(),
                "".join(ch for ch in phone or "" if ch.isdigit()),
                " ".join((street or "").lower().split()),
                postal or "",
            )
    return out


def _differ(a: str | None, b: str | None) -> bool:
    """Both known and not the same: a detail that tells two people apart."""
    return bool(a) and bool(b) and a != b


def _strength(reason: str, a: _Facts, b: _Facts) -> int | None:
    """How strongly ``a`` and ``b`` look like one person; None: they are not duplicates.

    Two customers with different valid hetus are two people, whatever else they share. A pair
    found by name and postal code alone is two people when their street, email or phone
    differ (two "Aino Ahonen, 96100 Rovaniemi" who live apart). Each agreeing detail adds to
    the strength, so the list shows the likeliest pairs first."""
    if _differ(a.hetu_index, b.hetu_index):
        return None
    if reason == SAME_NAME_POSTAL and (
        _differ(a.street, b.street) or _differ(a.email, b.email) or _differ(a.phone, b.phone)
    ):
        return None
    score = {SAME_HETU: 100, SAME_EMAIL: 40, SAME_NAME_POSTAL: 20}[reason]
    same = (
        (a.name.lower() == b.name.lower(), 20),
        (bool(a.email) and a.email == b.email, 15),
        (bool(a.phone) and a.phone == b.phone, 15),
        (bool(a.street) and a.street == b.street and a.postal_code == b.postal_code, 10),
    )
    return score + sum(points for agrees, points in same if agrees)


def strength_level(strength: int) -> str:
    """The strength in a word for the list: certain (same hetu), strong, likely, possible."""
    if strength >= 100:
        return "certain"
    if strength >= 60:
        return "strong"
    if strength >= 40:
        return "likely"
    return "possible"


def find_duplicates(
    session: Session, actor: Actor, limit: int | None = None
) -> list[DuplicatePair]:
    """Pairs of likely duplicates, strongest first (then the older pair); each group of N
    same-key customers gives N-1 pairs (the oldest with each of the others). Pairs that
    other details tell apart are left out (``_strength``)."""
    require(actor, Permission.CUSTOMERS)
    queries: dict[str, tuple[list[Any], list[Any]]] = {
        SAME_HETU: ([Customer.hetu_index], [Customer.hetu_index.is_not(None)]),
        SAME_EMAIL: ([func.lower(Customer.email)], [Customer.email != ""]),
        SAME_NAME_POSTAL: (
            [func.lower(Customer.first_name), func.lower(Customer.last_name), Customer.postal_code],
            [Customer.postal_code != ""],
        ),
    }
    seen: set[tuple[int, int]] = set()
    candidates: list[tuple[int, int, str]] = []
    for reason, (keys, where) in queries.items():
        for group in _groups(session, keys, where):
            first = group[0]
            for other in group[1:]:
                if (first, other) not in seen:
                    seen.add((first, other))
                    candidates.append((first, other, reason))
    facts = _facts(session, {i for a, b, _r in candidates for i in (a, b)})
    pairs: list[DuplicatePair] = []
    for a, b, reason in candidates:
        strength = _strength(reason, facts[a], facts[b])
        if strength is not None:
            pairs.append(DuplicatePair(a, b, reason, facts[a].name, facts[b].name, strength))
    pairs.sort(key=lambda p: (-p.strength, p.a_id, p.b_id))
    return pairs[:limit] if limit is not None else pairs


@dataclass(frozen=True)
class ComparisonRow:
    field: str  # a field name, or "orders" / "requests" / "objections" / "created_at"
    a: str
    b: str


@dataclass(frozen=True)
class Comparison:
    a_id: int
    b_id: int
    a_version: int
    b_version: int
    rows: tuple[ComparisonRow, ...]


def compare_customers(session: Session, actor: Actor, a_id: int, b_id: int) -> Comparison:
    """Two customers side by side (hetu masked), with how many orders and requests each has."""
    require(actor, Permission.CUSTOMERS)
    details = [customer_detail(session, actor, cid) for cid in (a_id, b_id)]
    counts = []
    for cid in (a_id, b_id):
        orders = session.execute(
            select(func.count(Order.id)).where(Order.customer_id == cid)
        ).scalar_one()
        requests = session.execute(
            select(func.count(Request.id)).where(Request.customer_id == cid)
        ).scalar_one()
        counts.append((int(orders), int(requests)))
    rows = [
        ComparisonRow(f, *(str(getattr(d, f) or "") for d in details))
        for f in (
            "first_name",
            "last_name",
            "organisation",
            "email",
            "street",
            "postal_code",
            "city",
        )
    ]
    rows.insert(
        4, ComparisonRow("phone", *(format_phone(d.phone) if d.phone else "" for d in details))
    )
    rows.append(ComparisonRow("hetu", details[0].hetu_masked, details[1].hetu_masked))
    rows.append(ComparisonRow("source", *(t(f"source.{d.source}") for d in details)))
    rows.append(ComparisonRow("created_at", *(format_date(d.created_at) for d in details)))
    rows.append(ComparisonRow("orders", str(counts[0][0]), str(counts[1][0])))
    rows.append(ComparisonRow("requests", str(counts[0][1]), str(counts[1][1])))
    rows.append(
        ComparisonRow(
            "objections",
            *(", ".join(t(f"customers.objection.{o.kind}") for o in d.objections) for d in details),
        )
    )
    return Comparison(a_id, b_id, details[0].version, details[1].version, tuple(rows))


@dataclass(frozen=True)
class MergeResult:
    kept_id: int
    removed_id: int
    filled: tuple[str, ...]  # fields of the kept customer filled from the removed one
    moved: dict[str, int]  # orders/requests/disclosures/documents/history -> rows moved


def merge_customers(
    session: Session,
    actor: Actor,
    keep_id: int,
    remove_id: int,
    keep_version: int | None = None,
    remove_version: int | None = None,
) -> MergeResult:
    """Merge ``remove_id`` into ``keep_id`` (manager only); nothing of either is lost."""
    require(actor, Permission.MERGE)
    if keep_id == remove_id:
        raise ValidationError("customer", "duplicates.same_customer")
    keep = get_customer(session, keep_id)
    remove = get_customer(session, remove_id)
    for customer, expected in ((keep, keep_version), (remove, remove_version)):
        if expected is not None and customer.version != expected:
            raise Conflict(
                "error.conflict",
                who=customer.updated_by,
                when=customer.updated_at.strftime("%d.%m.%Y %H.%M"),
            )
        if customer.state == CustomerState.ANONYMISED.value:
            raise ValidationError("state", "validation.customer_anonymised")

    # Empty fields of the kept customer are filled from the removed one.
    fill: dict[str, str] = {}
    for field in FIELDS:
        if field in ("hetu", "source"):
            continue
        if not getattr(keep, field) and getattr(remove, field):
            fill[field] = getattr(remove, field)
    removed_hetu = hetu_of(session, remove)
    if removed_hetu and not keep.hetu_encrypted:
        fill["hetu"] = removed_hetu
    # The removed customer gives up its hetu first, so the kept one may take it over.
    remove.hetu_encrypted = None
    remove.hetu_index = None
    session.flush()

    # Objections: the older of each kind stays (the prohibition has applied since then).
    kept_objections = {o.kind: o for o in keep.objections}
    for o in list(remove.objections):
        mine = kept_objections.get(o.kind)
        if mine is None:
            keep.objections.append(
                Objection(kind=o.kind, set_on=o.set_on, request_id=o.request_id, set_by=o.set_by)
            )
        elif o.set_on < mine.set_on:
            mine.set_on, mine.request_id, mine.set_by = o.set_on, o.request_id, o.set_by
    remove.objections.clear()
    session.flush()

    moved: dict[str, int] = {}
    for name, model in (
        ("orders", Order),
        ("requests", Request),
        ("disclosures", Disclosure),
        ("documents", Document),
        ("history", FieldChange),
    ):
        result = session.execute(
            update(model)
            .where(model.customer_id == remove_id)
            .values(customer_id=keep_id)
            .execution_options(synchronize_session=False)
        )
        moved[name] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    session.expire(remove)
    session.expire(keep, ["orders"])

    keep.last_contact_on = max(
        (d for d in (keep.last_contact_on, remove.last_contact_on) if d), default=None
    )
    keep.created_at = min(keep.created_at, remove.created_at)
    if fill:
        update_customer(
            session,
            actor,
            keep_id,
            fill,
            None,
            history_source=MERGE_HISTORY_SOURCE,
            audit_action="customer.merge_fill",
        )
    session.add(
        FieldChange(
            customer_id=keep_id,
            field="*merge",
            old_value=f"#{remove_id}",
            new_value=f"#{keep_id}",
            source=MERGE_HISTORY_SOURCE,
            changed_by=actor.username,
        )
    )
    session.execute(delete(Objection).where(Objection.customer_id == remove_id))
    session.delete(remove)
    session.flush()
    audit.record(
        session,
        actor,
        "customer.merge",
        "customer",
        f"{keep_id}<-{remove_id}",
        [*sorted(fill), *(k for k, v in moved.items() if v)],
    )
    return MergeResult(keep_id, remove_id, tuple(sorted(fill)), moved)
