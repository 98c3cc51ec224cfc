"""Disclosures [S9][S10]: who got which data, why, when; correction notices go to them [S16]."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import validation
from core.clock import today
from core.customers.service import FIELDS, get_customer
from core.errors import ValidationError, ValidationErrors
from core.models import Disclosure, DisclosurePurpose, Recipient, TransferJustification
from core.recipients import recipient_row
from core.security import audit
from core.security.permissions import Actor, Permission, require

# What may be disclosed: the customer's fields and their orders.
DISCLOSABLE = (*FIELDS, "orders")


def record_disclosure(
    session: Session,
    actor: Actor,
    customer_id: int,
    recipient_id: int,
    purpose: str,
    data_fields: Iterable[str],
    outside_eea: bool = False,
    justification: str = "",
    *,
    disclosed_on: date | None = None,
) -> Disclosure:
    """Record data handed to an entry of the recipient register. Only the purposes of [S9]/[S10]
    are accepted; a transfer outside the EU/EEA needs the one justification [S10] allows, a
    ``TransferJustification`` (the technical implementation of the company or its partner)."""
    require(actor, Permission.CUSTOMERS)
    customer = get_customer(session, customer_id)
    errors: list[ValidationError] = []
    fields = [f.strip() for f in data_fields if f and f.strip()]
    recipient = session.get(Recipient, recipient_id) if recipient_id else None
    if recipient is None:
        errors.append(ValidationError("recipient", "validation.required"))
    try:
        purpose = validation.choice("purpose", purpose, DisclosurePurpose)
    except ValidationError as exc:
        errors.append(exc)
    if not fields:
        errors.append(ValidationError("data_fields", "validation.required"))
    if any(f not in DISCLOSABLE for f in fields):
        errors.append(ValidationError("data_fields", "validation.invalid_choice"))
    reason = (justification or "").strip()
    if outside_eea and not reason:
        errors.append(
            ValidationError("outside_eea_justification", "validation.req_justification_required")
        )
    elif outside_eea:
        try:
            reason = validation.choice("outside_eea_justification", reason, TransferJustification)
        except ValidationError as exc:
            errors.append(exc)
    when = disclosed_on or today()
    if when > today():
        errors.append(ValidationError("disclosed_on", "validation.date_in_future"))
    if errors or recipient is None:
        raise ValidationErrors(errors)
    row = Disclosure(
        customer_id=customer.id,
        recipient_id=recipient.id,
        # The name and address as they were at the time (the register entry may change).
        recipient=recipient.name,
        recipient_address=recipient_row(recipient).address_text,
        purpose=purpose,
        disclosed_on=when,
        data_fields=",".join(dict.fromkeys(fields)),
        outside_eea=bool(outside_eea),
        outside_eea_justification=reason if outside_eea else "",
        created_by=actor.username,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "disclosure.create",
        "customer",
        customer.id,
        ["recipient_id", "purpose", "data_fields", "outside_eea"],
    )
    return row


@dataclass(frozen=True)
class DisclosureInfo:
    id: int
    recipient: str
    recipient_address: str
    purpose: str
    disclosed_on: date
    data_fields: tuple[str, ...]
    outside_eea: bool
    justification: str


def list_disclosures(session: Session, actor: Actor, customer_id: int) -> list[DisclosureInfo]:
    require(actor, Permission.CUSTOMERS)
    rows = session.execute(
        select(Disclosure)
        .where(Disclosure.customer_id == customer_id)
        .order_by(Disclosure.disclosed_on.desc(), Disclosure.id.desc())
    )
    return [
        DisclosureInfo(
            d.id,
            d.recipient,
            d.recipient_address,
            d.purpose,
            d.disclosed_on,
            tuple(f for f in d.data_fields.split(",") if f),
            d.outside_eea,
            d.outside_eea_justification,
        )
        for d in rows.scalars()
    ]
