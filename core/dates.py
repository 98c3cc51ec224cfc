"""Calendar arithmetic for legal deadlines: months are calendar months, not 30 days."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """``31.1. + 1 month`` is the last day of February (GDPR Art. 12(3) deadlines)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def add_years(start: date, years: int) -> date:
    return add_months(start, 12 * years)
