"""Erasure [S11][S17]: legal holds first, then erased, partly erased + restricted until the
last hold ends (purged automatically then), or refused with the reasons. Recipients of the
data are listed for notification (GDPR Art. 19). Marketing use stops at once whatever the
holds. Every erasure leaves an ``ErasureRecord`` so a restored backup can apply it again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import now, today
from core.customers.service import add_objections, get_customer
from core.customers.suppression import record_suppression
from core.customers.wipe import drop_orders_past_retention, wipe_customer
from core.documents.data import (
    Addressee,
    ErasureDecisionData,
    ErasureNoticeData,
    Letterhead,
    Signatory,
)
from core.errors import ValidationError
from core.i18n import format_date, t
from core.legal_holds import LegalHoldInfo, check_legal_holds
from core.models import (
    Customer,
    CustomerState,
    Disclosure,
    ErasureRecord,
    FieldChange,
    ObjectionKind,
    Recipient,
    Request,
    RequestKind,
    RequestState,
)
from core.recipients import require_addresses
from core.requests.workflow import complete, decide, get_request, move, require_in_progress
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.settings import get_settings


@dataclass(frozen=True)
class ErasureOutcome:
    outcome: str  # "erased" | "partly" | "refused"
    holds: tuple[LegalHoldInfo, ...]
    recipients: tuple[str, ...]  # Art. 19: to be notified
    restricted_until: date | None
    decision: ErasureDecisionData  # built before the data went: the letter to send
    # Art. 19: one notice per recipient of a disclosure, built before the data went.
    notices: tuple[ErasureNoticeData, ...] = ()


def recipients_of(session: Session, customer_id: int) -> tuple[str, ...]:
    """The recipients of the customer's disclosures by their register names (the names their
    notices carry), oldest disclosure first."""
    names = session.execute(
        select(func.coalesce(Recipient.name, Disclosure.recipient))
        .select_from(Disclosure)
        .outerjoin(Recipient, Recipient.id == Disclosure.recipient_id)
        .where(Disclosure.customer_id == customer_id)
        .order_by(Disclosure.disclosed_on, Disclosure.id)
    ).scalars()
    return tuple(dict.fromkeys(names))


def addressee_of(customer: Customer) -> Addressee:
    return Addressee(
        f"{customer.first_name} {customer.last_name}".strip(),
        customer.organisation,
        customer.street,
        customer.postal_code,
        customer.city,
        customer.country or "FI",
    )


def addressee_of_recipient(recipient: Recipient) -> Addressee:
    return Addressee(
        recipient.name,
        "",
        recipient.street,
        recipient.postal_code,
        recipient.city,
        recipient.country or "FI",
    )


def addressee_from_text(name: str, address: str) -> Addressee:
    """An addressee from a name and a free-text address ("street\\n00100 City")."""
    lines = [line.strip() for line in (address or "").splitlines() if line.strip()]
    street = lines[0] if lines else ""
    postal, city = "", ""
    if len(lines) > 1:
        m = re.match(r"^(\d{5})\s+(.+)$", lines[1])
        postal, city = (m.group(1), m.group(2)) if m else ("", lines[1])
    return Addressee(name, "", street, postal, city)


def erasure_notices(
    session: Session,
    req: Request,
    customer: Customer,
    actor: Actor,
    outcome: str,
    until: date | None = None,
) -> tuple[ErasureNoticeData, ...]:
    """One Art. 19 notice per register entry the customer's data was disclosed to: the data
    items disclosed to it (the union over its disclosures) and the latest disclosure date."""
    by_recipient = disclosures_by_recipient(session, customer.id)
    require_addresses(by_recipient)
    name = f"{customer.first_name} {customer.last_name}".strip()
    notices = []
    for recipient, rows in by_recipient.items():
        fields = dict.fromkeys(
            f.strip() for d in rows for f in (d.data_fields or "").split(",") if f.strip()
        )
        notices.append(
            ErasureNoticeData(
                recipient=addressee_of_recipient(recipient),
                signatory=signatory_of(actor),
                subject_name=name,
                data_fields=tuple(fields),
                outcome=outcome,
                retention_until=until,
                disclosed_on=rows[-1].disclosed_on,
                reference=req.number,
                issued_on=today(),
            )
        )
    return tuple(notices)


def disclosures_by_recipient(
    session: Session, customer_id: int
) -> dict[Recipient, list[Disclosure]]:
    """The customer's disclosures per register entry, oldest first."""
    out: dict[Recipient, list[Disclosure]] = {}
    for d, r in session.execute(
        select(Disclosure, Recipient)
        .join(Recipient, Recipient.id == Disclosure.recipient_id)
        .where(Disclosure.customer_id == customer_id)
        .order_by(Disclosure.disclosed_on, Disclosure.id)
    ):
        out.setdefault(r, []).append(d)
    return out


