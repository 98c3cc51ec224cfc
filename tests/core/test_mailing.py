"""Direct mail [S6]: prohibited customers never reach a label or a mailing list."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.customers import service as customers
from core.errors import PermissionDenied
from core.models import AuditEntry, Customer, CustomerState, Document
from core.transfer import mailing


def _add(
    s,
    actor,
    first,
    last,
    *,
    street="Mannerheimintie 1",
    postal_code="00100",
    city="Helsinki",
    source="shop",
    objections=(),
):
    c = customers.create_customer(
        s,
        actor,
        {
            "first_name": first,
            "last_name": last,
            "street": street,
            "postal_code": postal_code,
            "city": city,
            "source": source,
        },
    )
    if objections:
        customers.set_objections(s, actor, c.id, objections)
    return c.id


def _names(selection):
    return {e.first_name for e in selection.entries}


def test_publication_or_marketing_prohibition_leaves_customer_out_and_is_counted(db, manager):
    with db.begin() as s:
        _add(s, manager, "Matti", "Meikäläinen")
        _add(s, manager, "Pertti", "Julkaisukielto", objections=["publication"])
        _add(s, manager, "Sirpa", "Suoramainoskielto", objections=["direct_marketing"])
        _add(s, manager, "Kalle", "Kumpikin", objections=["publication", "direct_marketing"])
    with db.begin() as s:
        sel = mailing.mailing_candidates(s, manager)
    assert _names(sel) == {"Matti"}
    assert sel.left_out_objection == 3
    assert sel.left_out_no_address == 0


def test_distance_selling_and_research_prohibitions_do_not_remove_from_labels(db, manager):
    with db.begin() as s:
        _add(s, manager, "Tiina", "Etämyynti", objections=["distance_selling"])
        _add(s, manager, "Raimo", "Tutkimus", objections=["research"])
    with db.begin() as s:
        sel = mailing.mailing_candidates(s, manager)
    assert _names(sel) == {"Tiina", "Raimo"}
    assert sel.left_out_objection == 0


def test_archived_anonymised_and_restricted_customers_never_appear(db, manager):
    with db.begin() as s:
        _add(s, manager, "Aktiivinen", "Asiakas")
        archived = _add(s, manager, "Arkistoitu", "Asiakas")
        customers.set_archived(s, manager, archived, True)
        anonymised = _add(s, manager, "Anonymisoitu", "Asiakas")
        restricted = _add(s, manager, "Rajoitettu", "Asiakas", objections=["publication"])
        s.get(Customer, anonymised).state = CustomerState.ANONYMISED.value
        s.get(Customer, restricted).state = CustomerState.RESTRICTED.value
    with db.begin() as s:
        sel = mailing.mailing_candidates(s, manager)
    assert _names(sel) == {"Aktiivinen"}
    assert (sel.left_out_objection, sel.left_out_no_address) == (0, 0)


def test_customer_without_street_address_is_counted_separately(db, manager):
    with db.begin() as s:
        _add(s, manager, "Osoitteeton", "Asiakas", street="", postal_code="", city="")
        _add(s, manager, "Kielto", "Ilman Osoitetta", street="", objections=["publication"])
        _add(s, manager, "Osoitteellinen", "Asiakas")
    with db.begin() as s:
        sel = mailing.mailing_candidates(s, manager)
    assert _names(sel) == {"Osoitteellinen"}
    assert sel.left_out_no_address == 1
    assert sel.left_out_objection == 1


def test_postal_code_prefix_and_source_narrow_the_run(db, manager):
    with db.begin() as s:
        _add(s, manager, "Helsinki", "Kauppa", postal_code="00100", source="shop")
        _add(s, manager, "Helsinki", "Verkko", postal_code="00530", source="web_service")
        _add(s, manager, "Tampere", "Kauppa", postal_code="33100", city="Tampere")
        _add(s, manager, "Espoo", "Kielto", postal_code="02100", objections=["publication"])
    with db.begin() as s:
        by_area = mailing.mailing_candidates(s, manager, postal_code_prefix="00")
        by_source = mailing.mailing_candidates(s, manager, source="web_service")
        both = mailing.mailing_candidates(s, manager, postal_code_prefix="0", source="shop")
    assert [e.last_name for e in by_area.entries] == ["Kauppa", "Verkko"]
    assert by_area.left_out_objection == 0
    assert [e.last_name for e in by_source.entries] == ["Verkko"]
    assert [e.last_name for e in both.entries] == ["Kauppa"]
    assert both.left_out_objection == 1


def test_labels_pdf_names_included_customers_and_not_prohibited_ones(db, manager):
    with db.begin() as s:
        _add(s, manager, "Matti", "Meikäläinen")
        _add(s, manager, "Liisa", "Virtanen", postal_code="00530")
        _add(s, manager, "Pertti", "Julkaisukielto", objections=["publication"])
    with db.begin() as s:
        sel = mailing.mailing_candidates(s, manager)
        pdf = mailing.produce_label_run(s, manager, sel, "fi", skip=2, filename="tarrat.pdf").pdf
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Matti Meikäläinen" in text and "Liisa Virtanen" in text
    assert "Julkaisukielto" not in text
    with db.begin() as s:
        doc = s.scalars(select(Document).where(Document.kind == "labels")).one()
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "mailing.labels")).one()
        assert (doc.language, doc.created_by, doc.filename) == ("fi", "manager", "tarrat.pdf")
        assert entry.entity_id == str(doc.id)
        assert "Matti" not in entry.fields and "last_name" in entry.fields


def test_mailing_csv_lists_only_candidates_and_is_recorded(db, manager):
    with db.begin() as s:
        _add(s, manager, "Matti", "Meikäläinen")
        _add(s, manager, "Sirpa", "Suoramainoskielto", objections=["direct_marketing"])
    with db.begin() as s:
        content = mailing.produce_mailing_csv(
            s, manager, mailing.mailing_candidates(s, manager), "fi"
        )
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("asiakasnumero;etunimi;sukunimi")
    assert "Meikäläinen" in text and "Suoramainoskielto" not in text
    with db.begin() as s:
        assert s.scalars(select(Document.kind)).all() == ["mailing_csv"]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "mailing.csv")).one()
        assert "customer_number" in entry.fields.split(",")


def test_receptionist_cannot_produce_labels_or_mailing_csv(db, manager, receptionist):
    with db.begin() as s:
        _add(s, manager, "Matti", "Meikäläinen")
    with db.begin() as s:
        sel = mailing.mailing_candidates(s, receptionist)  # seeing who is fine
        assert sel.count == 1
        with pytest.raises(PermissionDenied):
            mailing.produce_label_run(s, receptionist, sel, "fi")
        with pytest.raises(PermissionDenied):
            mailing.produce_mailing_csv(s, receptionist, sel, "fi")
    with db.begin() as s:
        assert s.scalars(select(Document)).all() == []


def test_preview_with_a_limit_shows_first_rows_but_counts_everyone(db, manager):
    with db.begin() as s:
        for i in range(5):
            _add(s, manager, f"Asiakas{i}", "Testi", postal_code=f"0010{i}")
        _add(s, manager, "Kielto", "Testi", objections=["publication"])
    with db.begin() as s:
        preview = mailing.mailing_candidates(s, manager, limit=2)
        assert [e.postal_code for e in preview.entries] == ["00100", "00101"]
        assert (preview.count, preview.left_out_objection, preview.complete) == (5, 1, False)
        with pytest.raises(ValueError):
            mailing.produce_label_run(s, manager, preview, "fi")


def test_wildcards_in_the_postal_code_filter_match_nothing_extra(db, manager):
    with db.begin() as s:
        _add(s, manager, "Matti", "Meikäläinen", postal_code="00100")
    with db.begin() as s:
        assert mailing.mailing_candidates(s, manager, postal_code_prefix="%").count == 0
        assert mailing.mailing_candidates(s, manager, postal_code_prefix="_0").count == 0
