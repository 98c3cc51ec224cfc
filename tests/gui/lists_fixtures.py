"""Helpers for the customer and order screen tests (kept out of tests/gui/conftest.py, which
the app-shell tests own)."""

from __future__ import annotations

from typing import Any

from core import orders
from core.customers import service as customers
from core.db import Database
from core.security.permissions import Actor
from gui.context import AppContext
from gui.tasks import SyncTaskRunner


def make_ctx(db: Database, actor: Actor) -> AppContext:
    return AppContext(db=db, actor=actor, tasks=SyncTaskRunner())


def add_customer(db: Database, actor: Actor, **data: Any) -> int:
    values = {"first_name": "Matti", "last_name": "Virtanen", "source": "shop"} | data
    with db.begin() as s:
        return customers.create_customer(s, actor, values).id


def add_order(db: Database, actor: Actor, customer_id: int, **data: Any) -> int:
    values = {"item": "Kaksio, Hämeentie 5", "amount": "1000"} | data
    with db.begin() as s:
        return orders.create_order(s, actor, customer_id, values).id
