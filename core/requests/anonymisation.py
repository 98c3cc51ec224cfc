"""Anonymisation [S17]: identifying fields removed, orders kept for statistics [S4]."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.clock import now
from core.customers.service import get_customer
from core.customers.suppression import record_suppression
from core.customers.wipe import wipe_customer
from core.legal_holds import check_legal_holds
from core.models import RequestKind
from core.requests.erasure import (
    ErasureOutcome,
    check_decidable,
    check_notice_addresses,
    decision_data,
    erasure_notices,
    recipients_of,
    record_erasure,
    refuse_for_holds,
)
from core.requests.workflow import complete
from core.security import audit
from core.security.permissions import Actor, Permission, require


def anonymise(session: Session, actor: Actor, request_id: int, reasons: str = "") -> ErasureOutcome:
    """Carry out an anonymisation request (manager only). Refused while an invoice is open
    or in collection (the debt needs a debtor); else names, organisation, contact data and
    hetu go, history values and prohibitions go, the orders stay without a person."""
    req = check_decidable(session, actor, request_id, RequestKind.ANONYMISATION.value)
    customer = get_customer(session, req.customer_id)  # type: ignore[arg-type]
    holds = check_legal_holds(session, customer.id, req.language)
    recipients = recipients_of(session, customer.id)
    if any(h.blocks for h in holds):
        return refuse_for_holds(session, actor, req, customer, holds, recipients, reasons)
    check_notice_addresses(session, customer.id)
    data = decision_data(req, customer, actor, "erased", holds, recipients, session, reasons)
    complete(session, actor, req, "anonymised", data.reasons)
    notices = erasure_notices(session, req, customer, actor, "erased")
    anonymise_customer(session, actor, customer.id, req.id)
    return ErasureOutcome("erased", tuple(holds), recipients, None, data, notices)


def anonymise_customer(
    session: Session, actor: Actor, customer_id: int, request_id: int | None
) -> None:
    require(actor, Permission.ERASE)
    customer = get_customer(session, customer_id)
    record_suppression(session, customer)
    wiped = wipe_customer(session, customer_id, "anonymise")
    customer.updated_at = now()
    customer.updated_by = actor.username
    record_erasure(session, actor, customer_id, "anonymised", request_id)
    audit.record(session, actor, "customer.anonymised", "customer", customer_id, wiped)
    session.flush()
