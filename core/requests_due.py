"""Requests whose due date is near: the warning at login and the count in the status bar."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.auth import Actor, Permission, require
from core.clock import today
from core.models import Request, RequestState

CLOSED = (RequestState.COMPLETED.value, RequestState.REFUSED.value, RequestState.WITHDRAWN.value)


class DueRequest(NamedTuple):
    number: str
    kind: str
    due: date


def _due_filter(days: int):  # type: ignore[no-untyped-def]
    due = func.coalesce(Request.extended_due_on, Request.due_on)
    return due, (Request.state.not_in(CLOSED), due <= today() + timedelta(days=days))


def requests_due_within(session: Session, actor: Actor, days: int = 7) -> list[DueRequest]:
    """Open requests due within ``days`` days (overdue ones included), the soonest first."""
    require(actor, Permission.REQUEST_INTAKE)
    due, conditions = _due_filter(days)
    rows = session.execute(
        select(Request.number, Request.kind, due).where(*conditions).order_by(due, Request.number)
    ).all()
    return [DueRequest(number, kind, when) for number, kind, when in rows]


def count_requests_due_within(session: Session, actor: Actor, days: int = 7) -> int:
    require(actor, Permission.REQUEST_INTAKE)
    _due, conditions = _due_filter(days)
    return int(session.execute(select(func.count(Request.id)).where(*conditions)).scalar_one())
