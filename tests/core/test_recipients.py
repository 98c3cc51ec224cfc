"""Issue 15 point 3: notices only to real addressees. The register of recipients and sources,
the office's own channels never addressed, and a notice to an entry without a postal address
refused before anything is produced."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from core.disclosures import list_disclosures, record_disclosure
from core.errors import PermissionDenied, ValidationErrors
from core.models import AuditEntry, Customer, Disclosure, Document, RequestItem
from core.recipients import (
    RecipientIncomplete,
    create_recipient,
    is_complete,
    list_recipients,
    update_recipient,
)
from core.requests import ItemInput, decide_rectification, erase, finish_rectification
from core.requests.documents import produce_correction_notices
from core.requests.rectification import notification_targets
from tests.conftest import pdf_text
from tests.core.requests_helpers import make_customer, new_request

ASUNTOTIETO = {"name": "Asuntotieto Oy", "business_id": "1572860-0", "city": "Helsinki"}


def test_the_register_validates_business_id_and_email_and_audits(db, manager, receptionist):
    with db.begin() as s:
        with pytest.raises(ValidationErrors) as exc:
            create_recipient(s, manager, {"name": "X Oy", "business_id": "1234567-8"})
        assert "business_id" in exc.value.by_field()
        with pytest.raises(ValidationErrors) as exc:
            create_recipient(s, manager, {"name": "X Oy", "email": "ei sähköposti"})
        assert "email" in exc.value.by_field()
        with pytest.raises(ValidationErrors) as exc:
            create_recipient(s, manager, {"name": "X Oy", "postal_code": "123"})
        assert "postal_code" in exc.value.by_field()
        with pytest.raises(PermissionDenied):
            create_recipient(s, receptionist, ASUNTOTIETO)
        row = create_recipient(s, manager, {**ASUNTOTIETO, "business_id": "15728600"})
        assert row.business_id == "1572860-0" and not is_complete(row)
        update_recipient(
            s, manager, row.id, {**ASUNTOTIETO, "street": "Tietotie 1", "postal_code": "00100"}
        )
        assert is_complete(row)
        assert [r.name for r in list_recipients(s, receptionist)] == ["Asuntotieto Oy"]
        actions = s.execute(
            select(AuditEntry.action).where(AuditEntry.entity == "recipient")
        ).scalars()
        assert list(actions) == ["recipient.create", "recipient.update"]


def _rectified_customer(db, manager, **customer):
    cid = make_customer(db, manager, **customer)
    rid = new_request(
        db, manager, "rectification", customer_id=cid, items=(ItemInput("city", "Espoo"),)
    )
    return cid, rid


def _decide(db, manager, rid):
    with db.begin() as s:
        item = s.execute(select(RequestItem.id).where(RequestItem.request_id == rid)).scalar()
        decide_rectification(s, manager, item, True)
        finish_rectification(s, manager, rid)


def test_a_notice_to_a_recipient_without_address_is_refused_naming_it(db, manager):
    cid, rid = _rectified_customer(db, manager, source="shop")
    with db.begin() as s:
        entry = create_recipient(s, manager, ASUNTOTIETO)
        full = create_recipient(
            s,
            manager,
            {
                "name": "Perintä Oy",
                "street": "Perintäkuja 3",
                "postal_code": "33100",
                "city": "Tampere",
            },
        )
        record_disclosure(s, manager, cid, full.id, "debt_collection", ["city"])
        record_disclosure(s, manager, cid, entry.id, "credit_decision", ["city"])
        entry_id = entry.id
    _decide(db, manager, rid)
    with db.begin() as s, pytest.raises(RecipientIncomplete) as exc:
        produce_correction_notices(s, manager, rid)
    assert exc.value.message("fi") == (
        "Vastaanottajan Asuntotieto Oy tiedoista puuttuu: katuosoite, postinumero. "
        "Täydennä ne vastaanottajarekisteriin."
    )
    assert exc.value.message("en") == (
        "The details of the recipient Asuntotieto Oy lack: street address, postal code. "
        "Complete them in the register of recipients."
    )
    with db.begin() as s:
        # Nothing was produced, not even the notice to the complete entry; the decision stays.
        assert s.execute(select(Document)).first() is None
        assert s.get(Customer, cid).city == "Espoo"
        update_recipient(
            s, manager, entry_id, {**ASUNTOTIETO, "street": "Tietotie 1", "postal_code": "00100"}
        )
    with db.begin() as s:
        notices = produce_correction_notices(s, manager, rid)
    texts = [pdf_text(n.content) for n in notices]
    assert len(texts) == 2
    assert any("Asuntotieto Oy" in c and "Tietotie 1" in c and "00100" in c for c in texts)


def test_the_offices_own_sales_channel_is_never_an_addressee(db, manager):
    cid, rid = _rectified_customer(db, manager, source="shop")
    _decide(db, manager, rid)
    with db.begin() as s:
        targets = notification_targets(s, manager, rid)
        assert [(t.label("fi"), t.not_addressed) for t in targets] == [("Myymälä", "own_channel")]
        assert produce_correction_notices(s, manager, rid) == []


def test_an_erasure_is_refused_before_anything_goes_when_a_recipient_has_no_address(db, manager):
    cid = make_customer(db, manager)
    with db.begin() as s:
        entry = create_recipient(s, manager, ASUNTOTIETO)
        record_disclosure(s, manager, cid, entry.id, "credit_decision", ["email"])
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s, pytest.raises(RecipientIncomplete):
        erase(s, manager, rid)
    with db.begin() as s:
        assert s.get(Customer, cid).first_name == "Matti"


def test_a_disclosure_points_at_its_register_entry_and_keeps_the_address_of_its_day(db, manager):
    cid = make_customer(db, manager)
    with db.begin() as s:
        with pytest.raises(ValidationErrors) as exc:
            record_disclosure(s, manager, cid, 999, "credit_decision", ["email"])
        assert "recipient" in exc.value.by_field()
        entry = create_recipient(
            s, manager, {**ASUNTOTIETO, "street": "Tietotie 1", "postal_code": "00100"}
        )
        row = record_disclosure(s, manager, cid, entry.id, "credit_decision", ["email"])
        assert row.recipient_id == entry.id
        update_recipient(s, manager, entry.id, {**ASUNTOTIETO, "street": "Uusikatu 2"})
        shown = list_disclosures(s, manager, cid)[0]
        assert shown.recipient == "Asuntotieto Oy"
        assert shown.recipient_address == "Tietotie 1\n00100 Helsinki"


def test_migration_0011_moves_disclosure_recipients_into_the_register(db, manager):
    from alembic import command
    from alembic.config import Config

    from core.db import MIGRATIONS, run_migrations

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cid = make_customer(db, manager)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010")
    assert "recipients" not in inspect(db.engine).get_table_names()
    with db.engine.begin() as conn:
        for name, address in (
            ("Perintä Oy", ""),
            ("Perintä Oy", "Perintäkuja 3\n33100 Tampere"),
            ("Luottotieto Oy", "PL 16"),
        ):
            conn.execute(
                text(
                    "INSERT INTO disclosures (customer_id, recipient, recipient_address, purpose,"
                    " disclosed_on, data_fields, outside_eea, outside_eea_justification,"
                    " created_by, created_at) VALUES (:c, :r, :a, 'debt_collection',"
                    " '2025-01-02', 'email', false, '', 'manager', '2025-01-02 10:00:00')"
                ),
                {"c": cid, "r": name, "a": address},
            )
    run_migrations(db.engine)
    with db.begin() as s:
        rows = {r.name: r for r in list_recipients(s, manager)}
        assert set(rows) == {"Perintä Oy", "Luottotieto Oy"}
        perinta = rows["Perintä Oy"]
        assert (perinta.street, perinta.postal_code, perinta.city) == (
            "Perintäkuja 3",
            "33100",
            "Tampere",
        )
        assert rows["Luottotieto Oy"].street == "PL 16" and not is_complete(rows["Luottotieto Oy"])
        linked = s.execute(select(Disclosure.recipient, Disclosure.recipient_id)).all()
        assert {(n, i) for n, i in linked} == {
            ("Perintä Oy", perinta.id),
            ("Luottotieto Oy", rows["Luottotieto Oy"].id),
        }
