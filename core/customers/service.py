"""Customers [S7][S8]: create, update with optimistic locking and field history, archive,
objections [S6][S15][S17], and the encrypted hetu."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import validation
from core.clock import now, today
from core.customers.search import build_search_text
from core.customers.suppression import find_suppression
from core.errors import Conflict, NotFound, Suppressed, ValidationError, ValidationErrors
from core.i18n import format_date, t
from core.models import (
    Customer,
    CustomerState,
    FieldChange,
    Objection,
    ObjectionKind,
    Source,
)
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.settings import data_key

# The editable fields of a customer, in form order.
FIELDS = (
    "first_name",
    "last_name",
    "organisation",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "hetu",
    "source",
)

# The free-text fields, where a hetu must never be stored.
HETU_FREE = ("first_name", "last_name", "organisation", "email", "street", "city")


def clean_customer(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate every given field; raise ``ValidationErrors`` naming each bad field."""
    errors: list[ValidationError] = []
    out: dict[str, Any] = {}
    country = data.get("country") or "FI"

    def run(field: str, fn: Callable[[], Any]) -> None:
        if partial and field not in data:
            return
        try:
            out[field] = fn()
        except ValidationError as exc:
            errors.append(exc)

    run("country", lambda: validation.country(data.get("country")))
    country = out.get("country", "FI")
    run("first_name", lambda: validation.name("first_name", data.get("first_name")))
    run("last_name", lambda: validation.name("last_name", data.get("last_name")))
    run("organisation", lambda: validation.text("organisation", data.get("organisation")))
    run("email", lambda: validation.email(data.get("email")))
    run("phone", lambda: validation.phone(data.get("phone"), country))
    run("street", lambda: validation.text("street", data.get("street")))
    run("postal_code", lambda: validation.postal_code(data.get("postal_code"), country))
    run("city", lambda: validation.text("city", data.get("city"), max_len=100))
    run("hetu", lambda: validation.hetu(data.get("hetu")))
    run(
        "source",
        lambda: validation.choice("source", data.get("source"), Source, default=Source.OTHER.value),
    )
    # No text field holds a hetu (a stray quote in an import file, a slip at the desk): a hetu
    # is kept encrypted, never in clear. Checked here, so that every way in refuses it; the
    # fields are scanned together once, and one by one only when one of them holds it.
    texts = [f for f in HETU_FREE if isinstance(out.get(f), str)]
    if validation.holds_hetu("\n".join(out[f] for f in texts)):
        errors.extend(
            ValidationError(f, "validation.hetu_in_text")
            for f in texts
            if validation.holds_hetu(out[f])
        )
    unknown = set(data) - set(FIELDS) - {"last_contact_on"}
    for field in sorted(unknown):
        errors.append(ValidationError(field, "validation.unknown_field"))
    if errors:
        raise ValidationErrors(errors)
    if "last_contact_on" in data:
        out["last_contact_on"] = data["last_contact_on"]
    return out


# A rectification request's changes are recorded under this and the request's number.
RECTIFICATION_SOURCE = "rectification request "


def history_source_text(source: str, lang: str | None = None) -> str:
    """What a field-history source says to a person, in their language: catalogue keys
    (``source.shop``) translated, an import's file and a request's number named; other free
    text (an authority update's line, written in the user's language) as stored."""
    if source.startswith("import:"):
        return t("history.source.import", lang=lang, file=source[len("import:") :])
    if source.startswith(RECTIFICATION_SOURCE):
        return t(
            "history.source.rectification", lang=lang, number=source[len(RECTIFICATION_SOURCE) :]
        )
    update = _update_source_in(source, lang)
    if update is not None:
        return update
    # Stored sources are catalogue keys; a merge stores the key the catalogue had before it was
    # renamed, so rows written before and after read the same.
    special = {
        "demo": "history.source.demo",
        "erasure.partly": "history.source.erasure_partly",
        "data.merge.history_source": "duplicates.history_source",
    }
    return t(special.get(source, source), lang=lang, default=source)


# The sources an address update names in its history line (``core.customers.updates``).
_UPDATE_SOURCES = ("authority_update", "update_service")


