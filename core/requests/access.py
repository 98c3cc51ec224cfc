"""Access [S15]: everything stored on the person, in one structure that the access-report PDF
and the JSON export both render. The only place where the hetu appears in clear."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.customers.service import get_customer, hetu_of
from core.documents.data import (
    AccessReportData,
    DisclosureRow,
    DocumentRow,
    FieldChangeRow,
    ObjectionRow,
    OrderRow,
    PersonData,
    RequestRow,
)
from core.errors import ValidationError
from core.legal_holds import order_retention_end
from core.models import (
    Customer,
    Disclosure,
    Document,
    FieldChange,
    Order,
    Request,
    RequestKind,
    RequestState,
)
from core.requests.erasure import addressee_of, signatory_of
from core.requests.workflow import StateError, complete, get_request, require_in_progress
from core.retention import contact_retention
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.settings import get_settings

# The states in which the person's data may be handed out: the signed request is on file
# (checked on the move to ``in_progress``) and the request was neither withdrawn nor refused.
DISCLOSABLE_STATES = frozenset({RequestState.IN_PROGRESS.value, RequestState.COMPLETED.value})


def require_disclosable(req: Request) -> None:
    """Nothing about the person before the signed request is on file (DESIGN.md section 3)."""
    if req.state not in DISCLOSABLE_STATES:
        raise StateError("error.req_access_not_disclosable", state=req.state)


def collect_access_data(session: Session, actor: Actor, request_id: int) -> AccessReportData:
    """All stored data on the person of the request: contact data with the hetu in clear,
    orders, sources and field history, disclosures and recipients, prohibitions, requests,
    documents sent, purposes and retention. Refused unless the request is in progress or
    completed (its signed request on file). Audited."""
    require(actor, Permission.ACCESS_REPORT)
    req = get_request(session, request_id)
    require_disclosable(req)
    if req.customer_id is None:
        raise ValidationError("customer", "validation.req_customer_required")
    c: Customer = get_customer(session, req.customer_id)
    settings = get_settings(session)
    person = PersonData(
        c.first_name,
        c.last_name,
        c.organisation,
        c.email,
        c.street,
        c.postal_code,
        c.city,
        c.country,
        c.phone,
        hetu_of(session, c),
        c.source,
        c.state,
        c.created_at,
        c.updated_at,
        c.restricted_until,
    )
    orders = tuple(
        OrderRow(
            o.number,
            o.ordered_on,
            o.item,
            o.amount,
            o.channel,
            o.invoice_state,
            o.archived,
            order_retention_end(session, o.ordered_on),
        )
        for o in session.execute(
            select(Order).where(Order.customer_id == c.id).order_by(Order.ordered_on, Order.id)
        ).scalars()
    )
    disclosures = tuple(
        DisclosureRow(
            d.recipient,
            d.purpose,
            d.disclosed_on,
            tuple(f.strip() for f in d.data_fields.split(",") if f.strip()),
            d.outside_eea,
            d.outside_eea_justification,
        )
        for d in session.execute(
            select(Disclosure)
            .where(Disclosure.customer_id == c.id)
            .order_by(Disclosure.disclosed_on, Disclosure.id)
        ).scalars()
    )
    objections = tuple(
        ObjectionRow(o.kind, o.set_on) for o in sorted(c.objections, key=lambda o: o.kind)
    )
    requests = tuple(
        RequestRow(r.number, r.kind, r.received_on, r.state)
        for r in session.execute(
            select(Request)
            .where(Request.customer_id == c.id)
            .order_by(Request.received_on, Request.id)
        ).scalars()
    )
    request_ids = list(
        session.execute(select(Request.id).where(Request.customer_id == c.id)).scalars()
    )
    doc_q = select(Document).where(
        or_(Document.customer_id == c.id, Document.request_id.in_(request_ids))
    )
    documents = tuple(
        DocumentRow(d.kind, d.created_at.date())
        for d in session.execute(doc_q.order_by(Document.id)).scalars()
    )
    history = tuple(
        FieldChangeRow(h.field, h.old_value, h.new_value, h.changed_at, h.source)
        for h in session.execute(
            select(FieldChange)
            .where(FieldChange.customer_id == c.id)
            .order_by(FieldChange.changed_at, FieldChange.id)
        ).scalars()
    )
    audit.record(
        session,
        actor,
        "customer.access_data",
        "customer",
        c.id,
        ["hetu", "orders", "disclosures", "objections", "requests", "field_changes"],
    )
    return AccessReportData(
        person=person,
        addressee=addressee_of(c),
        reference=req.number,
        received_on=req.received_on,
        orders=orders,
        disclosures=disclosures,
        objections=objections,
        requests=requests,
        documents=documents,
        field_history=history,
        purposes_text=settings.purposes_text or "",
        bookkeeping_retention_years=settings.bookkeeping_retention_years,
        signatory=signatory_of(actor),
        contact_retention=None if c.restricted_until else contact_retention(session, c.id),
    )


def finish_access(session: Session, actor: Actor, request_id: int) -> Request:
    """Complete an access request once its report has been produced; a person who is not in
    the register at all gets that answer ("no data")."""
    require(actor, Permission.ACCESS_REPORT)
    req = get_request(session, request_id)
    if req.kind != RequestKind.ACCESS.value:
        raise ValidationError("kind", "validation.invalid_choice")
    require_in_progress(req)
    if req.customer_id is None:
        complete(session, actor, req, "no_data")
        return req
    produced = session.execute(
        select(Document.id)
        .where(Document.request_id == req.id, Document.kind == "access_report")
        .limit(1)
    ).first()
    if produced is None:
        raise ValidationError("documents", "validation.req_report_missing")
    complete(session, actor, req, "completed")
    return req
