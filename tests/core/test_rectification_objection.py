"""Rectification (decide items, apply with history, notify) and objection (mailing lists)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.customers.service import customer_history, reveal_hetu
from core.disclosures import record_disclosure
from core.errors import PermissionDenied, ValidationError
from core.models import Customer, RequestItem
from core.requests import (
    ItemInput,
    apply_objection,
    decide_rectification,
    finish_rectification,
    mailing_candidates,
    notification_targets,
)
from core.requests.documents import (
    produce_correction_notices,
    produce_objection_confirmation,
    produce_refusal_certificate,
)
from core.requests.workflow import get_request
from tests.conftest import valid_hetu
from tests.core.requests_helpers import make_customer, new_request, recipient


def _items(db, rid):
    with db.read() as s:
        return [i.id for i in get_request(s, rid).items]


def test_rectification_applies_accepted_items_and_lists_recipients(db, manager) -> None:
    cid = make_customer(db, manager, source="update_service")
    with db.begin() as s:
        record_disclosure(
            s,
            manager,
            cid,
            recipient(s, manager, "Perintä Oy Saatava", "Perintäkuja 3", "33100", "Tampere"),
            "debt_collection",
            ["first_name", "last_name", "street"],
        )
        record_disclosure(
            s, manager, cid, recipient(s, manager, "Luottotieto Oy"), "credit_decision", ["email"]
        )
    rid = new_request(
        db,
        manager,
        "rectification",
        customer_id=cid,
        items=(
            ItemInput("street", "Sörnäisten rantatie 25 A 12", "muutin"),
            ItemInput("last_name", "Virtanen", "naimisiin"),
        ),
    )
    street_item, name_item = _items(db, rid)
    with db.begin() as s:
        assert get_request(s, rid).items[0].current_value == "Kauppakatu 1"
        decide_rectification(s, manager, street_item, True)
        with pytest.raises(ValidationError):
            decide_rectification(s, manager, name_item, False, "")
    with db.begin() as s:
        decide_rectification(
            s, manager, name_item, False, "Nimenmuutos ei vielä näy väestötietojärjestelmässä."
        )
        finish_rectification(s, manager, rid)
    with db.begin() as s:
        c = s.get(Customer, cid)
        assert c.street == "Sörnäisten rantatie 25 A 12" and c.last_name == "Meikäläinen"
        history = customer_history(s, manager, cid)
        assert history[0].field == "street"
        assert history[0].source == f"rectification request {get_request(s, rid).number}"
        targets = notification_targets(s, manager, rid)
        names = {(t.relation, t.name) for t in targets}
        assert ("recipient", "Perintä Oy Saatava") in names
        assert ("recipient", "Luottotieto Oy") not in names  # got only the email
        # A source known only by its kind has no register entry: listed, not addressed.
        unknown = next(t for t in targets if t.name == "source.update_service")
        assert unknown.not_addressed == "no_entry" and unknown.recipient_id is None
        assert get_request(s, rid).decision == "partly_accepted"
        cert = produce_refusal_certificate(s, manager, rid)
        notices = produce_correction_notices(s, manager, rid)
        assert cert.content.startswith(b"%PDF") and len(notices) == 1


def test_rectification_of_hetu_is_never_stored_in_clear(db, manager) -> None:
    cid = make_customer(db, manager, hetu=valid_hetu(3, 3, 1973, 333))
    new = valid_hetu(3, 3, 1973, 334)
    rid = new_request(
        db,
        manager,
        "rectification",
        customer_id=cid,
        items=(ItemInput("hetu", new, "väärä numero"),),
    )
    with db.begin() as s:
        values = s.execute(select(RequestItem.requested_value, RequestItem.current_value)).one()
        assert new not in values[0] and "****" in values[1]
        decide_rectification(s, manager, _items(db, rid)[0], True)
        assert reveal_hetu(s, manager, cid) == new


def test_receptionist_cannot_decide_rectification_items(db, manager, receptionist) -> None:
    cid = make_customer(db, manager)
    rid = new_request(
        db, receptionist, "rectification", customer_id=cid, items=(ItemInput("city", "Espoo"),)
    )
    with db.begin() as s, pytest.raises(PermissionDenied):
        decide_rectification(s, receptionist, _items(db, rid)[0], True)


def test_all_items_refused_refuses_the_request(db, manager) -> None:
    cid = make_customer(db, manager)
    rid = new_request(
        db, manager, "rectification", customer_id=cid, items=(ItemInput("city", "Espoo"),)
    )
    with db.begin() as s:
        with pytest.raises(ValidationError):
            finish_rectification(s, manager, rid)  # item still pending
        decide_rectification(s, manager, _items(db, rid)[0], False, "Osoite on oikein.")
        finish_rectification(s, manager, rid)
        assert get_request(s, rid).state == "refused"


def test_objection_takes_the_customer_off_labels_and_mailing_lists(db, manager, receptionist):
    cid = make_customer(db, manager)
    other = make_customer(db, manager, first_name="Liisa", email="liisa@example.fi")
    with db.begin() as s:
        assert {e.first_name for e in mailing_candidates(s, manager)} == {"Matti", "Liisa"}
    rid = new_request(
        db,
        receptionist,
        "objection",
        customer_id=cid,
        signed=False,
        objection_kinds=("publication", "research"),
    )
    with db.begin() as s:
        apply_objection(s, receptionist, rid)
        assert get_request(s, rid).state == "completed"
    with db.begin() as s:
        assert [e.first_name for e in mailing_candidates(s, manager)] == ["Liisa"]
        kinds = {(o.kind, o.request_id) for o in s.get(Customer, cid).objections}
        assert kinds == {("publication", rid), ("research", rid)}
        letter = produce_objection_confirmation(s, manager, rid)
        assert letter.content.startswith(b"%PDF")
    del other


def test_direct_marketing_objection_also_blocks_mailing(db, manager) -> None:
    cid = make_customer(db, manager)
    rid = new_request(
        db, manager, "objection", customer_id=cid, objection_kinds=("direct_marketing",)
    )
    with db.begin() as s:
        apply_objection(s, manager, rid)
    with db.begin() as s:
        assert mailing_candidates(s, manager) == []


@pytest.mark.parametrize(
    ("lang", "named"),
    [("fi", "Henkilötunnus korjattu"), ("en", "Personal identity code corrected")],
)
def test_corrected_hetu_is_notified_to_its_recipient_without_any_code(
    db, manager, lang, named
) -> None:
    from tests.conftest import pdf_text

    old, new = valid_hetu(3, 3, 1973, 333), valid_hetu(3, 3, 1973, 334)
    cid = make_customer(db, manager, hetu=old)
    with db.begin() as s:
        record_disclosure(
            s,
            manager,
            cid,
            recipient(s, manager, "Luottotieto Oy", "Tietotie 1", "00100", "Helsinki"),
            "credit_decision",
            ["first_name", "last_name", "hetu"],
        )
    rid = new_request(
        db, manager, "rectification", customer_id=cid, items=(ItemInput("hetu", new, "väärä"),)
    )
    with db.begin() as s:
        decide_rectification(s, manager, _items(db, rid)[0], True)
        finish_rectification(s, manager, rid)
        notices = produce_correction_notices(s, manager, rid, lang)
    texts = [pdf_text(n.content) for n in notices]
    assert any("Luottotieto Oy" in content for content in texts)
    for content in texts:
        assert named in content
        assert "030373" not in content and old not in content and new not in content
