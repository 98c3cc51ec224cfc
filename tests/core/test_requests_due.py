"""Requests due within N days: the login warning and the status bar count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import clock
from core.errors import PermissionDenied
from core.models import Request
from core.requests import count_requests_due_within, requests_due_within


def _request(
    s, number: str, due: date, state: str = "in_progress", extended: date | None = None
) -> None:
    s.add(
        Request(
            number=number,
            kind="access",
            received_on=date(2025, 1, 1),
            channel="letter",
            state=state,
            due_on=due,
            extended_due_on=extended,
            created_by="manager",
        )
    )


def test_open_requests_due_within_seven_days_are_listed_soonest_first(db, manager):
    today = clock.today()
    with db.begin() as s:
        _request(s, "P-1", today + timedelta(days=7))
        _request(s, "P-2", today - timedelta(days=1))  # overdue: listed
        _request(s, "P-3", today + timedelta(days=8))  # not yet
        _request(s, "P-4", today + timedelta(days=1), state="completed")  # closed
        _request(s, "P-5", today + timedelta(days=2), extended=today + timedelta(days=40))
        _request(s, "P-6", today + timedelta(days=30), extended=today + timedelta(days=3))
    with db.begin() as s:
        due = requests_due_within(s, manager, 7)
        assert [r.number for r in due] == ["P-2", "P-6", "P-1"]
        assert due[0].kind == "access"
        assert count_requests_due_within(s, manager, 7) == 3


def test_receptionist_sees_due_requests_too(db, receptionist):
    with db.begin() as s:
        assert requests_due_within(s, receptionist, 7) == []


def test_anonymous_caller_is_refused(db):
    with db.begin() as s, pytest.raises(PermissionDenied):
        requests_due_within(s, None, 7)  # type: ignore[arg-type]
