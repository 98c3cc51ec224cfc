"""Duplicates: finding likely pairs and merging two customers without losing anything."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.customers.duplicates import find_duplicates, merge_customers
from core.customers.service import (
    create_customer,
    customer_detail,
    customer_history,
    hetu_of,
    set_objections,
    update_customer,
)
from core.errors import PermissionDenied, ValidationError
from core.models import Customer, Disclosure, Document, Objection, Order, Request
from core.orders import create_order
from core.security.audit import verify_chain
from tests.conftest import valid_hetu

HETU = valid_hetu(13, 10, 1952, 308)


def _new(s, manager, **data):
    return create_customer(s, manager, {"last_name": "Virtanen", **data}).id


def test_finds_pairs_by_hetu_email_and_name_with_postal_code(db, manager) -> None:
    with db.begin() as s:
        a = _new(s, manager, first_name="Anna", email="anna@example.fi", postal_code="00100")
        b = _new(s, manager, first_name="Anni", email="ANNA@example.fi")
        c = _new(s, manager, first_name="anna", last_name="VIRTANEN", postal_code="00100")
        _new(s, manager, first_name="Ville", hetu=HETU)
        _new(s, manager, first_name="Ville", postal_code="33100")
        _new(s, manager, first_name="Eero", postal_code="00100")
        # The same hetu can no longer be stored twice at all (unique index, migration 0006).
        pairs = find_duplicates(s, manager)
    assert [(p.a_id, p.b_id, p.reason) for p in pairs] == [
        (a, b, "same_email"),
        (a, c, "same_name_postal"),
    ]
    assert (pairs[0].a_name, pairs[0].b_name) == ("Anna Virtanen", "Anni Virtanen")


@pytest.fixture
def two(db, manager):
    with db.begin() as s:
        keep = _new(s, manager, first_name="Anna", postal_code="00100", city="Helsinki")
        remove = _new(
            s,
            manager,
            first_name="Anna",
            postal_code="00100",
            email="anna@example.fi",
            phone="040 123 4567",
            hetu=HETU,
        )
        create_order(s, manager, keep, {"item": "Asunto A", "amount": "100"})
        create_order(s, manager, remove, {"item": "Asunto B", "amount": "200"})
        create_order(s, manager, remove, {"item": "Vuokraus", "amount": "300"})
        update_customer(s, manager, remove, {"street": "Vanha tie 1"}, None)
        update_customer(s, manager, remove, {"street": ""}, None)
        s.add(
            Request(
                number="P-1",
                kind="access",
                customer_id=remove,
                received_on=date(2024, 1, 1),
                due_on=date(2024, 2, 1),
                channel="letter",
            )
        )
        s.add(
            Disclosure(
                customer_id=remove,
                recipient="Perintä Oy",
                purpose="debt_collection",
                disclosed_on=date(2024, 1, 1),
            )
        )
        s.add(Document(kind="access_report", language="fi", customer_id=remove, sha256="0"))
        set_objections(s, manager, keep, ["direct_marketing", "research"])
        set_objections(s, manager, remove, ["direct_marketing", "publication"])
        s.flush()
        # The removed customer's marketing prohibition is the older one.
        s.execute(
            select(Objection).where(
                Objection.customer_id == remove, Objection.kind == "direct_marketing"
            )
        ).scalar_one().set_on = date(2020, 5, 1)
    return keep, remove


def test_merge_keeps_orders_requests_history_and_the_older_objection(db, manager, two) -> None:
    keep, remove = two
    with db.begin() as s:
        result = merge_customers(s, manager, keep, remove)
    assert set(result.filled) == {"email", "phone", "hetu"}
    with db.begin() as s:
        assert s.get(Customer, remove) is None
        kept = s.get(Customer, keep)
        assert (kept.city, kept.email, kept.phone) == (
            "Helsinki",
            "anna@example.fi",
            "+358401234567",
        )
        assert hetu_of(s, kept) == HETU
        assert (
            s.execute(select(func.count(Order.id)).where(Order.customer_id == keep)).scalar_one()
            == 3
        )
        for model in (Request, Disclosure, Document):
            assert s.execute(select(model.customer_id)).scalar_one() == keep
        detail = customer_detail(s, manager, keep)
        objections = {o.kind: o.set_on for o in detail.objections}
        assert set(objections) == {"direct_marketing", "research", "publication"}
        assert objections["direct_marketing"] == date(2020, 5, 1)
        history = customer_history(s, manager, keep)
        assert any(h.field == "street" and h.old_value == "Vanha tie 1" for h in history)
        assert {h.field for h in history if h.source == "data.merge.history_source"} >= {
            "email",
            "phone",
            "hetu",
            "*merge",
        }
        assert verify_chain(s).ok
        assert find_duplicates(s, manager) == []


def test_merge_is_for_managers_and_refuses_merging_with_itself(
    db, manager, receptionist, two
) -> None:
    keep, remove = two
    with db.begin() as s, pytest.raises(PermissionDenied):
        merge_customers(s, receptionist, keep, remove)
    with db.begin() as s, pytest.raises(ValidationError):
        merge_customers(s, manager, keep, keep)
    with db.begin() as s:
        assert s.get(Customer, remove) is not None


def test_different_valid_hetus_are_never_duplicates(db, manager) -> None:
    with db.begin() as s:
        _new(s, manager, first_name="Aino", email="perhe@example.fi", hetu=HETU)
        _new(s, manager, first_name="Aino", email="perhe@example.fi", hetu=valid_hetu(1, 2, 1980))
        _new(s, manager, first_name="Eino", postal_code="96100", hetu=valid_hetu(2, 3, 1970))
        _new(s, manager, first_name="Eino", postal_code="96100", hetu=valid_hetu(3, 4, 1971))
        assert find_duplicates(s, manager) == []


def test_same_name_and_postal_code_at_different_streets_are_two_people(db, manager) -> None:
    with db.begin() as s:
        _new(s, manager, first_name="Aino", postal_code="96100", street="Koskikatu 1")
        _new(s, manager, first_name="Aino", postal_code="96100", street="Valtakatu 9")
        assert find_duplicates(s, manager) == []


def test_duplicates_are_ranked_by_how_many_details_agree(db, manager) -> None:
    with db.begin() as s:
        weak_a = _new(s, manager, first_name="Eero", postal_code="00100")
        weak_b = _new(s, manager, first_name="Eero", postal_code="00100")
        strong_a = _new(
            s, manager, first_name="Liisa", email="liisa@example.fi", phone="040 123 4567"
        )
        strong_b = _new(
            s, manager, first_name="Liisa", email="liisa@example.fi", phone="0401234567"
        )
        pairs = find_duplicates(s, manager)
        assert [(p.a_id, p.b_id) for p in pairs] == [(strong_a, strong_b), (weak_a, weak_b)]
        assert pairs[0].strength > pairs[1].strength
        assert [(p.a_id, p.b_id) for p in find_duplicates(s, manager, limit=1)] == [
            (strong_a, strong_b)
        ]
