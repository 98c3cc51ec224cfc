"""Shared helpers of the request tests: a customer, orders, a registered request."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from core import orders
from core.clock import today
from core.customers import service as customers
from core.requests import Attachment, ItemInput, register_request

PDF = b"%PDF-1.4\n% scanned signed request\n%%EOF\n"


def make_customer(db, actor, **over: Any) -> int:
    data = {
        "first_name": "Matti",
        "last_name": "Meikäläinen",
        "email": "matti@example.fi",
        "phone": "040 123 4567",
        "street": "Kauppakatu 1",
        "postal_code": "00100",
        "city": "Helsinki",
        "source": "web_service",
    }
    data.update(over)
    with db.begin() as s:
        return customers.create_customer(s, actor, data).id


def add_order(
    db,
    actor,
    customer_id: int,
    ordered_on: date,
    invoice_state: str = "paid",
    amount: str = "1200.00",
) -> str:
    with db.begin() as s:
        return orders.create_order(
            s,
            actor,
            customer_id,
            {
                "item": "Välityspalkkio",
                "amount": Decimal(amount),
                "ordered_on": ordered_on,
                "invoice_state": invoice_state,
            },
        ).number


def new_request(
    db,
    actor,
    kind: str,
    customer_id: int | None = None,
    *,
    signed: bool = True,
    received_on: date | None = None,
    items: tuple[ItemInput, ...] = (),
    objection_kinds: tuple[str, ...] = (),
    **over: Any,
) -> int:
    kwargs: dict[str, Any] = dict(
        kind=kind,
        received_on=received_on or today(),
        channel="letter",
        language="fi",
        signed_on_file=signed,
        original_location="Paloturvakaappi, kansio 2026" if signed else "",
        identity_method="Allekirjoitus verrattu",
        subject_name="Matti Meikäläinen",
        customer_id=customer_id,
        items=items,
        objection_kinds=objection_kinds,
        attachment=Attachment("pyynto.pdf", PDF) if signed else None,
    )
    kwargs.update(over)
    with db.begin() as s:
        return register_request(s, actor, **kwargs).id


def recipient(
    s,
    actor,
    name: str,
    street: str = "Vastaanottajankatu 1",
    postal_code: str = "00100",
    city: str = "Helsinki",
) -> int:
    """The register entry of ``name`` (made with this address the first time it is named)."""
    from sqlalchemy import select

    from core.models import Recipient
    from core.recipients import create_recipient

    found = s.execute(select(Recipient.id).where(Recipient.name == name)).scalar()
    if found is not None:
        return found
    data = {"name": name, "street": street, "postal_code": postal_code, "city": city}
    return create_recipient(s, actor, data).id
