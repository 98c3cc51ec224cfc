"""The one place that removes a customer's personal data: ``wipe_customer``.

Retention (core/retention.py), erasure and anonymisation requests, and a restore that
re-applies earlier erasures all call this function, so "what erasure removes" is defined once.

- ``delete``: the customer row goes, with its objections and field history; requests made by
  the person lose their intake details and signed scans and keep only a pseudonymous reference
  (the tombstone); disclosures and documents stay as records without the customer. A customer
  with orders cannot be deleted (accounting keeps them): that raises ``LegalHold``.
- ``anonymise``: identifying fields are blanked, the hetu removed, field-history values wiped,
  objections removed; orders stay (statistics [S4]) and the row is marked ``anonymised``.

Callers check permissions and legal holds, write the ``ErasureRecord`` and the audit entry.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from core.customers import get_customer
from core.errors import LegalHold
from core.i18n import t
from core.models import (
    Customer,
    CustomerState,
    FieldChange,
    Objection,
    Order,
    Request,
    RequestAttachment,
    RequestItem,
)

Mode = Literal["delete", "anonymise"]

# The fields anonymisation blanks (country and source are not identifying; kept for [S4]).
IDENTIFYING = ("first_name", "last_name", "organisation", "email", "street", "postal_code",
               "city", "phone")

# What an anonymised customer's name becomes: the same neutral token for everyone.
ANONYMOUS = "***"

# ErasureRecord.action -> the wipe a restore re-applies (None: nothing to re-apply here).
MODE_FOR_ACTION: dict[str, Mode] = {
    "erased": "delete",
    "purged": "delete",
    "retention_deleted": "delete",
    "anonymised": "anonymise",
}


def pseudonym_for(customer_id: int) -> str:
    """A stable reference that no longer says who the person was."""
    return "ANON-" + hashlib.sha256(f"customer:{customer_id}".encode()).hexdigest()[:12].upper()


def _wipe_requests(session: Session, customer_id: int) -> None:
    request_ids = select(Request.id).where(Request.customer_id == customer_id)
    session.execute(delete(RequestAttachment).where(RequestAttachment.request_id.in_(request_ids))
                    .execution_options(synchronize_session=False))
    session.execute(update(RequestItem).where(RequestItem.request_id.in_(request_ids))
                    .values(current_value="", requested_value="")
                    .execution_options(synchronize_session=False))
    session.execute(update(Request).where(Request.customer_id == customer_id)
                    .values(subject_name="", subject_email="", subject_address="",
                            pseudonym=pseudonym_for(customer_id))
                    .execution_options(synchronize_session=False))


def wipe_customer(session: Session, customer_id: int, mode: Mode) -> list[str]:
    """Remove the customer's personal data (see the module text); returns what was wiped
    (field names, for the audit entry)."""
    if mode not in ("delete", "anonymise"):
        raise ValueError(f"unknown wipe mode {mode!r}")
    customer = get_customer(session, customer_id)
    session.flush()
    has_orders = session.execute(
        select(func.count(Order.id)).where(Order.customer_id == customer_id)
    ).scalar_one() > 0
    if mode == "delete" and has_orders:
        raise LegalHold("error.legal_hold", reason=t("data.wipe_has_orders"))
    wiped = [f for f in IDENTIFYING if getattr(customer, f)]
    if customer.hetu_encrypted:
        wiped.append("hetu")
    if customer.objections:
        wiped.append("objections")
    _wipe_requests(session, customer_id)
    if mode == "delete":
        session.execute(update(Request).where(Request.customer_id == customer_id)
                        .values(customer_id=None).execution_options(synchronize_session=False))
        session.execute(delete(FieldChange).where(FieldChange.customer_id == customer_id)
                        .execution_options(synchronize_session=False))
        session.delete(customer)
        session.flush()
        return [*wiped, "history", "customer"]
    session.execute(update(FieldChange).where(FieldChange.customer_id == customer_id)
                    .values(old_value="", new_value="")
                    .execution_options(synchronize_session=False))
    session.execute(delete(Objection).where(Objection.customer_id == customer_id)
                    .execution_options(synchronize_session=False))
    session.expire(customer, ["objections"])
    for field in IDENTIFYING:
        setattr(customer, field, "")
    customer.first_name = customer.last_name = ANONYMOUS
    customer.hetu_encrypted = None
    customer.hetu_index = None
    customer.search_text = ""
    customer.state = CustomerState.ANONYMISED.value
    customer.restricted_until = None
    session.flush()
    return [*wiped, "history"]


def is_wiped(session: Session, customer_id: int) -> bool:
    """True when no personal data of the customer remains (a restore's check)."""
    c = session.get(Customer, customer_id)
    return c is None or c.state == CustomerState.ANONYMISED.value