def check_notice_addresses(session: Session, customer_id: int) -> None:
    """Refuse (``RecipientIncomplete``) before anything is erased when a recipient of the
    customer's data has no postal address for its Art. 19 notice."""
    require_addresses(disclosures_by_recipient(session, customer_id))


def signatory_of(actor: Actor) -> Signatory:
    return Signatory(actor.full_name or actor.username, actor.title, actor.title_en)


def letterhead(session: Session) -> Letterhead:
    return Letterhead.from_settings(get_settings(session))


def decision_data(
    req: Request,
    customer: Customer,
    actor: Actor,
    outcome: str,
    holds: list[LegalHoldInfo],
    recipients: tuple[str, ...],
    session: Session,
    extra_reasons: str = "",
) -> ErasureDecisionData:
    lang = req.language
    kept: tuple[str, ...] = ()
    reasons = ""
    until = None
    if outcome == "partly":
        retention = [h for h in holds if h.kind == "accounting_retention"]
        until = max(h.until for h in retention if h.until)
        orders = [n for h in retention for n in h.order_numbers]
        years = sorted({int(n[:4]) for n in orders if n[:4].isdigit()})
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
        kept = (
            t("req.erasure.kept_name", lang),
            t("req.erasure.kept_orders", lang, years=span, count=len(orders)),
            *(
                t("req.erasure.kept_order_until", lang, number=n, date=format_date(h.until, lang))
                for h in retention
                if h.until
                for n in h.order_numbers
            ),
        )
        reasons = t(
            "req.erasure.partly_reason",
            lang,
            years=get_settings(session).bookkeeping_retention_years,
        )
    elif outcome == "refused":
        reasons = "\n".join(h.reason[:1].upper() + h.reason[1:] for h in holds if h.blocks)
    if extra_reasons:
        reasons = f"{reasons}\n{extra_reasons}".strip()
    return ErasureDecisionData(
        addressee=addressee_of(customer),
        signatory=signatory_of(actor),
        outcome=outcome,
        request_kind=req.kind,
        retention_until=until,
        kept=kept,
        reasons=reasons,
        recipients_notified=(),  # the notices actually produced fill it in
        reference=req.number,
        received_on=req.received_on,
        issued_on=today(),
    )


def check_decidable(session: Session, actor: Actor, request_id: int, kind: str) -> Request:
    require(actor, Permission.ERASE)
    require(actor, Permission.REQUEST_DECIDE)
    req = get_request(session, request_id)
    if req.kind != kind:
        raise ValidationError("kind", "validation.invalid_choice")
    require_in_progress(req)
    if req.customer_id is None:
        raise ValidationError("customer", "validation.req_customer_required")
    return req


def stop_marketing(
    session: Session, actor: Actor, customer_id: int, request_id: int | None
) -> None:
    """Every prohibition at once: the person gets no marketing whatever else happens."""
    add_objections(session, actor, customer_id, [k.value for k in ObjectionKind], request_id)


def refuse_for_holds(
    session: Session,
    actor: Actor,
    req: Request,
    customer: Customer,
    holds: list[LegalHoldInfo],
    recipients: tuple[str, ...],
    reasons: str,
) -> ErasureOutcome:
    data = decision_data(req, customer, actor, "refused", holds, recipients, session, reasons)
    stop_marketing(session, actor, customer.id, req.id)
    decide(req, actor, "refused", data.reasons)
    move(
        session,
        actor,
        req,
        RequestState.REFUSED.value,
        ["decision", "decision_reasons", "decided_by_id"],
    )
    return ErasureOutcome("refused", tuple(holds), recipients, None, data)


def erase(session: Session, actor: Actor, request_id: int, reasons: str = "") -> ErasureOutcome:
    """Carry out an erasure request after checking the legal holds (manager only)."""
    req = check_decidable(session, actor, request_id, RequestKind.ERASURE.value)
    customer = get_customer(session, req.customer_id)  # type: ignore[arg-type]
    holds = check_legal_holds(session, customer.id, req.language)
    recipients = recipients_of(session, customer.id)
    if any(h.blocks for h in holds):
        return refuse_for_holds(session, actor, req, customer, holds, recipients, reasons)
    check_notice_addresses(session, customer.id)
    outcome = "partly" if holds else "erased"
    data = decision_data(req, customer, actor, outcome, holds, recipients, session, reasons)
    complete(session, actor, req, outcome, data.reasons)
    if outcome == "erased":
        notices = erasure_notices(session, req, customer, actor, "erased")
        erase_customer(session, actor, customer.id, req.id, "erased")
        return ErasureOutcome("erased", (), recipients, None, data, notices)
    until = max(h.until for h in holds if h.until)
    notices = erasure_notices(session, req, customer, actor, "partly", until)
    restrict_customer(session, actor, customer.id, req.id, until)
    return ErasureOutcome("partly", tuple(holds), recipients, until, data, notices)


