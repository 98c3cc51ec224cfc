"""Retention: who is due for deletion or anonymisation, and the audited batch that does it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import today
from core.customers.service import create_customer, set_objections
from core.errors import PermissionDenied
from core.models import (
    Customer,
    ErasureRecord,
    FieldChange,
    Objection,
    Order,
    Request,
    RequestAttachment,
)
from core.orders import create_order
from core.retention import apply_retention, retention_candidates
from core.security.audit import verify_chain
from tests.conftest import valid_hetu


def _customer(s, manager, first, last_contact, hetu=""):
    data = {"first_name": first, "last_name": "Vanha", "email": f"{first.lower()}@example.fi"}
    if hetu:
        data["hetu"] = hetu
    customer = create_customer(s, manager, data)
    customer.last_contact_on = last_contact
    return customer.id


def _order(s, manager, cid, on, state="paid"):
    create_order(
        s,
        manager,
        cid,
        {"item": "Asunto", "amount": "100", "ordered_on": on, "invoice_state": state},
    )
    s.get(Customer, cid).last_contact_on = on


@pytest.fixture
def register(db, manager):
    """Recent, stale without orders, stale with old orders, stale with recent-ish orders,
    stale with an unpaid invoice, stale with a request being handled."""
    now = today()
    long_ago = now - timedelta(days=365 * 12)
    with db.begin() as s:
        ids = {
            "recent": _customer(s, manager, "Tuore", now - timedelta(days=30)),
            "stale": _customer(
                s, manager, "Unohdettu", now - timedelta(days=365 * 4), valid_hetu(1, 1, 1970, 111)
            ),
            "old_orders": _customer(s, manager, "Entinen", long_ago),
            "kept_by_books": _customer(s, manager, "Kirjanpito", long_ago),
            "unpaid": _customer(s, manager, "Velallinen", long_ago),
            "requesting": _customer(s, manager, "Pyytäjä", long_ago),
        }
        _order(s, manager, ids["old_orders"], long_ago)
        _order(s, manager, ids["kept_by_books"], now - timedelta(days=365 * 4))
        _order(s, manager, ids["unpaid"], long_ago, state="in_collection")
        set_objections(s, manager, ids["stale"], ["direct_marketing"])
        s.add(
            Request(
                number="P-1",
                kind="access",
                customer_id=ids["requesting"],
                received_on=now,
                due_on=now + timedelta(days=30),
                channel="letter",
                state="in_progress",
            )
        )
        s.add(
            Request(
                number="P-2",
                kind="access",
                customer_id=ids["stale"],
                subject_name="Unohdettu Vanha",
                subject_email="unohdettu@example.fi",
                received_on=now - timedelta(days=365 * 5),
                due_on=now - timedelta(days=365 * 5 - 30),
                channel="letter",
                state="completed",
            )
        )
        s.flush()
        s.add(
            RequestAttachment(
                request_id=s.execute(
                    select(Request.id).where(Request.number == "P-2")
                ).scalar_one(),
                filename="scan.pdf",
                content=b"%PDF",
                sha256="0" * 64,
            )
        )
    return ids


def test_due_list_gives_action_and_reason_per_person(db, manager, register) -> None:
    with db.begin() as s:
        due = retention_candidates(s, manager)
    by_id = {c.customer_id: c for c in due}
    assert set(by_id) == {register["stale"], register["old_orders"]}
    stale = by_id[register["stale"]]
    assert stale.action == "delete" and stale.name == "Unohdettu Vanha"
    assert "ei tilauksia" in stale.reason and "3 v" in stale.reason
    old = by_id[register["old_orders"]]
    assert old.action == "anonymise" and old.orders == 1
    assert old.accounting_retention_ended_on is not None
    assert old.accounting_retention_ended_on < today()


def test_batch_deletes_and_anonymises_with_records_and_audit(db, manager, register) -> None:
    with db.begin() as s:
        result = apply_retention(
            s, manager, [register["stale"], register["old_orders"], register["recent"]]
        )
    assert (result.deleted, result.anonymised, result.skipped) == (1, 1, (register["recent"],))
    with db.begin() as s:
        assert s.get(Customer, register["stale"]) is None
        assert (
            s.execute(
                select(FieldChange).where(FieldChange.customer_id == register["stale"])
            ).first()
            is None
        )
        assert (
            s.execute(select(Objection).where(Objection.customer_id == register["stale"])).first()
            is None
        )
        request = s.execute(select(Request).where(Request.number == "P-2")).scalar_one()
        assert (request.customer_id, request.subject_name, request.subject_email) == (None, "", "")
        assert request.pseudonym.startswith("H-") and request.attachments == []
        anon = s.get(Customer, register["old_orders"])
        assert anon.state == "anonymised"
        assert (anon.first_name, anon.email, anon.hetu_index) == ("***", "", None)
        assert (
            s.execute(select(Order).where(Order.customer_id == register["old_orders"]))
            .scalar_one()
            .amount
            == 100
        )
        values = s.execute(
            select(FieldChange.old_value, FieldChange.new_value).where(
                FieldChange.customer_id == register["old_orders"]
            )
        ).all()
        assert all(v == ("", "") for v in values)
        records = {(r.customer_id, r.action) for r in s.execute(select(ErasureRecord)).scalars()}
        assert records == {
            (register["stale"], "retention_deleted"),
            (register["old_orders"], "anonymised"),
        }
        assert verify_chain(s).ok
        assert retention_candidates(s, manager) == []


def test_a_customer_who_came_back_is_not_deleted(db, manager, register) -> None:
    with db.begin() as s:
        due = retention_candidates(s, manager)
    with db.begin() as s:  # meanwhile the person buys something
        _order(s, manager, register["stale"], today())
    with db.begin() as s:
        result = apply_retention(s, manager, [c.customer_id for c in due])
        assert s.get(Customer, register["stale"]).first_name == "Unohdettu"
    assert register["stale"] in result.skipped


def test_retention_years_setting_moves_the_line(db, manager, register) -> None:
    from core.settings import update_settings

    with db.begin() as s:
        update_settings(s, manager, retention_years=5)
        due = {c.customer_id for c in retention_candidates(s, manager)}
    assert register["stale"] not in due and register["old_orders"] in due


def test_retention_is_for_managers_only(db, receptionist) -> None:
    with db.begin() as s, pytest.raises(PermissionDenied):
        retention_candidates(s, receptionist)
    with db.begin() as s, pytest.raises(PermissionDenied):
        apply_retention(s, receptionist, [1])


def test_the_access_report_gives_the_persons_own_retention_dates(db, manager) -> None:
    """Issue 15 point 5: the report says until when this person's contact data is kept, from
    the rule the retention batch applies, and the batch agrees with the date it gives."""
    import json
    from datetime import date

    from core import clock
    from core.requests.documents import produce_access_json, produce_access_report
    from tests.conftest import pdf_text
    from tests.core.requests_helpers import add_order, make_customer, new_request

    quiet = make_customer(db, manager, email="q@example.fi", last_contact_on=date(2025, 1, 15))
    buyer = make_customer(db, manager, email="b@example.fi", last_contact_on=date(2025, 1, 15))
    add_order(db, manager, buyer, date(2024, 5, 1), invoice_state="open")
    texts = {}
    for cid, lang in ((quiet, "fi"), (buyer, "fi"), (buyer, "en")):
        rid = new_request(db, manager, "access", customer_id=cid)
        with db.begin() as s:
            texts[cid, lang] = " ".join(
                pdf_text(produce_access_report(s, manager, rid, lang).content).split()
            )
            exported = json.loads(produce_access_json(s, manager, rid, lang).content)
    assert (
        "Yhteystietojanne säilytetään 14.1.2028 asti, ellette sitä ennen ota meihin yhteyttä "
        "tai tilaa meiltä: ne säilytetään 3 vuotta viimeisimmästä yhteydenotostanne tai "
        "tilauksestanne, joka oli 15.1.2025."
    ) in texts[quiet, "fi"]
    assert "Yhteystietojanne säilytetään 31.12.2030 asti" in texts[buyer, "fi"]
    assert "kirjanpitoaineisto säilytetään 31.12.2030 asti" in texts[buyer, "fi"]
    assert "kunnes lasku on maksettu" in texts[buyer, "fi"]
    assert "Your contact details are kept until 2030-12-31" in texts[buyer, "en"]
    assert exported["contact_retention"]["until"] == "2030-12-31"
    # The batch deletes such a customer (here one with no request open) the day after the
    # date the report gives, not before.
    from core.retention import contact_retention

    twin = make_customer(db, manager, email="t@example.fi", last_contact_on=date(2025, 1, 15))
    with db.begin() as s:
        assert contact_retention(s, twin).until == date(2028, 1, 14)
    try:
        clock.shift((date(2028, 1, 14) - today()).days * 86400)
        with db.begin() as s:
            assert twin not in {c.customer_id for c in retention_candidates(s, manager)}
        clock.shift(86400)
        with db.begin() as s:
            assert twin in {c.customer_id for c in retention_candidates(s, manager)}
    finally:
        clock.reset()
