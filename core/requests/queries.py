"""Reading requests: the list with days left, the due-soon warning, one request in full."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth import Actor, Permission, require
from core.clock import today
from core.models import Customer, Document, Request, User
from core.requests.intake import shown_requested_value
from core.requests.workflow import OPEN_STATES, effective_due, get_request


@dataclass(frozen=True)
class RequestRow:
    """One line of the request list."""

    id: int
    number: str
    kind: str
    state: str
    person: str
    customer_id: int | None
    received_on: date
    due_on: date  # the effective due date (extended when extended)
    days_left: int
    extended: bool

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.days_left < 0


def _person(req: Request, customer: Customer | None) -> str:
    if customer is not None:
        return f"{customer.first_name} {customer.last_name}".strip()
    return req.subject_name or req.subject_email or req.pseudonym


def _rows(session: Session, q) -> list[RequestRow]:  # type: ignore[no-untyped-def]
    current = today()
    out = []
    for req, customer in session.execute(q).all():
        due = effective_due(req)
        out.append(RequestRow(req.id, req.number, req.kind, req.state, _person(req, customer),
                              req.customer_id, req.received_on, due, (due - current).days,
                              req.extended_due_on is not None))
    return out


def _base():  # type: ignore[no-untyped-def]
    return select(Request, Customer).outerjoin(Customer, Customer.id == Request.customer_id)


def list_requests(session: Session, actor: Actor, *, states: Iterable[str] | None = None,
                  kinds: Iterable[str] | None = None, open_only: bool = False,
                  customer_id: int | None = None) -> list[RequestRow]:
    """Open requests first by due date, then closed ones newest first."""
    require(actor, Permission.REQUEST_INTAKE)
    q = _base()
    if states:
        q = q.where(Request.state.in_(list(states)))
    if open_only:
        q = q.where(Request.state.in_(OPEN_STATES))
    if kinds:
        q = q.where(Request.kind.in_(list(kinds)))
    if customer_id is not None:
        q = q.where(Request.customer_id == customer_id)
    rows = _rows(session, q)
    rows.sort(key=lambda r: (not r.is_open, r.due_on.toordinal() if r.is_open
                             else -r.received_on.toordinal(), r.number))
    return rows


def requests_due_within(session: Session, actor: Actor, days: int = 7) -> list[RequestRow]:
    """Open requests due within ``days`` days, overdue ones included (the login warning)."""
    require(actor, Permission.REQUEST_INTAKE)
    return [r for r in list_requests(session, actor, open_only=True) if r.days_left <= days]


def overdue_requests(session: Session, actor: Actor) -> list[RequestRow]:
    return [r for r in list_requests(session, actor, open_only=True) if r.overdue]


@dataclass(frozen=True)
class ItemRow:
    id: int
    field: str
    current_value: str
    requested_value: str  # the hetu masked
    grounds: str
    decision: str
    reason: str
    decided_by: str


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class DocumentInfo:
    kind: str
    language: str
    filename: str
    created_by: str
    created_at: datetime
    sha256: str


@dataclass(frozen=True)
class RequestDetail:
    id: int
    number: str
    kind: str
    state: str
    person: str
    customer_id: int | None
    subject_name: str
    subject_email: str
    subject_address: str
    pseudonym: str
    received_on: date
    channel: str
    language: str
    signed_on_file: bool
    original_location: str
    identity_checked_by: str
    identity_method: str
    due_on: date
    extended_due_on: date | None
    extension_reasons: str
    effective_due_on: date
    days_left: int
    decision: str
    decision_reasons: str
    decided_by: str
    decided_at: datetime | None
    created_by: str
    items: tuple[ItemRow, ...]
    attachments: tuple[AttachmentRow, ...]
    documents: tuple[DocumentInfo, ...]
    version: int

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


def _user_name(session: Session, user_id: int | None) -> str:
    if not user_id:
        return ""
    user = session.get(User, user_id)
    return user.full_name if user else ""


def _full_name(session: Session, username: str) -> str:
    user = session.execute(select(User).where(User.username_key == username.lower())
                           ).scalar_one_or_none()
    return user.full_name if user else username


def request_detail(session: Session, actor: Actor, request_id: int) -> RequestDetail:
    require(actor, Permission.REQUEST_INTAKE)
    req = get_request(session, request_id)
    customer = session.get(Customer, req.customer_id) if req.customer_id else None
    due = effective_due(req)
    items = tuple(ItemRow(i.id, i.field, i.current_value, shown_requested_value(session, i),
                          i.grounds, i.decision, i.reason, _user_name(session, i.decided_by_id))
                  for i in req.items)
    attachments = tuple(AttachmentRow(a.id, a.filename, a.media_type, len(a.content or b""),
                                      a.sha256, a.added_by, a.added_at)
                        for a in req.attachments)
    docs = tuple(DocumentInfo(d.kind, d.language, d.filename, d.created_by, d.created_at,
                              d.sha256)
                 for d in session.execute(select(Document).where(Document.request_id == req.id)
                                          .order_by(Document.id)).scalars())
    return RequestDetail(
        req.id, req.number, req.kind, req.state, _person(req, customer), req.customer_id,
        req.subject_name, req.subject_email, req.subject_address, req.pseudonym,
        req.received_on, req.channel, req.language, req.signed_on_file, req.original_location,
        _user_name(session, req.identity_checked_by_id), req.identity_method, req.due_on,
        req.extended_due_on, req.extension_reasons, due, (due - today()).days, req.decision,
        req.decision_reasons, _user_name(session, req.decided_by_id), req.decided_at,
        _full_name(session, req.created_by), items, attachments, docs, req.version)


def attachment_content(session: Session, actor: Actor, attachment_id: int) -> tuple[str, bytes]:
    """The scan itself (filename, bytes) for viewing."""
    from core.errors import NotFound
    from core.models import RequestAttachment

    require(actor, Permission.REQUEST_INTAKE)
    row = session.get(RequestAttachment, attachment_id)
    if row is None:
        raise NotFound("error.req_not_found", id=attachment_id)
    return row.filename, row.content
