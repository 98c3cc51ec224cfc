"""Retention: customers whose data is no longer needed, and the batch that removes it.

A customer is due when there has been no contact (``last_contact_on``, the creation date when
missing, or the newest order) for ``Settings.retention_years``. Then:

- without orders: the customer is deleted;
- with orders: accounting keeps the orders until the end of the financial year (its end is a
  Setting) of the newest order plus ``Settings.bookkeeping_retention_years``; after that the
  customer is anonymised and the orders stay for statistics [S4]; before that nothing happens.

Customers with an open invoice or one in collection, or with a request still being handled,
are never due. Applying re-checks every customer, wipes through ``core.customers.wipe`` and writes
an ``ErasureRecord`` per customer so a restored backup re-applies it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from core.backup.files import KEEP_AUTOMATIC
from core.clock import today
from core.customers.wipe import wipe_customer
from core.dates import add_years
from core.errors import NotFound
from core.i18n import format_date, t
from core.legal_holds import retention_end
from core.models import (
    Customer,
    CustomerState,
    ErasureRecord,
    InvoiceState,
    Order,
    Request,
    RequestState,
    Settings,
)
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.settings import get_settings

DELETE = "delete"
ANONYMISE = "anonymise"
ACTION_RECORD = {DELETE: "retention_deleted", ANONYMISE: "anonymised"}
OPEN_REQUEST_STATES = (
    RequestState.RECEIVED.value,
    RequestState.AWAITING_SIGNATURE.value,
    RequestState.IN_PROGRESS.value,
)


def _column_default(name: str) -> int:
    return int(Settings.__table__.c[name].default.arg)  # type: ignore[union-attr]


@dataclass(frozen=True)
class ContactRetention:
    """How long the person's contact data is kept, from ``core.retention``'s rule: until
    ``until``, unless there is contact again; ``years`` from the latest contact or order
    (``last_contact``), later when accounting keeps the orders (``orders_until``) or while an
    invoice is unpaid (``unpaid``)."""

    until: date
    last_contact: date
    years: int
    orders_until: date | None = None
    unpaid: bool = False


@dataclass(frozen=True)
class RetentionPeriods:
    """How long each category of data is kept, as the rules of this module, of
    ``core.legal_holds`` and of the backup rotation apply it; the privacy statement prints
    these, so its text cannot drift from what the software does. Defaults: a new register's.

    - customer data: ``customer_years`` after the last contact or order (``_candidates``);
    - orders (accounting records): ``bookkeeping_years`` after the end of the financial year
      of the order (``core.legal_holds.retention_end``), then kept for statistics without
      the person (anonymised);
    - requests and their documents: as long as the person's data; then only the request's
      own record (``core.customers.wipe.forget_requests``);
    - audit entries and suppression records: never removed;
    - automatic backups: the newest ``automatic_backups_kept`` (``core.backup.files.rotate``).
    """

    customer_years: int = _column_default("retention_years")
    bookkeeping_years: int = _column_default("bookkeeping_retention_years")
    financial_year_end_day: int = _column_default("financial_year_end_day")
    financial_year_end_month: int = _column_default("financial_year_end_month")
    automatic_backups_kept: int = KEEP_AUTOMATIC

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPeriods:
        default = cls()
        return cls(
            customer_years=settings.retention_years or default.customer_years,
            bookkeeping_years=settings.bookkeeping_retention_years or default.bookkeeping_years,
            financial_year_end_day=settings.financial_year_end_day
            or default.financial_year_end_day,
            financial_year_end_month=settings.financial_year_end_month
            or default.financial_year_end_month,
        )


def _last_contact(contact: date | None, created: datetime, newest: date | None) -> date:
    """The latest contact or order: what the retention years are counted from."""
    return max(d for d in (contact or created.date(), newest) if d is not None)


def contact_retention(session: Session, customer_id: int) -> ContactRetention:
    """Until when this customer's contact data is kept under the rule the retention batch
    applies (``_candidates``): ``retention_years`` from the latest contact or order, and no
    sooner than the accounting retention of the newest order ends; an unpaid invoice keeps
    it until it is settled. The day given is the last day the data is kept."""
    settings = get_settings(session)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("error.not_found")
    newest, unpaid = session.execute(
        select(
            func.max(Order.ordered_on),
            func.count(Order.id).filter(
                Order.invoice_state.in_([InvoiceState.OPEN.value, InvoiceState.IN_COLLECTION.value])
            ),
        ).where(Order.customer_id == customer_id)
    ).one()
    last = _last_contact(customer.last_contact_on, customer.created_at, newest)
    until = add_years(last, settings.retention_years) - timedelta(days=1)
    orders_until = None
    if newest is not None:
        ends = retention_end(
            newest,
            settings.bookkeeping_retention_years,
            settings.financial_year_end_day,
            settings.financial_year_end_month,
        )
        if ends > until:
            until, orders_until = ends, ends
    return ContactRetention(until, last, settings.retention_years, orders_until, bool(unpaid))


@dataclass(frozen=True)
class RetentionCandidate:
    customer_id: int
    name: str
    last_contact_on: date
    reason: str  # in the current language, for the screen
    action: str  # "delete" | "anonymise"
    orders: int
    accounting_retention_ended_on: date | None


@dataclass(frozen=True)
class RetentionResult:
    deleted: int
    anonymised: int
    skipped: tuple[int, ...]  # no longer due when applied (e.g. a new order meanwhile)


def _candidates(session: Session, ids: Iterable[int] | None = None) -> list[RetentionCandidate]:
    settings = get_settings(session)
    current = today()
    cutoff = add_years(current, -settings.retention_years)
    cutoff_dt = datetime.combine(cutoff + timedelta(days=1), time())
    orders = (
        select(
            Order.customer_id.label("cid"),
            func.count(Order.id).label("n"),
            func.max(Order.ordered_on).label("newest"),
            func.sum(
                case(
                    (
                        Order.invoice_state.in_(
                            [InvoiceState.OPEN.value, InvoiceState.IN_COLLECTION.value]
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("unpaid"),
        )
        .group_by(Order.customer_id)
        .subquery()
    )
    open_requests = select(Request.customer_id).where(
        Request.customer_id.is_not(None), Request.state.in_(OPEN_REQUEST_STATES)
    )
    q = (
        select(
            Customer.id,
            Customer.first_name,
            Customer.last_name,
            Customer.last_contact_on,
            Customer.created_at,
            orders.c.n,
            orders.c.newest,
            orders.c.unpaid,
        )
        .outerjoin(orders, orders.c.cid == Customer.id)
        .where(
            Customer.state == CustomerState.ACTIVE.value,
            or_(
                Customer.last_contact_on <= cutoff,
                and_(Customer.last_contact_on.is_(None), Customer.created_at < cutoff_dt),
            ),
            or_(orders.c.newest.is_(None), orders.c.newest <= cutoff),
            func.coalesce(orders.c.unpaid, 0) == 0,
            Customer.id.not_in(open_requests),
        )
        .order_by(Customer.last_contact_on, Customer.id)
    )
    if ids is not None:
        q = q.where(Customer.id.in_(list(ids)))
    out: list[RetentionCandidate] = []
    for cid, first, last, contact, created, n, newest, _unpaid in session.execute(q):
        last_contact = _last_contact(contact, created, newest)
        name = f"{first} {last}".strip()
        if not n:
            reason = t(
                "retention.reason_delete",
                date=format_date(last_contact),
                years=settings.retention_years,
            )
            out.append(RetentionCandidate(cid, name, last_contact, reason, DELETE, 0, None))
            continue
        ends = retention_end(
            newest,
            settings.bookkeeping_retention_years,
            settings.financial_year_end_day,
            settings.financial_year_end_month,
        )
        if ends >= current:
            continue  # accounting still needs the orders and who they were for
        reason = t(
            "retention.reason_anonymise",
            date=format_date(last_contact),
            years=settings.retention_years,
            orders=n,
            ended=format_date(ends),
        )
        out.append(RetentionCandidate(cid, name, last_contact, reason, ANONYMISE, int(n), ends))
    return out


@dataclass(frozen=True)
class RestrictedCustomer:
    customer_id: int
    name: str
    organisation: str
    restricted_until: date | None
    due: bool  # the date has passed: the next purge (the next login) erases the customer


def restricted_customers(session: Session, actor: Actor) -> list[RestrictedCustomer]:
    """The partly erased customers whose processing is restricted, the soonest end first."""
    require(actor, Permission.RETENTION)
    rows = session.execute(
        select(Customer.id, Customer.first_name, Customer.last_name, Customer.organisation)
        .add_columns(Customer.restricted_until)
        .where(Customer.state == CustomerState.RESTRICTED.value)
        .order_by(Customer.restricted_until, Customer.last_name, Customer.id)
    ).all()
    on = today()
    return [
        RestrictedCustomer(
            cid, f"{first} {last}".strip(), organisation, until, until is not None and until < on
        )
        for cid, first, last, organisation, until in rows
    ]


def retention_candidates(session: Session, actor: Actor) -> list[RetentionCandidate]:
    """Everyone due for deletion or anonymisation now, with the reason per person."""
    require(actor, Permission.RETENTION)
    return _candidates(session)


def apply_retention(session: Session, actor: Actor, customer_ids: Iterable[int]) -> RetentionResult:
    """Delete or anonymise the chosen customers (one transaction: the caller's)."""
    require(actor, Permission.RETENTION)
    wanted = sorted(set(customer_ids))
    due = {c.customer_id: c for c in _candidates(session, wanted)} if wanted else {}
    deleted = anonymised = 0
    for cid in wanted:
        candidate = due.get(cid)
        if candidate is None:
            continue
        wiped = wipe_customer(session, cid, candidate.action)  # type: ignore[arg-type]
        session.add(
            ErasureRecord(
                customer_id=cid, action=ACTION_RECORD[candidate.action], performed_by=actor.username
            )
        )
        audit.record(session, actor, f"retention.{candidate.action}", "customer", cid, wiped)
        if candidate.action == DELETE:
            deleted += 1
        else:
            anonymised += 1
    session.flush()
    return RetentionResult(deleted, anonymised, tuple(c for c in wanted if c not in due))