def _update_source_in(source: str, lang: str | None) -> str | None:
    """An address update's history line ("Viranomaisen päivitys, tiedosto x.csv, 5.3.2025"),
    stored in the language of the user who applied it, told again in ``lang``; None when
    ``source`` is no such line."""
    for stored_lang in ("fi", "en"):
        for kind in _UPDATE_SOURCES:
            pattern = re.escape(
                t("updates.history_source", stored_lang, source="\0", file="\1", date="\2")
            )
            pattern = pattern.replace(re.escape("\0"), re.escape(t(f"source.{kind}", stored_lang)))
            pattern = pattern.replace(re.escape("\1"), "(?P<file>.+)")
            pattern = pattern.replace(re.escape("\2"), "(?P<date>[0-9.-]+)")
            m = re.fullmatch(pattern, source)
            if m is None:
                continue
            on = _parse_shown_date(m.group("date"))
            return t(
                "updates.history_source",
                lang,
                source=t(f"source.{kind}", lang),
                file=m.group("file"),
                date=format_date(on, lang) if on else m.group("date"),
            )
    return None


def _parse_shown_date(text: str) -> date | None:
    """A date as ``format_date`` shows it: ``5.3.2025`` (fi) or ``2025-03-05`` (en)."""
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _hetu_in_use(session: Session, index: str, except_id: int | None = None) -> bool:
    q = select(Customer.id).where(Customer.hetu_index == index)
    if except_id is not None:
        q = q.where(Customer.id != except_id)
    return session.execute(q.limit(1)).first() is not None


def set_hetu(session: Session, customer: Customer, hetu: str) -> None:
    """Encrypt the hetu under the row id (the row must have been flushed)."""
    if not hetu:
        customer.hetu_encrypted = None
        customer.hetu_index = None
        return
    key = data_key(session)
    customer.hetu_encrypted = key.encrypt(hetu, customer.id)
    customer.hetu_index = key.blind_index(hetu)


def _flush_hetu(session: Session) -> None:
    """Write a new or changed hetu now: another desk storing the same hetu since this one
    checked hits the unique index (migration 0006), which is a Conflict, not a second person
    or an unexpected error. The caller's transaction is then rolled back."""
    try:
        session.flush()
    except IntegrityError as exc:
        if "hetu_index" in str(exc.orig):
            raise Conflict("error.hetu_stored_meanwhile") from exc
        raise


def hetu_of(session: Session, customer: Customer) -> str:
    if not customer.hetu_encrypted:
        return ""
    return data_key(session).decrypt(customer.hetu_encrypted, customer.id)


def find_by_hetu(session: Session, hetu: str) -> Customer | None:
    try:
        clean = validation.hetu(hetu)
    except ValidationError:
        return None
    if not clean:
        return None
    index = data_key(session).blind_index(clean)
    return session.execute(
        select(Customer).where(Customer.hetu_index == index).order_by(Customer.id).limit(1)
    ).scalar_one_or_none()


def create_customer(
    session: Session,
    actor: Actor,
    data: Mapping[str, Any],
    history_source: str = "",
    audit_entry: bool = True,
    *,
    confirmed_suppressed: bool = False,
) -> Customer:
    """A new customer. One whose hetu or email is on the suppression list (erased at their
    request) raises ``Suppressed`` unless ``confirmed_suppressed``; then they are added with
    all four prohibitions set, so no marketing reaches them [S6][S17]."""
    require(actor, Permission.CUSTOMERS)
    clean = clean_customer(data)
    hetu = clean.pop("hetu", "")
    last_contact = clean.pop("last_contact_on", None) or today()
    hetu_index = data_key(session).blind_index(hetu) if hetu else None
    if hetu_index and _hetu_in_use(session, hetu_index):
        raise ValidationErrors([ValidationError("hetu", "validation.hetu_exists")])
    suppressed = find_suppression(session, hetu, clean.get("email", ""))
    if suppressed is not None and not confirmed_suppressed:
        raise Suppressed(erased_on=format_date(suppressed.erased_on))
    customer = Customer(
        **clean,
        updated_by=actor.username,
        state=CustomerState.ACTIVE.value,
        last_contact_on=last_contact,
    )
    customer.search_text = build_search_text(customer)
    session.add(customer)
    session.flush()
    if hetu:
        set_hetu(session, customer, hetu)
        _flush_hetu(session)
    filled = [f for f in FIELDS if (clean.get(f) or (f == "hetu" and hetu))]
    session.add(
        FieldChange(
            customer_id=customer.id,
            field="*",
            old_value="",
            new_value="",
            source=history_source or f"source.{customer.source}",
            changed_by=actor.username,
        )
    )
    if audit_entry:
        audit.record(session, actor, "customer.create", "customer", customer.id, filled)
    if suppressed is not None:
        set_objections(session, actor, customer.id, {k.value for k in ObjectionKind})
    return customer


