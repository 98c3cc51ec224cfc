"""The request workflow (DESIGN.md section 3): states, deadlines, extension, refusal, withdrawal.

States::

    received -> awaiting_signature -> in_progress -> completed | refused | withdrawn
    received -----------------------> in_progress
    received, awaiting_signature ---> withdrawn   (a person may withdraw at any time)

An illegal move raises ``InvalidTransition`` naming both states in the user's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import now, today
from core.dates import add_months
from core.errors import InvalidTransition, NotFound, ValidationError
from core.i18n import t
from core.models import Request, RequestKind, RequestState
from core.security import audit
from core.security.permissions import Actor, Permission, require

S = RequestState
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED.value: frozenset(
        {S.AWAITING_SIGNATURE.value, S.IN_PROGRESS.value, S.WITHDRAWN.value}
    ),
    S.AWAITING_SIGNATURE.value: frozenset({S.IN_PROGRESS.value, S.WITHDRAWN.value}),
    S.IN_PROGRESS.value: frozenset({S.COMPLETED.value, S.REFUSED.value, S.WITHDRAWN.value}),
    S.COMPLETED.value: frozenset(),
    S.REFUSED.value: frozenset(),
    S.WITHDRAWN.value: frozenset(),
}
OPEN_STATES = frozenset({S.RECEIVED.value, S.AWAITING_SIGNATURE.value, S.IN_PROGRESS.value})
FINAL_STATES = frozenset({S.COMPLETED.value, S.REFUSED.value, S.WITHDRAWN.value})

# A signed written request is required by [S15] (access), [S16] (rectification) and for
# erasure/anonymisation; an objection may be told to customer service in any form [S6][S15].
SIGNATURE_REQUIRED = frozenset(
    {
        RequestKind.ACCESS.value,
        RequestKind.RECTIFICATION.value,
        RequestKind.ERASURE.value,
        RequestKind.ANONYMISATION.value,
    }
)
MAX_EXTENSION_MONTHS = 2
# An open request due within this many days is "due soon": the login warning, the status bar
# and the request list all use it.
DUE_SOON_DAYS = 7


def due_date(received_on: date) -> date:
    """Received + one calendar month (GDPR Art. 12(3)): 31 January is due on 28/29 February."""
    return add_months(received_on, 1)


def effective_due(req: Request) -> date:
    return req.extended_due_on or req.due_on


def days_left(req: Request, on: date | None = None) -> int:
    return (effective_due(req) - (on or today())).days


def state_label(state: str, lang: str | None = None) -> str:
    return t(f"req.state.{state}", lang)


def kind_label(kind: str, lang: str | None = None) -> str:
    return t(f"req.kind.{kind}", lang)


class StateError(InvalidTransition):
    """``InvalidTransition`` whose state names are translated when the message is read, so
    the text is in the reader's language: ``StateError(code, from_state=..., to_state=...)``."""

    def message(self, lang: str | None = None) -> str:
        params = {
            k: f"«{state_label(v, lang)}»" if k in ("from_state", "to_state", "state") else v
            for k, v in self.params.items()
        }
        return t(self.code, lang=lang, **params)


