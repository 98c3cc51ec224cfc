"""Erasure and anonymisation: legal holds, the three outcomes, the purge, no trace left."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import select

from core import clock
from core.clock import today
from core.disclosures import record_disclosure
from core.errors import PermissionDenied, ValidationErrors
from core.legal_holds import check_legal_holds
from core.models import (
    AuditEntry,
    Customer,
    Disclosure,
    ErasureRecord,
    FieldChange,
    Order,
    Request,
    RequestAttachment,
    RequestItem,
)
from core.requests import (
    ItemInput,
    anonymise,
    decide_rectification,
    erase,
    mailing_candidates,
    purge_expired_restrictions,
)
from core.requests.documents import produce_erasure_decision
from core.requests.workflow import get_request
from tests.conftest import valid_hetu
from tests.core.requests_helpers import add_order, make_customer, new_request, recipient

RETAINED_YEAR = today().year - 3  # inside the 6-year bookkeeping retention
EXPIRED_YEAR = today().year - 8  # its retention ended long ago


def test_erasure_refused_while_an_invoice_is_open_or_in_collection(db, manager) -> None:
    for state, kind in (("open", "open_invoice"), ("in_collection", "in_collection")):
        cid = make_customer(db, manager, email=f"{state}@example.fi")
        number = add_order(db, manager, cid, date(RETAINED_YEAR, 5, 1), invoice_state=state)
        rid = new_request(db, manager, "erasure", customer_id=cid)
        with db.begin() as s:
            holds = check_legal_holds(s, cid)
            assert any(h.kind == kind and h.blocks and number in h.order_numbers for h in holds)
            outcome = erase(s, manager, rid)
            assert outcome.outcome == "refused"
            assert number in outcome.decision.reasons
            pdf = produce_erasure_decision(s, manager, rid, outcome.decision)
            assert pdf.content.startswith(b"%PDF")
        with db.begin() as s:
            req = get_request(s, rid)
            assert req.state == "refused" and req.decided_by_id == manager.user_id
            c = s.get(Customer, cid)
            assert c.state == "active" and c.email  # nothing erased
            # ... but marketing stops at once
            assert {o.kind for o in c.objections} == {
                "direct_marketing",
                "distance_selling",
                "research",
                "publication",
            }


def test_partial_erasure_keeps_orders_in_retention_and_restricts_until_it_ends(db, manager):
    hetu = valid_hetu(7, 7, 1977, 345)
    cid = make_customer(db, manager, hetu=hetu)
    kept_old = add_order(db, manager, cid, date(RETAINED_YEAR - 1, 3, 1))
    kept_new = add_order(db, manager, cid, date(RETAINED_YEAR, 9, 1))
    with db.begin() as s:
        record_disclosure(
            s, manager, cid, recipient(s, manager, "Perintä Oy"), "debt_collection", ["first_name"]
        )
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        outcome = erase(s, manager, rid)
    assert outcome.outcome == "partly"
    assert outcome.restricted_until == date(RETAINED_YEAR + 6, 12, 31)
    assert outcome.recipients == ("Perintä Oy",)
    assert outcome.decision.retention_until == outcome.restricted_until
    assert outcome.decision.addressee.street == "Kauppakatu 1"  # letter addressed before
    with db.begin() as s:
        c = s.get(Customer, cid)
        assert c.state == "restricted" and c.restricted_until == outcome.restricted_until
        assert (c.first_name, c.last_name) == ("Matti", "Meikäläinen")
        assert c.email == c.phone == c.street == "" and c.hetu_encrypted is None
        assert not c.objections
        numbers = set(s.execute(select(Order.number).where(Order.customer_id == cid)).scalars())
        assert numbers == {kept_old, kept_new}
        assert s.execute(select(Disclosure.customer_id)).scalar_one() is None
        assert s.execute(select(RequestAttachment)).first() is None
        assert get_request(s, rid).state == "completed"
        assert s.execute(select(ErasureRecord.action)).scalar_one() == "partly_erased"
        assert not mailing_candidates(s, manager)


def test_restricted_customer_is_purged_when_retention_ends(db, manager) -> None:
    cid = make_customer(db, manager)
    add_order(db, manager, cid, date(RETAINED_YEAR, 2, 1))
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        until = erase(s, manager, rid).restricted_until
    with db.begin() as s:
        assert purge_expired_restrictions(s, manager) == []  # not yet
    clock.shift(((until - today()).days + 1) * 86400)
    with db.begin() as s:
        assert purge_expired_restrictions(s, manager) == [cid]
    with db.begin() as s:
        assert s.get(Customer, cid) is None
        assert s.execute(select(Order)).first() is None
        actions = s.execute(select(ErasureRecord.action).order_by(ErasureRecord.id)).scalars()
        assert list(actions) == ["partly_erased", "purged"]
        assert (
            s.execute(select(AuditEntry).where(AuditEntry.action == "customer.purged")).first()
            is not None
        )
        req = get_request(s, rid)
        assert req.customer_id is None and req.pseudonym.startswith("H-")


def test_full_erasure_leaves_no_personal_value_in_the_database_file(db, manager) -> None:
    if not db.is_sqlite:
        pytest.skip("reads the SQLite file's bytes")
    unique = {
        "first_name": "Zyxwortinen",
        "last_name": "Qvarnstromblad",
        "email": "qvx.unique.person@example.fi",
        "street": "Ylläpitäjänpolku 77",
        "phone": "040 987 6543",
        "organisation": "Ainutlaatu Oy",
    }
    hetu = valid_hetu(9, 9, 1959, 456)
    cid = make_customer(db, manager, hetu=hetu, **unique)
    add_order(db, manager, cid, date(EXPIRED_YEAR, 4, 1))
    with db.begin() as s:
        from core.customers.service import update_customer

        update_customer(s, manager, cid, {"city": "Oulunsalohelmi"}, None)
        record_disclosure(
            s,
            manager,
            cid,
            recipient(s, manager, "Luottotieto Oy"),
            "credit_decision",
            ["first_name"],
        )
    rid = new_request(
        db,
        manager,
        "erasure",
        customer_id=cid,
        subject_name="Zyxwortinen Qvarnstromblad",
        subject_email="qvx.unique.person@example.fi",
        subject_address="Ylläpitäjänpolku 77",
    )
    rect = new_request(
        db,
        manager,
        "rectification",
        customer_id=cid,
        items=(ItemInput("last_name", "Qvarnstrombladintytär", "naimisiin"),),
    )
    with db.begin() as s:
        decide_rectification(
            s, manager, get_request(s, rect).items[0].id, False, "Ei virallista tietoa"
        )
    # The app keeps running: another desk's connection stays open (idle) all along, and
    # nothing here checkpoints or closes the database before its bytes are read.
    other = sqlite3.connect(db.path)
    assert other.execute("SELECT count(*) FROM customers").fetchone() == (1,)
    wal = db.path.with_name(db.path.name + "-wal")
    assert b"Zyxwortinen" in wal.read_bytes()  # the WAL held the person before the erasure
    with db.begin() as s:
        outcome = erase(s, manager, rid)
        assert outcome.outcome == "erased" and outcome.recipients == ("Luottotieto Oy",)
    with db.engine.connect() as conn:
        # zeroed free space on every platform (Debian builds have it on by default, the
        # python.org Windows build does not)
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        # the search index holds none of the name's trigrams any more
        terms = conn.exec_driver_sql(
            "SELECT term FROM customers_fts_terms WHERE term IN ('zyx', 'yxw', 'qva', 'rns')"
        )
        assert terms.all() == []
    raw = b""
    for suffix in ("", "-wal", "-journal"):
        path = db.path.with_name(db.path.name + suffix)
        if path.exists():
            raw += path.read_bytes()
    other.close()
    for value in [
        *unique.values(),
        "Oulunsalohelmi",
        "Qvarnstrombladintytär",
        hetu,
        "+358409876543",
        "naimisiin",
    ]:
        assert value.encode("utf-8") not in raw, value
    with db.begin() as s:
        assert s.get(Customer, cid) is None
        assert s.execute(select(FieldChange).where(FieldChange.customer_id == cid)).first() is None
        tomb = get_request(s, rid)
        assert tomb.pseudonym and tomb.state == "completed" and tomb.decision == "erased"
        assert s.execute(select(ErasureRecord.customer_id)).scalar_one() == cid
        assert s.execute(select(Disclosure.recipient)).scalar_one() == "Luottotieto Oy"
        assert s.execute(select(Request.subject_name)).scalars().all() == ["", ""]


def test_anonymisation_keeps_orders_without_the_person(db, manager) -> None:
    cid = make_customer(db, manager, hetu=valid_hetu(1, 1, 1980, 111))
    number = add_order(db, manager, cid, date(RETAINED_YEAR, 1, 10))
    rid = new_request(db, manager, "anonymisation", customer_id=cid)
    with db.begin() as s:
        outcome = anonymise(s, manager, rid)
        assert outcome.outcome == "erased"
    with db.begin() as s:
        c = s.get(Customer, cid)
        assert c.state == "anonymised" and c.first_name == c.last_name == "***"
        assert c.email == c.phone == c.street == c.city == "" and c.hetu_index is None
        assert (
            s.execute(select(Order.number).where(Order.customer_id == cid)).scalar_one() == number
        )
        assert get_request(s, rid).decision == "anonymised"
        assert s.execute(select(ErasureRecord.action)).scalar_one() == "anonymised"
        assert s.execute(select(FieldChange).where(FieldChange.customer_id == cid)).first() is None


def test_receptionist_cannot_erase_or_anonymise(db, manager, receptionist) -> None:
    cid = make_customer(db, manager)
    rid = new_request(db, receptionist, "erasure", customer_id=cid)
    aid = new_request(db, receptionist, "anonymisation", customer_id=cid)
    with db.begin() as s:
        with pytest.raises(PermissionDenied):
            erase(s, receptionist, rid)
        with pytest.raises(PermissionDenied):
            anonymise(s, receptionist, aid)


def test_disclosure_accepts_only_statement_purposes_and_eea_justification(db, manager):
    cid = make_customer(db, manager)
    with db.begin() as s:
        with pytest.raises(ValidationErrors) as exc:
            record_disclosure(
                s, manager, cid, recipient(s, manager, "Mainostoimisto Oy"), "marketing", ["email"]
            )
        assert "purpose" in exc.value.by_field()
        with pytest.raises(ValidationErrors) as exc:
            record_disclosure(
                s,
                manager,
                cid,
                recipient(s, manager, "Cloud Inc"),
                "partner_processing",
                ["email"],
                outside_eea=True,
            )
        assert "outside_eea_justification" in exc.value.by_field()
        row = record_disclosure(
            s,
            manager,
            cid,
            recipient(s, manager, "Cloud Inc"),
            "partner_processing",
            ["email"],
            outside_eea=True,
            justification="partner_technical_implementation",
        )
        assert row.outside_eea and row.outside_eea_justification


@pytest.mark.parametrize("mode", ["erased", "partly", "anonymised"])
def test_erasure_wipes_staff_free_text_about_the_person_from_every_request(db, manager, mode):
    """The name written into every free-text field of the person's requests (identity check,
    filing place, extension, decision and item reasons, item values) is gone after erasure or
    anonymisation: every column of every row of the request tables is read back."""
    from sqlalchemy import text

    from core.requests import extend_deadline, refuse_request, withdraw_request

    name = "Zorgwald"
    cid = make_customer(db, manager)
    if mode == "partly":
        add_order(db, manager, cid, date(RETAINED_YEAR, 2, 1))
    written = dict(
        customer_id=cid,
        subject_name=f"{name} Meikäläinen",
        subject_email=f"{name.lower()}@example.fi",
        subject_address=f"{name}inkatu 3",
        identity_method=f"Ajokortti, {name} tunnistettu kasvoista",
        original_location=f"Kansio {name}",
    )
    rect = new_request(
        db,
        manager,
        "rectification",
        items=(
            ItemInput("last_name", f"{name}-Virtanen", f"{name} meni naimisiin"),
            ItemInput("city", "Espoo", f"{name} muutti"),
        ),
        **written,
    )
    refused = new_request(db, manager, "access", **written)
    withdrawn = new_request(db, manager, "access", **written)
    kind = "anonymisation" if mode == "anonymised" else "erasure"
    rid = new_request(db, manager, kind, **written)
    with db.begin() as s:
        items = get_request(s, rect).items
        decide_rectification(s, manager, items[0].id, True, f"{name} todisti vihkitodistuksella")
        decide_rectification(s, manager, items[1].id, False, f"{name} ei asu Espoossa")
        extend_deadline(s, manager, rid, 1, f"{name} toimitti lisää asiakirjoja")
        refuse_request(s, manager, refused, f"{name} ei ole sama henkilö")
        withdraw_request(s, manager, withdrawn, f"{name} soitti ja perui")
    with db.begin() as s:
        act = anonymise if mode == "anonymised" else erase
        assert act(s, manager, rid, f"{name} pyysi kirjeitse").outcome == (
            "erased" if mode != "partly" else "partly"
        )
    with db.begin() as s:
        for table in ("requests", "request_items", "request_attachments", "documents"):
            rows = s.execute(text(f"SELECT * FROM {table}")).all()
            for row in rows:
                for value in row:
                    shown = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    assert name.lower() not in shown.lower(), (table, row)
        reqs = s.execute(select(Request).order_by(Request.id)).scalars().all()
        assert len(reqs) == 4 and len({r.pseudonym for r in reqs}) == 1
        assert [(r.kind, r.state) for r in reqs] == [
            ("rectification", "in_progress"),
            ("access", "refused"),
            ("access", "withdrawn"),
            (kind, "completed"),
        ]
        assert reqs[-1].decision == {"erased": "erased", "partly": "partly"}.get(mode, "anonymised")
        assert reqs[-1].extended_due_on is not None and reqs[-1].received_on == today()
        items = s.execute(select(RequestItem).order_by(RequestItem.id)).scalars().all()
        assert [(i.field, i.decision) for i in items] == [
            ("last_name", "accepted"),
            ("city", "refused"),
        ]
