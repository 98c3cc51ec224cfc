"""Retention counted from the end of the financial year, a Setting (issue 13, point 10):
Kirjanpitolaki 2:10 keeps vouchers 6 years from the end of the financial year; an order is a
voucher and keeps its own date, so a partial erasure deletes the orders already past it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.clock import today
from core.errors import ValidationError
from core.i18n import format_date
from core.legal_holds import check_legal_holds, retention_end
from core.models import Order
from core.requests import erase
from core.requests.documents import produce_access_report, produce_erasure_decision
from core.settings import get_settings, update_settings
from tests.conftest import pdf_text
from tests.core.requests_helpers import add_order, make_customer, new_request

RETAINED_YEAR = today().year - 3
EXPIRED_YEAR = today().year - 8


def test_retention_counts_from_the_end_of_the_financial_year() -> None:
    assert retention_end(date(2019, 5, 1), 6) == date(2025, 12, 31)
    assert retention_end(date(2019, 5, 1), 6, 30, 6) == date(2025, 6, 30)
    assert retention_end(date(2019, 7, 1), 6, 30, 6) == date(2026, 6, 30)
    assert retention_end(date(2019, 2, 28), 10, 31, 12) == date(2029, 12, 31)
    assert retention_end(date(2019, 3, 1), 6, 29, 2) == date(2026, 2, 28)  # February's end


def test_financial_year_end_is_a_setting_and_drives_the_legal_hold(db, manager) -> None:
    with db.begin() as s:
        row = get_settings(s)
        assert (row.financial_year_end_day, row.financial_year_end_month) == (31, 12)
        update_settings(s, manager, financial_year_end_day=30, financial_year_end_month=6)
    cid = make_customer(db, manager)
    number = add_order(db, manager, cid, date(RETAINED_YEAR, 7, 1))
    with db.begin() as s:
        (hold,) = [h for h in check_legal_holds(s, cid) if h.kind == "accounting_retention"]
    assert hold.order_numbers == (number,)
    assert hold.until == date(RETAINED_YEAR + 7, 6, 30)  # FY ends 30.6. of the next year


def test_financial_year_end_must_be_a_real_day(db, manager) -> None:
    with db.begin() as s:
        with pytest.raises(ValidationError):
            update_settings(s, manager, financial_year_end_day=31, financial_year_end_month=4)
        with pytest.raises(ValidationError):
            update_settings(s, manager, financial_year_end_month=13)
        with pytest.raises(ValidationError):
            update_settings(s, manager, bookkeeping_retention_years=5)  # vouchers: 6 at least


def test_partial_erasure_deletes_orders_past_retention_and_dates_the_kept_ones(db, manager):
    cid = make_customer(db, manager)
    expired = add_order(db, manager, cid, date(EXPIRED_YEAR, 3, 1))
    kept = add_order(db, manager, cid, date(RETAINED_YEAR, 9, 1))
    until = date(RETAINED_YEAR + 6, 12, 31)
    access = new_request(db, manager, "access", customer_id=cid)
    with db.begin() as s:
        report = pdf_text(produce_access_report(s, manager, access, "fi").content)
    assert f"säilytetään {format_date(until, 'fi')} asti" in report
    assert f"säilytetään {format_date(date(EXPIRED_YEAR + 6, 12, 31), 'fi')} asti" in report
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        outcome = erase(s, manager, rid)
        assert outcome.outcome == "partly"
        letter = pdf_text(produce_erasure_decision(s, manager, rid, outcome.decision).content)
    assert f"tilaus {kept}: säilytetään {format_date(until, 'fi')} asti" in letter
    assert expired not in letter
    with db.begin() as s:
        numbers = s.execute(select(Order.number).where(Order.customer_id == cid)).scalars()
        assert list(numbers) == [kept]
