"""Anonymisation [S17]: identifying fields removed, orders kept for statistics [S4]."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core import audit
from core.auth import Actor
from core.clock import now
from core.customers import get_customer
from core.models import CustomerState, RequestKind
from core.requests.erasure import (
    ErasureOutcome,
    check_decidable,
    check_legal_holds,
    decision_data,
    forget_links,
    forget_requests,
    recipients_of,
    record_erasure,
    refuse_for_holds,
)
from core.requests.workflow import complete

# What a name becomes: a neutral token, the same for everyone, in no language.
ANONYMOUS = "***"


def anonymise(session: Session, actor: Actor, request_id: int,
              reasons: str = "") -> ErasureOutcome:
    """Carry out an anonymisation request (manager only). Refused while an invoice is open
    or in collection (the debt needs a debtor); else names, organisation, contact data and
    hetu go, history values and prohibitions go, the orders stay without a person."""
    req = check_decidable(session, actor, request_id, RequestKind.ANONYMISATION.value)
    customer = get_customer(session, req.customer_id)  # type: ignore[arg-type]
    holds = check_legal_holds(session, customer.id, req.language)
    recipients = recipients_of(session, customer.id)
    if any(h.blocks for h in holds):
        return refuse_for_holds(session, actor, req, customer, holds, recipients, reasons)
    data = decision_data(req, customer, actor, "erased", holds, recipients, session, reasons)
    complete(session, actor, req, "anonymised", data.reasons)
    anonymise_customer(session, actor, customer.id, req.id)
    return ErasureOutcome("erased", tuple(holds), recipients, None, data)


def anonymise_customer(session: Session, actor: Actor, customer_id: int,
                       request_id: int | None) -> None:
    customer = get_customer(session, customer_id)
    forget_requests(session, customer_id, f"A-{customer_id}", detach=False)
    forget_links(session, customer_id)
    customer.first_name = customer.last_name = ANONYMOUS
    customer.organisation = customer.email = customer.phone = customer.street = ""
    customer.postal_code = customer.city = ""
    customer.hetu_encrypted = None
    customer.hetu_index = None
    customer.search_text = ""
    customer.state = CustomerState.ANONYMISED.value
    customer.restricted_until = None
    customer.updated_at = now()
    customer.updated_by = actor.username
    record_erasure(session, actor, customer_id, "anonymised", request_id)
    audit.record(session, actor, "customer.anonymised", "customer", customer_id,
                 ["first_name", "last_name", "organisation", "email", "phone", "street",
                  "postal_code", "city", "hetu", "field_changes", "objections",
                  "disclosures.customer", "attachments", "state"])
    session.flush()
