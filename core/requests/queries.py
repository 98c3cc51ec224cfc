"""Reading requests: the list with days left, the due-soon warning, one request in full."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import today
from core.models import Customer, Document, ItemDecision, Request, RequestKind, RequestState, User
from core.requests.intake import shown_requested_value
from core.requests.workflow import DUE_SOON_DAYS, OPEN_STATES, effective_due, get_request
from core.security.permissions import Actor, Permission, require


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

    @property
    def urgency(self) -> str:
        return urgency(self.state, self.days_left)


def urgency(state: str, days_left: int) -> str:
    """ "overdue", "soon" (due within ``DUE_SOON_DAYS``) or "" for a request in this state."""
    if state not in OPEN_STATES:
        return ""
    if days_left < 0:
        return "overdue"
    return "soon" if days_left <= DUE_SOON_DAYS else ""


def _person(req: Request, customer: Customer | None) -> str:
    if customer is not None:
        return f"{customer.first_name} {customer.last_name}".strip()
    return req.subject_name or req.subject_email or req.pseudonym


def _rows(session: Session, q) -> list[RequestRow]:  # type: ignore[no-untyped-def]
    current = today()
    out = []
    for req, customer in session.execute(q).all():
        due = effective_due(req)
        out.append(
            RequestRow(
                req.id,
                req.number,
                req.kind,
                req.state,
                _person(req, customer),
                req.customer_id,
                req.received_on,
                due,
                (due - current).days,
                req.extended_due_on is not None,
            )
        )
    return out


def _base():  # type: ignore[no-untyped-def]
    return select(Request, Customer).outerjoin(Customer, Customer.id == Request.customer_id)


def list_requests(
    session: Session,
    actor: Actor,
    *,
    states: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    open_only: bool = False,
    customer_id: int | None = None,
) -> list[RequestRow]:
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
    rows.sort(
        key=lambda r: (
            not r.is_open,
            r.due_on.toordinal() if r.is_open else -r.received_on.toordinal(),
            r.number,
        )
    )
    return rows


def _due_within(days: int):  # type: ignore[no-untyped-def]
    due = func.coalesce(Request.extended_due_on, Request.due_on)
    return (Request.state.in_(OPEN_STATES), due <= today() + timedelta(days=days))


def requests_due_within(
    session: Session, actor: Actor, days: int = DUE_SOON_DAYS
) -> list[RequestRow]:
    """Open requests due within ``days`` days, overdue ones included, the soonest first
    (the login warning)."""
    require(actor, Permission.REQUEST_INTAKE)
    rows = _rows(session, _base().where(*_due_within(days)))
    return sorted(rows, key=lambda r: (r.due_on, r.number))


def count_requests_due_within(session: Session, actor: Actor, days: int = DUE_SOON_DAYS) -> int:
    """How many open requests are due within ``days`` days (the status bar)."""
    require(actor, Permission.REQUEST_INTAKE)
    return int(
        session.execute(select(func.count(Request.id)).where(*_due_within(days))).scalar_one()
    )


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
    actions: frozenset[str] = frozenset()  # what this user may do now (``request_actions``)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def urgency(self) -> str:
        return urgency(self.state, self.days_left)


def _user_name(session: Session, user_id: int | None) -> str:
    if not user_id:
        return ""
    user = session.get(User, user_id)
    return user.full_name if user else ""


def _full_name(session: Session, username: str) -> str:
    user = session.execute(
        select(User).where(User.username_key == username.lower())
    ).scalar_one_or_none()
    return user.full_name if user else username


def request_detail(session: Session, actor: Actor, request_id: int) -> RequestDetail:
    require(actor, Permission.REQUEST_INTAKE)
    req = get_request(session, request_id)
    customer = session.get(Customer, req.customer_id) if req.customer_id else None
    due = effective_due(req)
    items = tuple(
        ItemRow(
            i.id,
            i.field,
            i.current_value,
            shown_requested_value(session, i),
            i.grounds,
            i.decision,
            i.reason,
            _user_name(session, i.decided_by_id),
        )
        for i in req.items
    )
    attachments = tuple(
        AttachmentRow(
            a.id, a.filename, a.media_type, len(a.content or b""), a.sha256, a.added_by, a.added_at
        )
        for a in req.attachments
    )
    docs = tuple(
        DocumentInfo(d.kind, d.language, d.filename, d.created_by, d.created_at, d.sha256)
        for d in session.execute(
            select(Document).where(Document.request_id == req.id).order_by(Document.id)
        ).scalars()
    )
    detail = RequestDetail(
        req.id,
        req.number,
        req.kind,
        req.state,
        _person(req, customer),
        req.customer_id,
        req.subject_name,
        req.subject_email,
        req.subject_address,
        req.pseudonym,
        req.received_on,
        req.channel,
        req.language,
        req.signed_on_file,
        req.original_location,
        _user_name(session, req.identity_checked_by_id),
        req.identity_method,
        req.due_on,
        req.extended_due_on,
        req.extension_reasons,
        due,
        (due - today()).days,
        req.decision,
        req.decision_reasons,
        _user_name(session, req.decided_by_id),
        req.decided_at,
        _full_name(session, req.created_by),
        items,
        attachments,
        docs,
        req.version,
    )
    return replace(detail, actions=request_actions(detail, actor))


def request_actions(d: RequestDetail, actor: Actor) -> frozenset[str]:
    """The actions the request's state and the user's role allow now, by the names the request
    screen gives its buttons. The services check the same rules again when called; this is
    what the screen offers."""
    in_progress = d.state == RequestState.IN_PROGRESS.value
    completed = d.state == RequestState.COMPLETED.value
    has_customer = d.customer_id is not None
    decide = actor.can(Permission.REQUEST_DECIDE)
    letters = actor.can(Permission.LETTERS)
    pending = any(i.decision == ItemDecision.PENDING.value for i in d.items)
    refused_item = any(i.decision == ItemDecision.REFUSED.value for i in d.items)
    allowed = {
        "attach": d.is_open,
        "identity": d.is_open,
        "form": d.is_open and actor.can(Permission.BLANK_FORMS),
        "match": d.is_open,
        "withdraw": d.is_open and actor.can(Permission.REQUEST_INTAKE),
        "extend": decide and d.is_open and d.extended_due_on is None and today() <= d.due_on,
        "extension_notice": letters and d.extended_due_on is not None,
        "refuse": decide and in_progress,
    }
    if d.kind == RequestKind.ACCESS.value:
        report = actor.can(Permission.ACCESS_REPORT) and has_customer and (in_progress or completed)
        allowed.update(
            report=report,
            json=report,
            finish_access=in_progress and actor.can(Permission.ACCESS_REPORT),
        )
    elif d.kind == RequestKind.RECTIFICATION.value:
        deciding = in_progress and has_customer and decide
        allowed.update(
            accept=deciding and pending,
            refuse_item=deciding and pending,
            finish_rect=deciding and not pending,
            refusal_cert=letters and refused_item and has_customer,
            notices=letters,
        )
    elif d.kind == RequestKind.OBJECTION.value:
        allowed.update(
            apply_objection=in_progress and has_customer,
            confirmation=has_customer and completed and letters,
        )
    else:
        erasing = in_progress and has_customer and actor.can(Permission.ERASE)
        allowed["erase" if d.kind == RequestKind.ERASURE.value else "anonymise"] = erasing
    return frozenset(name for name, ok in allowed.items() if ok)


def attachment_content(session: Session, actor: Actor, attachment_id: int) -> tuple[str, bytes]:
    """The scan itself (filename, bytes) for viewing."""
    from core.errors import NotFound
    from core.models import RequestAttachment

    require(actor, Permission.REQUEST_INTAKE)
    row = session.get(RequestAttachment, attachment_id)
    if row is None:
        raise NotFound("error.req_not_found", id=attachment_id)
    return row.filename, row.content