def get_customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("error.customer_not_found", id=customer_id)
    return customer


def require_editable(customer: Customer, field: str = "state") -> None:
    """An anonymised customer never changes; a restricted one (GDPR Art. 18) is read-only
    until the purge or a manager lifts the restriction (``lift_restriction``)."""
    if customer.state == CustomerState.ANONYMISED.value:
        raise ValidationError(field, "validation.customer_anonymised")
    if customer.state == CustomerState.RESTRICTED.value:
        raise ValidationError(
            field, "validation.customer_restricted", until=customer.restricted_until
        )


def update_customer(
    session: Session,
    actor: Actor,
    customer_id: int,
    changes: Mapping[str, Any],
    expected_version: int | None,
    history_source: str = "",
    audit_action: str = "customer.update",
    source_recipient_id: int | None = None,
) -> Customer:
    """Apply changes; a stale ``expected_version`` raises ``Conflict`` naming who saved last.
    ``source_recipient_id`` is the register entry the new values came from, kept in history."""
    require(actor, Permission.CUSTOMERS)
    customer = get_customer(session, customer_id)
    if expected_version is not None and customer.version != expected_version:
        raise Conflict(
            "error.conflict",
            who=customer.updated_by,
            when=customer.updated_at.strftime("%d.%m.%Y %H.%M"),
        )
    require_editable(customer)
    merged = {f: getattr(customer, f) for f in FIELDS if f != "hetu"}
    merged["hetu"] = hetu_of(session, customer)
    merged.update({k: v for k, v in changes.items()})
    clean = clean_customer(merged)
    changed: list[str] = []
    stamp = now()
    for field in FIELDS:
        new = clean.get(field, "")
        old = merged["hetu"] if field == "hetu" else getattr(customer, field)
        if field == "hetu":
            old = hetu_of(session, customer)
        if new == old:
            continue
        changed.append(field)
        if field == "hetu":
            if new and _hetu_in_use(session, data_key(session).blind_index(new), customer.id):
                raise ValidationErrors([ValidationError("hetu", "validation.hetu_exists")])
            set_hetu(session, customer, new)
            old_shown, new_shown = "", ""  # the hetu never goes into history in clear
        else:
            setattr(customer, field, new)
            old_shown, new_shown = str(old or ""), str(new or "")
        session.add(
            FieldChange(
                customer_id=customer.id,
                field=field,
                old_value=old_shown,
                new_value=new_shown,
                source=history_source or "source.manual",
                source_recipient_id=source_recipient_id,
                changed_by=actor.username,
                changed_at=stamp,
            )
        )
    if "last_contact_on" in clean:
        customer.last_contact_on = clean["last_contact_on"]
    if changed:
        customer.search_text = build_search_text(customer)
        customer.updated_at = stamp
        customer.updated_by = actor.username
        if "hetu" in changed:
            _flush_hetu(session)
        audit.record(session, actor, audit_action, "customer", customer.id, changed)
        session.flush()
    return customer


def set_archived(session: Session, actor: Actor, customer_id: int, archived: bool) -> None:
    require(actor, Permission.CUSTOMERS)
    customer = get_customer(session, customer_id)
    require_editable(customer)
    if customer.archived == archived:
        return
    customer.archived = archived
    customer.updated_at = now()
    customer.updated_by = actor.username
    audit.record(
        session,
        actor,
        "customer.archive" if archived else "customer.unarchive",
        "customer",
        customer.id,
        ["archived"],
    )


def reveal_hetu(session: Session, actor: Actor, customer_id: int) -> str:
    """The hetu in clear for the screen or the clipboard: audited every time."""
    require(actor, Permission.HETU_REVEAL)
    customer = get_customer(session, customer_id)
    value = hetu_of(session, customer)
    audit.record(session, actor, "customer.reveal_hetu", "customer", customer.id, ["hetu"])
    return value


# --- objections -------------------------------------------------------------------------------


