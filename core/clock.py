"""The app's one source of "now", so tests can move time (lockouts, deadlines, retention)."""

from __future__ import annotations

from datetime import date, datetime

_offset_seconds = 0.0


def now() -> datetime:
    """Local wall-clock time without tzinfo (the office works in one time zone)."""
    from datetime import timedelta

    return (datetime.now() + timedelta(seconds=_offset_seconds)).replace(microsecond=0)


def today() -> date:
    return now().date()


def shift(seconds: float) -> None:
    """Move the clock forward (tests only)."""
    global _offset_seconds
    _offset_seconds += seconds


def reset() -> None:
    global _offset_seconds
    _offset_seconds = 0.0
