"""Legal holds [S11]: what keeps a customer's data from being erased, and until when.

Open invoices and invoices in collection block an erasure; accounting retention
(Kirjanpitolaki 2:10) keeps the orders, which are accounting records, until it ends. The
erasure request, the wipe (the restriction's end date) and retention all ask this one rule.
"""

from __future__ import annotations

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
    invoice is settled). Retention: orders are accounting records kept for
    ``Settings.bookkeeping_retention_years`` after the end of the order's financial year
    (31.12. of the order year + N years)."""
    years = get_settings(session).bookkeeping_retention_years
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
        until = date(o.ordered_on.year + years, 12, 31)
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