def set_objections(
    session: Session,
    actor: Actor,
    customer_id: int,
    kinds: Iterable[str],
    request_id: int | None = None,
    on: date | None = None,
) -> list[str]:
    """Make the customer's prohibitions exactly ``kinds``; returns the kinds that changed."""
    require(actor, Permission.CUSTOMERS)
    wanted = {validation.choice("objections", k, ObjectionKind) for k in kinds}
    customer = get_customer(session, customer_id)
    current = {o.kind: o for o in customer.objections}
    changed: list[str] = []
    for kind in ObjectionKind:
        if kind.value in wanted and kind.value not in current:
            customer.objections.append(
                Objection(
                    kind=kind.value,
                    set_on=on or today(),
                    request_id=request_id,
                    set_by=actor.username,
                )
            )
            changed.append(kind.value)
        elif kind.value not in wanted and kind.value in current:
            customer.objections.remove(current[kind.value])
            changed.append(kind.value)
    if changed:
        audit.record(
            session,
            actor,
            "customer.objections",
            "customer",
            customer.id,
            [f"objection.{k}" for k in changed],
        )
    return changed


def add_objections(
    session: Session,
    actor: Actor,
    customer_id: int,
    kinds: Iterable[str],
    request_id: int | None = None,
) -> list[str]:
    """Set prohibitions without clearing the others (an objection request)."""
    customer = get_customer(session, customer_id)
    existing = {o.kind for o in customer.objections}
    return set_objections(session, actor, customer_id, existing | set(kinds), request_id)


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectionRow:
    kind: str
    set_on: date
    request_id: int | None


@dataclass(frozen=True)
class HistoryRow:
    field: str
    old_value: str
    new_value: str
    source: str
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class CustomerDetail:
    id: int
    first_name: str
    last_name: str
    organisation: str
    email: str
    phone: str  # E.164
    street: str
    postal_code: str
    city: str
    country: str
    hetu_masked: str  # ``131052-****`` or ""
    has_hetu: bool
    source: str
    state: str
    archived: bool
    restricted_until: date | None
    created_at: datetime
    updated_at: datetime
    updated_by: str
    version: int
    objections: tuple[ObjectionRow, ...]

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def customer_detail(session: Session, actor: Actor, customer_id: int) -> CustomerDetail:
    require(actor, Permission.CUSTOMERS)
    c = get_customer(session, customer_id)
    hetu = hetu_of(session, c)
    return CustomerDetail(
        c.id,
        c.first_name,
        c.last_name,
        c.organisation,
        c.email,
        c.phone,
        c.street,
        c.postal_code,
        c.city,
        c.country,
        validation.mask_hetu(hetu) if hetu else "",
        bool(hetu),
        c.source,
        c.state,
        c.archived,
        c.restricted_until,
        c.created_at,
        c.updated_at,
        c.updated_by,
        c.version,
        tuple(
            ObjectionRow(o.kind, o.set_on, o.request_id)
            for o in sorted(c.objections, key=lambda o: o.kind)
        ),
    )


def customer_history(session: Session, actor: Actor, customer_id: int) -> list[HistoryRow]:
    require(actor, Permission.CUSTOMERS)
    rows = session.execute(
        select(FieldChange)
        .where(FieldChange.customer_id == customer_id)
        .order_by(FieldChange.changed_at.desc(), FieldChange.id.desc())
    ).scalars()
    return [
        HistoryRow(r.field, r.old_value, r.new_value, r.source, r.changed_by, r.changed_at)
        for r in rows
    ]


def count_customers(session: Session, active_only: bool = True) -> int:
    q = select(func.count(Customer.id))
    if active_only:
        q = q.where(Customer.archived.is_(False), Customer.state == CustomerState.ACTIVE.value)
    return int(session.execute(q).scalar_one())


def find_duplicate(session: Session, clean: Mapping[str, Any]) -> Customer | None:
    """The customer the given data describes: same hetu, else same email, else same name and
    postal code (the import's rule for not adding anyone twice)."""
    hetu = clean.get("hetu")
    if hetu:
        return session.execute(
            select(Customer)
            .where(Customer.hetu_index == data_key(session).blind_index(hetu))
            .limit(1)
        ).scalar_one_or_none()
    if clean.get("email"):
        found = session.execute(
            select(Customer).where(func.lower(Customer.email) == clean["email"].lower()).limit(1)
        ).scalar_one_or_none()
        if found is not None:
            return found
    return session.execute(
        select(Customer)
        .where(
            and_(
                func.lower(Customer.first_name) == clean["first_name"].lower(),
                func.lower(Customer.last_name) == clean["last_name"].lower(),
                Customer.postal_code == clean.get("postal_code", ""),
            )
        )
        .limit(1)
    ).scalar_one_or_none()
