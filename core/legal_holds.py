"""Legal holds [S11]: what keeps a customer's data from being erased, and until when.

Open invoices and invoices in collection block an erasure; accounting retention
(Kirjanpitolaki 2:10) keeps the orders, which are accounting records, until it ends. The
erasure request, the wipe (the restriction's end date) and retention all ask this one rule.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import today
from core.i18n import format_date, t
from core.models import InvoiceState, Order
from core.settings import get_settings

BLOCKING = ("open_invoice", "in_collection")
_LIST_MAX = 8

# Kirjanpitolaki 2:10 counts from the end of the financial year: the accounts (ledgers,
# financial statements) are kept 10 years, the vouchers 6. This register holds no accounts;
# an order is a voucher, kept ``Settings.bookkeeping_retention_years`` (default 6).
ACCOUNTS_RETENTION_YEARS = 10


def _on_day(year: int, month: int, day: int) -> date:
    """``day``.``month``. of ``year``, or the month's last day when it is shorter (29.2.)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def financial_year_end(on: date, end_day: int = 31, end_month: int = 12) -> date:
    """The last day of the financial year that ``on`` falls in, the year ending on
    ``end_day``.``end_month``. (31.12.: the calendar year)."""
    end = _on_day(on.year, end_month, end_day)
    return end if end >= on else _on_day(on.year + 1, end_month, end_day)


def retention_end(on: date, years: int, end_day: int = 31, end_month: int = 12) -> date:
    """The last day a record dated ``on`` must be kept: ``years`` after the end of its
    financial year."""
    end = financial_year_end(on, end_day, end_month)
    return _on_day(end.year + years, end_month, end_day)


def order_retention_end(session: Session, ordered_on: date) -> date:
    """The last day accounting must keep an order (a voucher), from the Settings."""
    settings = get_settings(session)
    return retention_end(
        ordered_on,
        settings.bookkeeping_retention_years,
        settings.financial_year_end_day,
        settings.financial_year_end_month,
    )


@dataclass(frozen=True)
class LegalHoldInfo:
    """Something that keeps data from being erased: an open invoice or one in collection
    (blocks erasure), or accounting retention (keeps order data until ``until``)."""

    kind: str  # "open_invoice" | "in_collection" | "accounting_retention"
    reason: str  # in the language asked for
    until: date | None
    order_numbers: tuple[str, ...]

    @property
    def blocks(self) -> bool:
        return self.kind in BLOCKING


def _numbers(numbers: list[str]) -> str:
    shown = ", ".join(numbers[:_LIST_MAX])
    return shown + (" …" if len(numbers) > _LIST_MAX else "")


def check_legal_holds(
    session: Session, customer_id: int, lang: str | None = None
) -> list[LegalHoldInfo]:
    """Every hold on the customer's data with its reason and end date (None: until the
    invoice is settled). Retention: each order is a voucher kept for
    ``Settings.bookkeeping_retention_years`` after the end of the financial year it is dated
    in (the year's end is a Setting); an order past its retention holds nothing."""
    settings = get_settings(session)
    years = settings.bookkeeping_retention_years
    orders = (
        session.execute(
            select(Order)
            .where(Order.customer_id == customer_id)
            .order_by(Order.ordered_on, Order.id)
        )
        .scalars()
        .all()
    )
    holds: list[LegalHoldInfo] = []
    for state, kind in (
        (InvoiceState.OPEN.value, "open_invoice"),
        (InvoiceState.IN_COLLECTION.value, "in_collection"),
    ):
        numbers = [o.number for o in orders if o.invoice_state == state]
        if numbers:
            holds.append(
                LegalHoldInfo(
                    kind,
                    t(f"req.hold.{kind}", lang, orders=_numbers(numbers)),
                    None,
                    tuple(numbers),
                )
            )
    current = today()
    by_until: dict[date, list[str]] = {}
    for o in orders:
        until = retention_end(
            o.ordered_on, years, settings.financial_year_end_day, settings.financial_year_end_month
        )
        if until >= current:
            by_until.setdefault(until, []).append(o.number)
    for until in sorted(by_until):
        numbers = by_until[until]
        holds.append(
            LegalHoldInfo(
                "accounting_retention",
                t(
                    "req.hold.accounting_retention",
                    lang,
                    orders=_numbers(numbers),
                    until=format_date(until, lang),
                    years=years,
                ),
                until,
                tuple(numbers),
            )
        )
    return holds
