"""Statistics [S4]: figures computed by aggregate queries that never load personal values.

Customers by source and by month of creation, orders and revenue by month and sales channel,
requests by kind, the median number of days to answer a request and the share answered in
time. Everything can be limited to one calendar year and exported as CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Date, Integer, cast, extract, func, select
from sqlalchemy.orm import Session

from core.i18n import t
from core.models import Customer, Order, Request, RequestKind, RequestState, SalesChannel, Source
from core.security.permissions import Actor, Permission, require
from core.transfer.csvio import write_table

ANSWERED_STATES = (RequestState.COMPLETED.value, RequestState.REFUSED.value)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Count:
    key: str  # a Source / RequestKind value
    count: int


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    count: int


@dataclass(frozen=True)
class OrderMonth:
    year: int
    month: int
    channel: str
    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class RequestTiming:
    answered: int
    in_time: int
    median_days: float | None

    @property
    def share_in_time(self) -> float | None:
        return self.in_time / self.answered if self.answered else None


@dataclass(frozen=True)
class Statistics:
    year: int | None  # None: all years
    customers_total: int
    customers_by_source: tuple[Count, ...]
    customers_by_month: tuple[MonthCount, ...]
    orders_by_month: tuple[OrderMonth, ...]
    requests_by_kind: tuple[Count, ...]
    timing: RequestTiming

    @property
    def orders_total(self) -> int:
        return sum(o.orders for o in self.orders_by_month)

    @property
    def revenue_total(self) -> Decimal:
        return sum((o.revenue for o in self.orders_by_month), Decimal("0.00"))

    def revenue_by_month(self) -> dict[tuple[int, int], Decimal]:
        out: dict[tuple[int, int], Decimal] = {}
        for o in self.orders_by_month:
            out[(o.year, o.month)] = out.get((o.year, o.month), Decimal("0.00")) + o.revenue
        return out


def _year_range(col: Any, year: int | None, as_datetime: bool = False) -> list[Any]:
    if year is None:
        return []
    if as_datetime:
        return [col >= datetime(year, 1, 1), col < datetime(year + 1, 1, 1)]
    return [col >= date(year, 1, 1), col < date(year + 1, 1, 1)]


def _median(histogram: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many) pairs."""
    total = sum(n for _v, n in histogram)
    if not total:
        return None
    values = sorted(histogram)

    def nth(k: int) -> int:  # 0-based
        seen = 0
        for value, n in values:
            seen += n
            if k < seen:
                return value
        return values[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def _request_timing(session: Session, year: int | None) -> RequestTiming:
    answered_at = func.coalesce(Request.completed_at, Request.decided_at)
    due = func.coalesce(Request.extended_due_on, Request.due_on)
    if session.get_bind().dialect.name == "sqlite":
        answered_on: Any = func.date(answered_at)
        days: Any = cast(func.julianday(answered_on) - func.julianday(Request.received_on), Integer)
    else:
        answered_on = cast(answered_at, Date)
        days = answered_on - Request.received_on
    where = [
        Request.state.in_(ANSWERED_STATES),
        answered_at.is_not(None),
        *_year_range(Request.received_on, year),
    ]
    histogram = [
        (int(d), int(n))
        for d, n in session.execute(select(days, func.count()).where(*where).group_by(days))
    ]
    in_time = session.execute(select(func.count()).where(*where, answered_on <= due)).scalar_one()
    return RequestTiming(sum(n for _d, n in histogram), int(in_time), _median(histogram))


def compute_statistics(session: Session, actor: Actor, year: int | None = None) -> Statistics:
    require(actor, Permission.STATISTICS)
    c_where = _year_range(Customer.created_at, year, as_datetime=True)
    by_source = [
        Count(src, int(n))
        for src, n in session.execute(
            select(Customer.source, func.count())
            .where(*c_where)
            .group_by(Customer.source)
            .order_by(func.count().desc(), Customer.source)
        )
    ]
    c_year, c_month = extract("year", Customer.created_at), extract("month", Customer.created_at)
    by_month = [
        MonthCount(int(y), int(m), int(n))
        for y, m, n in session.execute(
            select(c_year, c_month, func.count())
            .where(*c_where)
            .group_by(c_year, c_month)
            .order_by(c_year, c_month)
        )
    ]
    o_year, o_month = extract("year", Order.ordered_on), extract("month", Order.ordered_on)
    orders = [
        OrderMonth(int(y), int(m), ch, int(n), Decimal(total or 0).quantize(CENT))
        for y, m, ch, n, total in session.execute(
            select(o_year, o_month, Order.channel, func.count(), func.sum(Order.amount))
            .where(*_year_range(Order.ordered_on, year))
            .group_by(o_year, o_month, Order.channel)
            .order_by(o_year, o_month, Order.channel)
        )
    ]
    by_kind = [
        Count(kind, int(n))
        for kind, n in session.execute(
            select(Request.kind, func.count())
            .where(*_year_range(Request.received_on, year))
            .group_by(Request.kind)
            .order_by(Request.kind)
        )
    ]
    return Statistics(
        year,
        sum(c.count for c in by_source),
        tuple(by_source),
        tuple(by_month),
        tuple(orders),
        tuple(by_kind),
        _request_timing(session, year),
    )


def available_years(session: Session, actor: Actor) -> list[int]:
    """The calendar years that have customers, orders or requests, newest first."""
    require(actor, Permission.STATISTICS)
    years: set[int] = set()
    for col in (Customer.created_at, Order.ordered_on, Request.received_on):
        low, high = session.execute(select(func.min(col), func.max(col))).one()
        if low is not None:
            years.update(range(low.year, high.year + 1))
    return sorted(years, reverse=True)


def label(kind: str, key: str, lang: str | None = None) -> str:
    """The translated name of a source, sales channel or request kind."""
    prefix = {"source": "source", "channel": "orders.channel", "kind": "req.kind"}[kind]
    return t(f"{prefix}.{key}", lang=lang)


def _amount(value: Decimal, lang: str) -> str:
    text = f"{value.quantize(CENT)}"
    return text.replace(".", ",") if lang == "fi" else text


def export_statistics_csv(path: Path, stats: Statistics, lang: str = "fi") -> int:
    """The figures as CSV (UTF-8 with BOM, ';'): one row per figure, with section names."""
    year = "" if stats.year is None else str(stats.year)

    def section(key: str) -> str:
        return t(f"statistics.{key}", lang=lang)

    rows: list[list[object]] = []
    for c in stats.customers_by_source:
        rows.append(
            [section("customers_by_source"), label("source", c.key, lang), year, "", c.count, ""]
        )
    for m in stats.customers_by_month:
        rows.append([section("customers_by_month"), "", m.year, m.month, m.count, ""])
    for o in stats.orders_by_month:
        rows.append(
            [
                section("orders_by_month"),
                label("channel", o.channel, lang),
                o.year,
                o.month,
                o.orders,
                _amount(o.revenue, lang),
            ]
        )
    for c in stats.requests_by_kind:
        rows.append(
            [section("requests_by_kind"), label("kind", c.key, lang), year, "", c.count, ""]
        )
    timing = stats.timing
    rows.append([section("requests_answered"), "", year, "", timing.answered, ""])
    rows.append([section("requests_in_time"), "", year, "", timing.in_time, ""])
    if timing.median_days is not None:
        median = f"{timing.median_days:g}"
        rows.append(
            [
                section("median_days"),
                "",
                year,
                "",
                median.replace(".", ",") if lang == "fi" else median,
                "",
            ]
        )
    headers = [
        t(f"statistics.csv_{h}", lang=lang)
        for h in ("section", "group", "year", "month", "count", "amount")
    ]
    return write_table(path, headers, rows)


# Every value the labels above may need, so a test can check the catalogue has them all.
LABELLED = {
    "source": [s.value for s in Source],
    "channel": [c.value for c in SalesChannel],
    "kind": [k.value for k in RequestKind],
}
