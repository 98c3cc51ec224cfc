"""A partly erased customer is restricted (GDPR Art. 18): read-only until the purge or a
manager's lifting of the restriction, purged at the first login after the end date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import orders
from core.clock import today
from core.customers.service import set_archived, update_customer
from core.errors import PermissionDenied, ValidationError
from core.models import AuditEntry, Customer, Order
from core.requests import ItemInput, decide_rectification, erase, lift_restriction
from core.requests.workflow import get_request
from tests.core.requests_helpers import add_order, make_customer, new_request

RETAINED_YEAR = today().year - 3  # inside the 6-year bookkeeping retention


def restricted_customer(db, manager) -> tuple[int, date]:
    cid = make_customer(db, manager)
    add_order(db, manager, cid, date(RETAINED_YEAR, 2, 1))
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        until = erase(s, manager, rid).restricted_until
    assert until is not None
    return cid, until


def assert_refused_naming_the_end(exc: pytest.ExceptionInfo, until: date) -> None:
    assert f"{until.day}.{until.month}.{until.year}" in exc.value.message("fi")
    assert "rajoitettu" in exc.value.message("fi")
    assert until.isoformat() in exc.value.message("en")


def test_restricted_customer_cannot_be_updated_or_archived(db, manager) -> None:
    cid, until = restricted_customer(db, manager)
    for change in (
        lambda s: update_customer(s, manager, cid, {"email": "uusi@example.fi"}, None),
        lambda s: set_archived(s, manager, cid, True),
    ):
        with db.begin() as s, pytest.raises(ValidationError) as exc:
            change(s)
        assert_refused_naming_the_end(exc, until)
    with db.begin() as s:
        c = s.get(Customer, cid)
        assert c.email == "" and not c.archived


def test_restricted_customers_orders_cannot_be_added_or_changed(db, manager) -> None:
    cid, until = restricted_customer(db, manager)
    with db.begin() as s:
        order = s.execute(select(Order).where(Order.customer_id == cid)).scalar_one()
        order_id, amount = order.id, order.amount
    new = {"item": "Vuokrapalkkio", "amount": Decimal("10.00"), "ordered_on": today()}
    for change in (
        lambda s: orders.create_order(s, manager, cid, new),
        lambda s: orders.update_order(s, manager, order_id, {"amount": Decimal("1.00")}, None),
        lambda s: orders.set_invoice_state(s, manager, order_id, "open"),
        lambda s: orders.set_archived(s, manager, order_id, True),
    ):
        with db.begin() as s, pytest.raises(ValidationError) as exc:
            change(s)
        assert_refused_naming_the_end(exc, until)
    with db.begin() as s:
        rows = s.execute(select(Order).where(Order.customer_id == cid)).scalars().all()
        assert [(o.amount, o.invoice_state, o.archived) for o in rows] == [(amount, "paid", False)]


def test_rectification_of_a_restricted_customer_is_refused(db, manager) -> None:
    cid = make_customer(db, manager)
    add_order(db, manager, cid, date(RETAINED_YEAR, 2, 1))
    rect = new_request(
        db,
        manager,
        "rectification",
        customer_id=cid,
        items=(ItemInput("last_name", "Virtanen", "naimisiin"),),
    )
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        until = erase(s, manager, rid).restricted_until
    with db.begin() as s, pytest.raises(ValidationError) as exc:
        decide_rectification(s, manager, get_request(s, rect).items[0].id, True)
    assert_refused_naming_the_end(exc, until)
    with db.begin() as s:
        assert s.get(Customer, cid).last_name == "Meikäläinen"
        assert get_request(s, rect).items[0].decision == "pending"


def test_manager_lifts_a_restriction_audited_and_the_customer_is_editable(
    db, manager, receptionist
) -> None:
    cid, _ = restricted_customer(db, manager)
    with db.begin() as s, pytest.raises(PermissionDenied):
        lift_restriction(s, receptionist, cid)
    with db.begin() as s:
        lift_restriction(s, manager, cid)
    with db.begin() as s:
        c = s.get(Customer, cid)
        assert c.state == "active" and c.restricted_until is None
        entry = s.execute(
            select(AuditEntry).where(AuditEntry.action == "customer.restriction_lifted")
        ).scalar_one()
        assert entry.username == "manager" and entry.entity_id == str(cid)
        update_customer(s, manager, cid, {"email": "uusi@example.fi"}, None)
    with db.begin() as s, pytest.raises(ValidationError) as exc:
        lift_restriction(s, manager, cid)  # nothing to lift any more
    assert "ei ole rajoitettu" in exc.value.message("fi")


def test_restricted_customer_is_purged_at_the_first_login_after_its_end(
    db, manager, receptionist
) -> None:
    """Nobody opens the Retention page: the receptionist's first login after the end date
    purges the customer, by the system user, audited."""
    from core import clock
    from core.login import log_in
    from core.models import ErasureRecord
    from tests.conftest import RECEPTIONIST_PASSWORD

    cid, until = restricted_customer(db, manager)
    log_in(db, "reception", RECEPTIONIST_PASSWORD)
    with db.begin() as s:
        assert s.get(Customer, cid).state == "restricted"  # not yet
    clock.shift(((until - today()).days + 1) * 86400)
    assert log_in(db, "reception", RECEPTIONIST_PASSWORD).username == "reception"
    with db.begin() as s:
        assert s.get(Customer, cid) is None
        assert s.execute(select(Order)).first() is None
        purged = s.execute(
            select(AuditEntry).where(AuditEntry.action == "customer.purged")
        ).scalar_one()
        assert purged.username == "system" and purged.entity_id == str(cid)
        actions = s.execute(select(ErasureRecord.action).order_by(ErasureRecord.id)).scalars()
        assert list(actions) == ["partly_erased", "purged"]


def test_retention_page_lists_restricted_customers_with_their_end_dates(db, manager) -> None:
    from core import clock
    from core.retention import restricted_customers

    cid, until = restricted_customer(db, manager)
    active = make_customer(db, manager, email="toinen@example.fi")
    with db.begin() as s:
        rows = restricted_customers(s, manager)
    assert [(r.customer_id, r.name, r.restricted_until, r.due) for r in rows] == [
        (cid, "Matti Meikäläinen", until, False)
    ]
    assert active not in {r.customer_id for r in rows}
    clock.shift(((until - today()).days + 1) * 86400)
    with db.begin() as s:
        assert [r.due for r in restricted_customers(s, manager)] == [True]