def can_move(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def get_request(session: Session, request_id: int) -> Request:
    req = session.get(Request, request_id)
    if req is None:
        raise NotFound("error.req_not_found", id=request_id)
    return req


def move(
    session: Session, actor: Actor, req: Request, to_state: str, fields: Iterable[str] = ()
) -> None:
    """Change the state or raise ``InvalidTransition`` naming both states (audited)."""
    if not can_move(req.state, to_state):
        raise StateError("error.invalid_transition", from_state=req.state, to_state=to_state)
    req.state = to_state
    if to_state in FINAL_STATES:
        req.completed_at = now()
    audit.record(session, actor, f"request.{to_state}", "request", req.id, ["state", *fields])
    session.flush()


def require_open(req: Request) -> None:
    if req.state not in OPEN_STATES:
        raise StateError("error.req_closed", state=req.state)


def require_in_progress(req: Request) -> None:
    if req.state != S.IN_PROGRESS.value:
        raise StateError("error.req_not_in_progress", state=req.state)


def next_number(session: Session, year: int) -> str:
    """``P-YYYY-NNNN``: the largest number of the year plus one."""
    prefix = f"P-{year}-"
    numbers = session.execute(
        select(Request.number).where(Request.number.like(f"{prefix}%"))
    ).scalars()
    highest = 0
    for number in numbers:
        tail = number[len(prefix) :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:04d}"


def start_processing(session: Session, actor: Actor, request_id: int) -> Request:
    """``received`` or ``awaiting_signature`` -> ``in_progress`` (needs the signed request
    where the kind requires one)."""
    require(actor, Permission.REQUEST_INTAKE)
    req = get_request(session, request_id)
    if req.kind in SIGNATURE_REQUIRED and not req.signed_on_file:
        raise ValidationError("signed_on_file", "validation.req_signature_required")
    move(session, actor, req, S.IN_PROGRESS.value)
    return req


def decide(req: Request, actor: Actor, decision: str, reasons: str = "") -> None:
    """Stamp the decision with the manager who made it."""
    req.decision = decision
    req.decision_reasons = reasons
    req.decided_by_id = actor.user_id or None
    req.decided_at = now()


def refuse_request(session: Session, actor: Actor, request_id: int, reasons: str) -> Request:
    """Refuse with reasons (Art. 12(4)): the person reads them, so they are required."""
    require(actor, Permission.REQUEST_DECIDE)
    req = get_request(session, request_id)
    text = (reasons or "").strip()
    if not text:
        raise ValidationError("decision_reasons", "validation.req_reason_required")
    require_in_progress(req)
    decide(req, actor, "refused", text)
    move(session, actor, req, S.REFUSED.value, ["decision", "decision_reasons", "decided_by_id"])
    return req


# The decision of a request closed because the person could not be identified (Art. 11(2),
# 12(2)): the person gets a decision letter, as for a refusal.
UNIDENTIFIED = "unidentified"


def withdraw_request(
    session: Session, actor: Actor, request_id: int, note: str = "", unidentified: bool = False
) -> Request:
    """The person withdrew the request (any open state), or, with ``unidentified``, the
    request is closed because the person could not be identified."""
    require(actor, Permission.REQUEST_INTAKE)
    req = get_request(session, request_id)
    require_open(req)
    req.decision = UNIDENTIFIED if unidentified else "withdrawn"
    req.decision_reasons = (note or "").strip()
    move(session, actor, req, S.WITHDRAWN.value, ["decision"])
    return req


def extend_deadline(
    session: Session, actor: Actor, request_id: int, months: int, reasons: str
) -> Request:
    """Extend once by one or two calendar months, with reasons, before the first due date."""
    require(actor, Permission.REQUEST_DECIDE)
    req = get_request(session, request_id)
    require_open(req)
    if req.extended_due_on is not None:
        raise ValidationError("extended_due_on", "validation.req_already_extended")
    if today() > req.due_on:
        raise ValidationError(
            "extended_due_on", "validation.req_extension_too_late", due=_fmt(req.due_on)
        )
    if not isinstance(months, int) or not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise ValidationError(
            "extended_due_on", "validation.req_extension_months", max=MAX_EXTENSION_MONTHS
        )
    text = (reasons or "").strip()
    if not text:
        raise ValidationError("extension_reasons", "validation.req_reason_required")
    req.extended_due_on = add_months(req.due_on, months)
    req.extension_reasons = text
    audit.record(
        session,
        actor,
        "request.extend",
        "request",
        req.id,
        ["extended_due_on", "extension_reasons"],
    )
    session.flush()
    return req


def complete(
    session: Session, actor: Actor, req: Request, decision: str, reasons: str = ""
) -> None:
    require_in_progress(req)
    decide(req, actor, decision, reasons)
    move(session, actor, req, S.COMPLETED.value, ["decision", "decided_by_id"])


def count_open(session: Session) -> int:
    return int(
        session.execute(
            select(func.count(Request.id)).where(Request.state.in_(OPEN_STATES))
        ).scalar_one()
    )


def _fmt(value: date) -> str:
    from core.i18n import format_date

    return format_date(value)
