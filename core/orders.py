"""Orders [S4][S7]: what a customer bought. Archived, never silently deleted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import validation
from core.clock import now, today
from core.customers.service import get_customer, require_editable
from core.errors import Conflict, NotFound, ValidationError, ValidationErrors
from core.models import Customer, InvoiceState, Order, SalesChannel
from core.security import audit
from core.security.permissions import Actor, Permission, require

MAX_AMOUNT = Decimal("9999999999.99")


def parse_amount(value: Any, field: str = "amount") -> Decimal:
    """Euros from ``1234.5``, ``1 234,50`` or ``1234,50 €``."""
    if isinstance(value, Decimal):
        amount = value
    else:
        raw = str(value or "").replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
        if not raw:
            raise ValidationError(field, "validation.required")
        if "," in raw and "." in raw:
            # The later mark is the decimal one: 1.234,50 (Finnish) or 1,234.50 (English).
            if raw.rfind(",") > raw.rfind("."):
                raw = raw.replace(".", "").replace(",", ".")
            else:
                raw = raw.replace(",", "")
        else:
            raw = raw.replace(",", ".")
        try:
            amount = Decimal(raw)
        except InvalidOperation as exc:
            raise ValidationError(field, "validation.amount_invalid") from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError(field, "validation.amount_invalid")
    return amount.quantize(Decimal("0.01"))


def clean_order(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: list[ValidationError] = []
    out: dict[str, Any] = {}
    for field, fn in (
        ("item", lambda: validation.text("item", data.get("item"), required=True, max_len=300)),
        ("amount", lambda: parse_amount(data.get("amount"))),
        (
            "channel",
            lambda: validation.choice(
                "channel", data.get("channel"), SalesChannel, default=SalesChannel.SHOP.value
            ),
        ),
        (
            "invoice_state",
            lambda: validation.choice(
                "invoice_state",
                data.get("invoice_state"),
                InvoiceState,
                default=InvoiceState.NONE.value,
            ),
        ),
        ("ordered_on", lambda: _date("ordered_on", data.get("ordered_on"))),
    ):
        try:
            out[field] = fn()
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationErrors(errors)
    return out


def _date(field: str, value: Any) -> date:
    if value is None or value == "":
        return today()
    if isinstance(value, date):
        if value > today():
            raise ValidationError(field, "validation.date_in_future")
        return value
    raise ValidationError(field, "validation.date_invalid")


def _next_number(session: Session, year: int) -> str:
    prefix = f"{year}-"
    last = session.execute(
        select(func.max(Order.number)).where(Order.number.like(f"{prefix}%"))
    ).scalar_one()
    seq = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def create_order(
    session: Session,
    actor: Actor,
    customer_id: int,
    data: Mapping[str, Any],
    audit_entry: bool = True,
) -> Order:
    require(actor, Permission.ORDERS)
    customer = get_customer(session, customer_id)
    require_editable(customer, "customer")
    clean = clean_order(data)
    # The next number is read under the audit chain's lock, which every saving desk takes
    # anyway: on PostgreSQL two desks adding an order at once read the same highest number
    # otherwise, and the second save failed on the unique number (SQLite's write transactions
    # already hold the database's lock, core.db).
    audit.lock_head(session)
    order = Order(
        customer_id=customer.id,
        number=_next_number(session, clean["ordered_on"].year),
        updated_by=actor.username,
        **clean,
    )
    session.add(order)
    customer.last_contact_on = max(
        customer.last_contact_on or clean["ordered_on"], clean["ordered_on"]
    )
    session.flush()
    if audit_entry:
        audit.record(session, actor, "order.create", "order", order.id, sorted(clean))
    return order


def get_order(session: Session, order_id: int) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound("error.order_not_found", id=order_id)
    return order


def update_order(
    session: Session,
    actor: Actor,
    order_id: int,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> Order:
    require(actor, Permission.ORDERS)
    order = get_order(session, order_id)
    require_editable(get_customer(session, order.customer_id), "customer")
    if expected_version is not None and order.version != expected_version:
        raise Conflict(
            "error.conflict", who=order.updated_by, when=order.updated_at.strftime("%d.%m.%Y %H.%M")
        )
    merged = {
        f: getattr(order, f) for f in ("item", "amount", "channel", "invoice_state", "ordered_on")
    }
    merged.update(data)
    clean = clean_order(merged)
    changed = [k for k, v in clean.items() if getattr(order, k) != v]
    for k in changed:
        setattr(order, k, clean[k])
    if changed:
        order.updated_at = now()
        order.updated_by = actor.username
        audit.record(session, actor, "order.update", "order", order.id, changed)
        session.flush()
    return order


def set_invoice_state(session: Session, actor: Actor, order_id: int, state: str) -> Order:
    return update_order(session, actor, order_id, {"invoice_state": state}, None)


def set_archived(session: Session, actor: Actor, order_id: int, archived: bool) -> None:
    require(actor, Permission.ORDERS)
    order = get_order(session, order_id)
    require_editable(get_customer(session, order.customer_id), "customer")
    if order.archived != archived:
        order.archived = archived
        order.updated_at = now()
        order.updated_by = actor.username
        audit.record(
            session,
            actor,
            "order.archive" if archived else "order.unarchive",
            "order",
            order.id,
            ["archived"],
        )


@dataclass(frozen=True)
class OrderRow:
    id: int
    number: str
    customer_id: int
    customer_name: str
    ordered_on: date
    item: str
    amount: Decimal
    channel: str
    invoice_state: str
    archived: bool
    version: int


def list_orders(
    session: Session,
    actor: Actor,
    *,
    customer_id: int | None = None,
    invoice_state: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_archived: bool = False,
    text: str = "",
    limit: int = 5000,
) -> list[OrderRow]:
    require(actor, Permission.ORDERS)
    q = select(Order, Customer.first_name, Customer.last_name).join(Customer)
    if customer_id is not None:
        q = q.where(Order.customer_id == customer_id)
    if invoice_state:
        q = q.where(Order.invoice_state == invoice_state)
    if date_from:
        q = q.where(Order.ordered_on >= date_from)
    if date_to:
        q = q.where(Order.ordered_on <= date_to)
    if not include_archived:
        q = q.where(Order.archived.is_(False))
    if text.strip():
        like = f"%{text.strip().lower()}%"
        q = q.where(
            func.lower(Order.number).like(like)
            | func.lower(Order.item).like(like)
            | Customer.search_text.like(like)
        )
    q = q.order_by(Order.ordered_on.desc(), Order.id.desc()).limit(limit)
    return [
        OrderRow(
            o.id,
            o.number,
            o.customer_id,
            f"{first} {last}".strip(),
            o.ordered_on,
            o.item,
            o.amount,
            o.channel,
            o.invoice_state,
            o.archived,
            o.version,
        )
        for o, first, last in session.execute(q)
    ]