# --- what is removed --------------------------------------------------------------------------


def record_erasure(
    session: Session, actor: Actor, customer_id: int, action: str, request_id: int | None
) -> None:
    session.add(
        ErasureRecord(
            customer_id=customer_id,
            action=action,
            request_id=request_id,
            performed_at=now(),
            performed_by=actor.username,
        )
    )


def erase_customer(
    session: Session, actor: Actor, customer_id: int, request_id: int | None, action: str = "erased"
) -> None:
    """Remove the person entirely: customer row, orders, history, prohibitions; requests
    become tombstones with a pseudonymous reference; disclosures lose the link. The blind
    indexes of the hetu and email stay on the suppression list."""
    require(actor, Permission.ERASE)
    record_suppression(session, get_customer(session, customer_id))
    _erase_customer(session, actor, customer_id, request_id, action)


def _erase_customer(
    session: Session, actor: Actor, customer_id: int, request_id: int | None, action: str
) -> None:
    wiped = wipe_customer(session, customer_id, "delete")
    record_erasure(session, actor, customer_id, action, request_id)
    audit.record(session, actor, f"customer.{action}", "customer", customer_id, wiped)
    session.flush()


def restrict_customer(
    session: Session, actor: Actor, customer_id: int, request_id: int | None, until: date
) -> None:
    """Keep what accounting needs (name, organisation, orders) and restrict processing until
    ``until``; contact data, hetu, history, prohibitions and scans go now."""
    require(actor, Permission.ERASE)
    customer = get_customer(session, customer_id)
    record_suppression(session, customer)  # the hetu and email go now, the rest at the purge
    wiped = wipe_customer(session, customer_id, "restrict", pseudonym="", until=until)
    customer.updated_at = now()
    customer.updated_by = actor.username
    session.add(
        FieldChange(
            customer_id=customer.id,
            field="*",
            source="erasure.partly",
            changed_by=actor.username,
            changed_at=now(),
        )
    )
    record_erasure(session, actor, customer_id, "partly_erased", request_id)
    audit.record(session, actor, "customer.partly_erased", "customer", customer_id, wiped)
    session.flush()


def lift_restriction(session: Session, actor: Actor, customer_id: int) -> Customer:
    """A manager lifts a customer's processing restriction (GDPR Art. 18(3)): the customer is
    active and can be changed again; what the partial erasure removed stays removed."""
    require(actor, Permission.ERASE)
    customer = get_customer(session, customer_id)
    if customer.state != CustomerState.RESTRICTED.value:
        raise ValidationError("state", "validation.customer_not_restricted")
    customer.state = CustomerState.ACTIVE.value
    customer.restricted_until = None
    customer.updated_at = now()
    customer.updated_by = actor.username
    audit.record(
        session,
        actor,
        "customer.restriction_lifted",
        "customer",
        customer.id,
        ["state", "restricted_until"],
    )
    session.flush()
    return customer


def purge_expired_restrictions(session: Session, actor: Actor) -> list[int]:
    """At every login (``core.login``) and from the Retention page: erase restricted customers
    whose holds have ended (recorded as "purged"); a customer with a hold still in force keeps
    it, its date moved to the new end."""
    require(actor, Permission.RETENTION)
    purged: list[int] = []
    due = (
        session.execute(
            select(Customer).where(
                Customer.state == CustomerState.RESTRICTED.value,
                Customer.restricted_until < today(),
            )
        )
        .scalars()
        .all()
    )
    for customer in due:
        holds = check_legal_holds(session, customer.id)
        if not holds:
            # The end of a restriction is the register's rule, not the user's decision: it
            # runs at any user's login.
            _erase_customer(session, actor, customer.id, None, "purged")
            purged.append(customer.id)
        elif not any(h.blocks for h in holds):
            drop_orders_past_retention(session, customer.id)
            customer.restricted_until = max(h.until for h in holds if h.until)
            audit.record(
                session,
                actor,
                "customer.restriction_extended",
                "customer",
                customer.id,
                ["restricted_until"],
            )
    return purged
