"""Read-only views of one customer for the customer screen: their requests and disclosures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Disclosure, Request
from core.security.permissions import Actor, Permission, require


@dataclass(frozen=True)
class CustomerRequestRow:
    id: int
    number: str
    kind: str
    state: str
    received_on: date
    due_on: date  # the extended due date when the request was extended


@dataclass(frozen=True)
class CustomerDisclosureRow:
    id: int
    recipient: str
    purpose: str
    disclosed_on: date
    data_fields: tuple[str, ...]
    outside_eea: bool


def customer_requests(session: Session, actor: Actor, customer_id: int) -> list[CustomerRequestRow]:
    """The customer's data-subject requests, newest first."""
    require(actor, Permission.CUSTOMERS)
    rows = session.execute(
        select(Request)
        .where(Request.customer_id == customer_id)
        .order_by(Request.received_on.desc(), Request.id.desc())
    ).scalars()
    return [
        CustomerRequestRow(
            r.id, r.number, r.kind, r.state, r.received_on, r.extended_due_on or r.due_on
        )
        for r in rows
    ]


def customer_disclosures(
    session: Session, actor: Actor, customer_id: int
) -> list[CustomerDisclosureRow]:
    """Who the customer's data was handed to [S9][S10], newest first."""
    require(actor, Permission.CUSTOMERS)
    rows = session.execute(
        select(Disclosure)
        .where(Disclosure.customer_id == customer_id)
        .order_by(Disclosure.disclosed_on.desc(), Disclosure.id.desc())
    ).scalars()
    return [
        CustomerDisclosureRow(
            d.id,
            d.recipient,
            d.purpose,
            d.disclosed_on,
            tuple(f for f in d.data_fields.split(",") if f),
            d.outside_eea,
        )
        for d in rows
    ]
