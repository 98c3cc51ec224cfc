"""Request intake and workflow: numbers, signature, deadlines, extension, refusal, access."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.clock import today
from core.dates import add_months
from core.errors import InvalidTransition, PermissionDenied, ValidationError, ValidationErrors
from core.models import AuditEntry, Request, RequestAttachment
from core.requests import (
    Attachment,
    attach_signature,
    collect_access_data,
    due_date,
    extend_deadline,
    finish_access,
    list_requests,
    refuse_request,
    register_request,
    request_detail,
    requests_due_within,
    start_processing,
    withdraw_request,
)
from core.requests.documents import (
    produce_access_json,
    produce_access_report,
    produce_extension_notice,
    produce_form,
)
from core.requests.workflow import get_request, move
from tests.conftest import valid_hetu
from tests.core.requests_helpers import PDF, add_order, make_customer, new_request


def test_due_date_is_one_calendar_month_across_month_ends() -> None:
    assert due_date(date(2025, 1, 31)) == date(2025, 2, 28)
    assert due_date(date(2024, 1, 31)) == date(2024, 2, 29)
    assert due_date(date(2025, 3, 31)) == date(2025, 4, 30)
    assert due_date(date(2025, 12, 15)) == date(2026, 1, 15)


def test_request_received_on_31_january_is_due_on_last_day_of_february(db, receptionist):
    rid = new_request(db, receptionist, "access", received_on=date(2024, 1, 31))
    with db.begin() as s:
        assert get_request(s, rid).due_on == date(2024, 2, 29)


def test_request_numbers_continue_the_year_sequence(db, receptionist) -> None:
    with db.begin() as s:
        s.add(
            Request(
                number="P-2026-0041",
                kind="access",
                received_on=date(2026, 1, 5),
                channel="letter",
                due_on=date(2026, 2, 5),
            )
        )
    rid = new_request(db, receptionist, "access", received_on=date(2026, 3, 1))
    old = new_request(db, receptionist, "access", received_on=date(2025, 12, 30))
    with db.begin() as s:
        assert get_request(s, rid).number == "P-2026-0042"
        assert get_request(s, old).number == "P-2025-0001"


def test_unsigned_request_waits_for_signature_then_moves_on(db, receptionist) -> None:
    rid = new_request(db, receptionist, "access", signed=False)
    with db.begin() as s:
        assert get_request(s, rid).state == "awaiting_signature"
        with pytest.raises(ValidationError) as exc:
            start_processing(s, receptionist, rid)
        assert "allekirjoitettu" in exc.value.message("fi")
        # the blank form to send, prefilled with what is known
        form = produce_form(s, receptionist, rid)
        assert form.content.startswith(b"%PDF") and form.kind == "form_access"
    with db.begin() as s:
        attach_signature(
            s,
            receptionist,
            rid,
            Attachment("scan.png", b"\x89PNG\r\n\x1a\nxx"),
            "Lukittu kaappi, mappi P-2026",
        )
    with db.begin() as s:
        req = get_request(s, rid)
        assert req.state == "in_progress" and req.signed_on_file
        att = s.execute(select(RequestAttachment)).scalar_one()
        assert att.media_type == "image/png" and len(att.sha256) == 64


def test_objection_needs_no_signature(db, receptionist) -> None:
    rid = new_request(
        db, receptionist, "objection", signed=False, objection_kinds=("direct_marketing",)
    )
    with db.begin() as s:
        assert get_request(s, rid).state == "in_progress"


def test_intake_refuses_attachment_that_is_not_pdf_or_image(db, receptionist) -> None:
    with pytest.raises(ValidationErrors) as exc:
        new_request(db, receptionist, "access", attachment=Attachment("x.exe", b"MZ\x90\x00"))
    assert "attachment" in exc.value.by_field()


def test_signed_request_needs_the_place_of_the_original(db, receptionist) -> None:
    with pytest.raises(ValidationErrors) as exc:
        new_request(db, receptionist, "access", original_location="")
    assert "original_location" in exc.value.by_field()


def test_customer_matched_at_intake_by_hetu_and_name(db, manager, receptionist) -> None:
    hetu = valid_hetu(2, 3, 1971, 222)
    cid = make_customer(db, manager, hetu=hetu, email="")
    make_customer(db, manager, first_name="Other", email="")
    rid = new_request(db, receptionist, "access", hetu=hetu, subject_name="Matti Meikäläinen")
    by_email = make_customer(
        db, manager, first_name="Eeva", last_name="Sähkö", email="eeva.sahko@example.fi"
    )
    rid2 = new_request(
        db, receptionist, "access", subject_name="E S", subject_email="Eeva.Sahko@example.fi"
    )
    with db.begin() as s:
        assert get_request(s, rid).customer_id == cid
        assert get_request(s, rid2).customer_id == by_email


def test_illegal_transition_names_both_states(db, receptionist) -> None:
    rid = new_request(db, receptionist, "access")
    with db.begin() as s:
        req = get_request(s, rid)
        with pytest.raises(InvalidTransition) as exc:
            move(s, receptionist, req, "awaiting_signature")
        text = exc.value.message("fi")
        assert "Käsittelyssä" in text and "Odottaa allekirjoitusta" in text
        assert "In progress" in exc.value.message("en")
    with db.begin() as s:
        withdraw_request(s, receptionist, rid)
    with db.begin() as s, pytest.raises(InvalidTransition):
        start_processing(s, receptionist, rid)


def test_refusal_without_reason_is_rejected(db, manager) -> None:
    rid = new_request(db, manager, "access")
    with db.begin() as s:
        with pytest.raises(ValidationError) as exc:
            refuse_request(s, manager, rid, "   ")
        assert exc.value.field == "decision_reasons"
    with db.begin() as s:
        refuse_request(s, manager, rid, "Pyyntö on ilmeisen perusteeton.")
    with db.begin() as s:
        req = get_request(s, rid)
        assert req.state == "refused" and req.decided_by_id == manager.user_id


def test_receptionist_cannot_decide(db, receptionist) -> None:
    rid = new_request(db, receptionist, "access")
    with db.begin() as s:
        with pytest.raises(PermissionDenied):
            refuse_request(s, receptionist, rid, "Syy")
        with pytest.raises(PermissionDenied):
            extend_deadline(s, receptionist, rid, 2, "Paljon aineistoa")


def test_extension_once_by_at_most_two_months_with_reasons(db, manager) -> None:
    received = today() - timedelta(days=3)
    rid = new_request(db, manager, "access", received_on=received)
    with db.begin() as s:
        with pytest.raises(ValidationError):
            extend_deadline(s, manager, rid, 3, "Paljon aineistoa")
        with pytest.raises(ValidationError):
            extend_deadline(s, manager, rid, 2, "")
    with db.begin() as s:
        req = extend_deadline(s, manager, rid, 2, "Aineisto on paperiarkistossa.")
        assert req.extended_due_on == add_months(due_date(received), 2)
        notice = produce_extension_notice(s, manager, rid)
        assert notice.content.startswith(b"%PDF")
    with db.begin() as s, pytest.raises(ValidationError) as exc:
        extend_deadline(s, manager, rid, 1, "Vielä lisää")
    assert exc.value.code == "validation.req_already_extended"


def test_extension_only_before_the_first_due_date(db, manager) -> None:
    rid = new_request(db, manager, "access", received_on=today() - timedelta(days=40))
    with db.begin() as s, pytest.raises(ValidationError) as exc:
        extend_deadline(s, manager, rid, 1, "Paljon aineistoa")
    assert exc.value.code == "validation.req_extension_too_late"


def test_list_shows_days_left_and_due_soon_warning(db, receptionist) -> None:
    soon = new_request(db, receptionist, "access", received_on=today() - timedelta(days=27))
    late = new_request(db, receptionist, "access", received_on=today() - timedelta(days=45))
    fresh = new_request(db, receptionist, "access")
    with db.begin() as s:
        rows = {r.id: r for r in list_requests(s, receptionist)}
        assert rows[late].overdue and rows[late].days_left < 0
        assert not rows[fresh].overdue and rows[fresh].days_left > 7
        due = {r.id for r in requests_due_within(s, receptionist, 7)}
        assert due == {soon, late}
        assert [r.number for r in requests_due_within(s, receptionist, 7)][0] == rows[
            late
        ].number  # the most urgent first


def test_access_report_holds_everything_stored_and_completes(db, manager, receptionist):
    hetu = valid_hetu(4, 5, 1966, 123)
    cid = make_customer(db, manager, hetu=hetu)
    add_order(db, manager, cid, date(2025, 3, 1))
    rid = new_request(db, receptionist, "access", customer_id=cid)
    with db.begin() as s:
        with pytest.raises(ValidationError):
            finish_access(s, receptionist, rid)  # the report first
        data = collect_access_data(s, receptionist, rid)
        assert data.person.hetu == hetu and len(data.orders) == 1
        assert data.requests[0].kind == "access" and data.field_history
        pdf = produce_access_report(s, receptionist, rid)
        js = produce_access_json(s, receptionist, rid)
        assert pdf.content.startswith(b"%PDF") and "Meik" not in pdf.filename
        assert json.loads(js.content)["person"]["hetu"] == hetu
    with db.begin() as s:
        finish_access(s, receptionist, rid)
        detail = request_detail(s, receptionist, rid)
        assert detail.state == "completed"
        assert {d.kind for d in detail.documents} == {"access_report", "access_json"}
        audit = s.execute(select(AuditEntry.fields)).scalars().all()
        assert not any(hetu in f or "Matti" in f for f in audit)


def test_deadline_moves_with_the_clock(db, receptionist) -> None:
    rid = new_request(db, receptionist, "access")
    clock.shift(40 * 86400)
    with db.begin() as s:
        assert [r.id for r in list_requests(s, receptionist) if r.overdue] == [rid]


def test_register_validates_kind_and_future_dates(db, receptionist) -> None:
    with db.begin() as s, pytest.raises(ValidationErrors) as exc:
        register_request(
            s,
            receptionist,
            kind="nonsense",
            channel="letter",
            received_on=today() + timedelta(days=1),
            subject_name="X",
        )
    assert {"kind", "received_on"} <= set(exc.value.by_field())


def test_attachment_stored_with_sha256(db, receptionist) -> None:
    rid = new_request(db, receptionist, "access")
    import hashlib

    with db.begin() as s:
        detail = request_detail(s, receptionist, rid)
        assert detail.attachments[0].sha256 == hashlib.sha256(PDF).hexdigest()


def test_access_report_names_the_sources_of_the_data_in_words(db, manager, receptionist):
    """The record of someone's creation names the same source as the report's first line,
    not a later one; an import is named by its file; no catalogue key shows in the letter."""
    from core.models import FieldChange
    from tests.conftest import pdf_text

    cid = make_customer(db, manager)
    with db.begin() as s:
        s.add(
            FieldChange(
                customer_id=cid,
                field="email",
                old_value="",
                new_value="x",
                source="import:asiakkaat.csv",
                changed_by="manager",
            )
        )
    rid = new_request(db, receptionist, "access", customer_id=cid)
    with db.begin() as s:
        pdf = produce_access_report(s, receptionist, rid).content
    content = pdf_text(pdf)
    assert "Tuonti tiedostosta asiakkaat.csv" in content
    assert "source." not in content and "import:" not in content


@pytest.mark.parametrize(
    "source,shown",
    [
        ("source.shop", "Myymälä"),
        ("import:a.csv", "Tuonti tiedostosta a.csv"),
        ("rectification request 2026-0007", "Korjauspyyntö 2026-0007"),
        ("demo", "Esittelyaineisto"),
        ("Viranomaisen päivitys, tiedosto x", "Viranomaisen päivitys, tiedosto x"),
    ],
)
def test_history_sources_read_as_words(source, shown):
    from core.customers.service import history_source_text

    assert history_source_text(source, "fi") == shown


def test_access_data_refused_until_the_signed_request_is_on_file(db, manager, receptionist):
    """No access data, report or JSON for a request that is received, awaiting its signature,
    withdrawn or refused, called straight from core; the message names the state in words."""
    from core.models import Document

    cid = make_customer(db, manager)
    received = new_request(db, receptionist, "access", customer_id=cid, signed=False)
    with db.begin() as s:
        get_request(s, received).state = "received"  # as registered, before any move
    awaiting = new_request(db, receptionist, "access", customer_id=cid, signed=False)
    withdrawn = new_request(db, receptionist, "access", customer_id=cid, signed=False)
    refused = new_request(db, receptionist, "access", customer_id=cid)
    with db.begin() as s:
        withdraw_request(s, receptionist, withdrawn)
        refuse_request(s, manager, refused, "Henkilöllisyys ei varmistunut")
    shown = {
        received: "Vastaanotettu",
        awaiting: "Odottaa allekirjoitusta",
        withdrawn: "Peruttu",
        refused: "Hylätty",
    }
    for rid, state in shown.items():
        for produce in (collect_access_data, produce_access_report, produce_access_json):
            with db.begin() as s, pytest.raises(InvalidTransition) as exc:
                produce(s, receptionist, rid)
            assert state in exc.value.message("fi")
            assert "allekirjoitettu pyyntö" in exc.value.message("fi")
            assert "signed request is on file" in exc.value.message("en")
    with db.begin() as s:
        assert s.execute(select(Document)).first() is None
        accessed = select(AuditEntry).where(AuditEntry.action == "customer.access_data")
        assert s.execute(accessed).first() is None
