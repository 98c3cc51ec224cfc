"""The PDF documents read back: the words that must be there are there, the hetu is nowhere
but in the access report, both languages, long tables repeat their header."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from core import models
from core.documents import samples as s
from core.documents.access_report import build_access_json, build_access_report
from core.documents.correction_notice import build_correction_notice
from core.documents.data import (
    CorrectedField,
    FormData,
    RectificationDecisionData,
    RefusalItem,
)
from core.documents.erasure_decision import build_erasure_decision
from core.documents.erasure_notice import build_erasure_notice
from core.documents.extension_notice import build_extension_notice
from core.documents.forms import build_form
from core.documents.labels import build_label_run, build_mailing_csv
from core.documents.objection_confirmation import build_objection_confirmation
from core.documents.recovery_sheet import build_recovery_sheet
from core.documents.refusal_certificate import build_refusal_certificate
from core.documents.refusal_decision import build_refusal_decision
from core.documents.registry import KINDS, record_document
from core.documents.statement import build_statement
from core.i18n import CATALOGUE_DIR, RESOURCES
from tests.conftest import pdf_pages as pages
from tests.conftest import pdf_text as text

LH = s.letterhead()
LANGS = ("fi", "en")


def _refusal_with_hetu() -> RectificationDecisionData:
    data = s.refusal()
    hetu_item = RefusalItem(
        "hetu",
        s.HETU,
        "131052-308U",
        "Numero on väärin.",
        "Henkilötunnus on tarkistettu väestötietojärjestelmästä.",
    )
    return replace(
        data,
        refused=(*data.refused, hetu_item),
        accepted=(*data.accepted, CorrectedField("hetu", s.HETU, "131052-308U")),
    )


def _form(kind: str, lang: str) -> bytes:
    return build_form(s.form(kind, prefilled=True), LH, lang)


def _erasure(outcome: str, lang: str) -> bytes:
    return build_erasure_decision(s.erasure(outcome, lang), LH, lang)


# Every document other than the access report, in both languages.
OTHER_BUILDERS: dict[str, Callable[[str], bytes]] = {
    **{f"form_{k}": partial(_form, k) for k in ("access", "rectification", "objection", "erasure")},
    "refusal_certificate": lambda lang: build_refusal_certificate(_refusal_with_hetu(), LH, lang),
    "correction_notice": lambda lang: build_correction_notice(
        replace(s.correction_notice(), corrected=(CorrectedField("hetu", s.HETU, "131052-308U"),)),
        LH,
        lang,
    ),
    "objection_confirmation": lambda lang: build_objection_confirmation(s.objection(), LH, lang),
    **{f"erasure_{o}": partial(_erasure, o) for o in ("erased", "partly", "refused")},
    "erasure_notice": lambda lang: build_erasure_notice(s.erasure_notice(lang, "partly"), LH, lang),
    "refusal_decision": lambda lang: build_refusal_decision(s.refusal_decision(lang), LH, lang),
    "extension_notice": lambda lang: build_extension_notice(s.extension(), LH, lang),
    "labels": lambda lang: build_label_run(s.labels(30), LH, lang).pdf,
    "privacy_statement": lambda lang: build_statement(s.statement(), LH, lang),
    "recovery_sheet": lambda lang: build_recovery_sheet(s.recovery(), LH, lang),
}


@pytest.mark.parametrize("lang", LANGS)
def test_refusal_certificate_states_each_reason_and_the_ombudsman(lang: str) -> None:
    content = text(build_refusal_certificate(s.refusal(lang), LH, lang))
    for item in s.refusal(lang).refused:
        assert item.reason in content
        assert item.requested_value in content
    ombudsman = json.loads((RESOURCES / "ombudsman.json").read_text(encoding="utf-8"))
    for key in ("name", "postal_address", "visiting_address", "email", "phone", "web"):
        assert ombudsman[key][lang] in content
    assert "00531 Helsinki" in content and "Lintulahdenkuja 4" in content
    assert "Jari Mensonen" in content and s.manager(lang).title_in(lang) in content
    assert "Maija Meikäläinen" in content and "P-2025-0009" in content
    if lang == "fi":
        assert "Todistus tietojen korjaamisesta kieltäytymisestä" in content
        assert "Tietosuojavaltuutetun toimisto" in content
    else:
        assert "Certificate of refusal to rectify personal data" in content
        assert "Office of the Data Protection Ombudsman" in content


@pytest.mark.parametrize("lang", LANGS)
def test_access_report_contains_the_persons_data_and_hetu(lang: str) -> None:
    data = s.access_report()
    content = text(build_access_report(data, LH, lang))
    p = data.person
    for value in (
        p.first_name,
        p.last_name,
        p.hetu,
        p.email,
        p.street,
        p.postal_code,
        p.phone,
        p.organisation,
    ):
        assert value in content
    for order in data.orders:
        assert order.number in content
    for disclosure in data.disclosures:
        assert disclosure.recipient in content
    assert "Hämeentie 1 B 4" in content  # field history: the old address
    assert "update_service" not in content and "customer_notice" not in content  # in words
    assert "tietosuoja@om.fi" in content  # the right to complain
    expected = {
        "fi": ("Henkilötunnus", "Tarkastusoikeus", "suoramainonta"),
        "en": ("Personal identity code", "Right of access", "direct advertising"),
    }
    for word in expected[lang]:
        assert word in content


def test_access_json_is_machine_readable_with_the_same_data() -> None:
    data = s.access_report()
    doc = json.loads(build_access_json(data).decode("utf-8"))
    assert doc["person"]["hetu"] == s.HETU
    assert doc["person"]["last_name"] == "Meikäläinen"
    assert [o["number"] for o in doc["orders"]] == [o.number for o in data.orders]
    assert doc["orders"][0]["amount"] == str(data.orders[0].amount)
    assert doc["objections"][0] == {"kind": "direct_marketing", "set_on": "2024-01-09"}
    assert doc["disclosures"][1]["data_fields"] == ["first_name", "last_name", "hetu"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(OTHER_BUILDERS))
def test_no_hetu_in_any_document_but_the_access_report(name: str, lang: str) -> None:
    content = text(OTHER_BUILDERS[name](lang))
    assert s.HETU not in content
    assert "131052-308U" not in content
    if name == "refusal_certificate":
        assert "131052-****" in content  # the hetu item is shown masked
    if name == "correction_notice":
        assert "131052" not in content  # named as corrected, not even masked


@pytest.mark.parametrize("lang", LANGS)
def test_every_letter_has_letterhead_footer_and_page_numbers(lang: str) -> None:
    for name, build in OTHER_BUILDERS.items():
        if name == "labels":
            continue
        texts = pages(build(lang))
        for n, page in enumerate(texts, start=1):
            assert f"{n} ({len(texts)})" in page, name
            assert "1234567-1" in page, name  # business ID in the footer
            assert "Huoneistomyynti Mensonen Oy" in page, name


def test_letters_differ_by_language() -> None:
    fi = text(build_objection_confirmation(s.objection(), LH, "fi"))
    en = text(build_objection_confirmation(s.objection(), LH, "en"))
    assert "Ystävällisin terveisin" in fi and "Yours sincerely" not in fi
    assert "Yours sincerely" in en and "Ystävällisin terveisin" not in en
    assert "14.3.2025" in fi and "2025-03-14" in en


@pytest.mark.parametrize("outcome", ["erased", "partly", "refused"])
def test_erasure_decision_says_what_happened(outcome: str) -> None:
    data = s.erasure(outcome)
    content = text(build_erasure_decision(data, LH, "fi"))
    if outcome == "partly":
        assert "31.12.2030" in content
        assert "tilaukset 2023–2024 (4 kpl)" in content
    if outcome == "refused":
        assert "perintään" in content and "tietosuojavaltuutetun" in content
    for recipient in data.recipients_notified:
        assert recipient in content


def test_extension_notice_gives_new_due_date_and_reasons() -> None:
    content = text(build_extension_notice(s.extension(), LH, "fi"))
    assert "30.4.2025" in content and "28.2.2025" in content
    assert "12 artiklan 3 kohdan" in content
    assert "lukittuun arkistoon" in content


def test_correction_notice_lists_old_and_new_values() -> None:
    content = text(build_correction_notice(s.correction_notice(), LH, "fi"))
    assert "Hämeentie 1 B 4" in content and "Sörnäisten rantatie 25 A 12" in content
    assert "19 artiklan" in content and "Perintä Oy Saatava" in content


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["access", "rectification", "objection", "erasure"])
def test_blank_form_holds_no_person_and_says_where_to_send_it(kind: str, lang: str) -> None:
    content = text(build_form(FormData(kind), LH, lang))
    assert "Maija" not in content
    assert "Huvilakatu 16" in content and "Jari Mensonen" in content
    signature = {"fi": "Allekirjoitus", "en": "Signature"}[lang]
    assert signature in content
    prefilled = text(build_form(s.form(kind, prefilled=True), LH, lang))
    assert "Maija Meikäläinen" in prefilled and "Sörnäisten rantatie 25 A 12" in prefilled


def test_objection_form_offers_every_prohibition() -> None:
    content = text(build_form(FormData("objection"), LH, "fi"))
    for words in ("suoramainonta", "etämyynti", "mielipidetutkimukset", "osoitetarroissa"):
        assert words in content


def test_label_sheet_contains_the_given_names() -> None:
    entries = s.labels(30)
    texts = pages(build_label_run(entries, LH, "fi").pdf)
    assert len(texts) == 2  # 21 labels a page
    content = " ".join(texts)
    for entry in entries:
        assert f"{entry.first_name} {entry.last_name}" in content
    assert "SWEDEN" in content  # a foreign address ends with the country


def test_mailing_csv_is_excel_friendly() -> None:
    entries = s.labels(3)
    raw = build_mailing_csv(entries, "fi")
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "asiakasnumero;etunimi;sukunimi;yritys;katuosoite;postinumero;postitoimipaikka;maa"
    )
    assert lines[1].startswith("1001;Maija;Meikäläinen;Asunto Oy Kääpiö;")
    assert len(lines) == 4
    hostile = replace(entries[0], organisation='=HYPERLINK("x")')
    row = build_mailing_csv([hostile]).decode("utf-8-sig").splitlines()[1]
    assert "'=HYPERLINK" in row and ";=HYPERLINK" not in row


@pytest.mark.parametrize("lang", LANGS)
def test_privacy_statement_has_all_seventeen_clauses(lang: str) -> None:
    content = text(build_statement(s.statement(), LH, lang))
    for n in range(1, 18):
        assert f"{n}. " in content
    assert "4.1.2018" in content or "2018-01-04" in content
    assert "Jari Mensonen" in content and "Asiakasrekisteri" in content


def test_recovery_sheet_prints_the_key_in_groups() -> None:
    data = s.recovery()
    content = text(build_recovery_sheet(data, LH, "fi"))
    for group in data.recovery_key.split("-"):
        assert group in content
    assert data.install_id in content
    assert "paloturvallisessa" in content


def test_long_access_report_repeats_the_order_header_on_every_page() -> None:
    data = s.access_report(1000)
    started = time.perf_counter()
    pdf = build_access_report(data, LH, "fi")
    elapsed = time.perf_counter() - started
    print(f"\naccess report with 1,000 orders: {elapsed:.3f} s, {len(pdf)} bytes")
    texts = pages(pdf)
    order_pages = [i for i, page in enumerate(texts) if "T-20" in page]
    assert len(order_pages) > 5
    for i in order_pages[1:]:
        assert "Tilausnro" in texts[i], f"page {i + 1} lacks the header row"
    content = " ".join(texts)
    assert data.orders[-1].number in content and "Tilaukset (1 000 kpl)" in content


def test_every_document_key_has_finnish_and_english() -> None:
    catalogue = json.loads((CATALOGUE_DIR / "documents.json").read_text(encoding="utf-8"))
    assert catalogue
    for key, texts in catalogue.items():
        assert key.startswith("doc."), key
        # A plural message has its "one" and "other" forms in each language.
        forms = {
            lang: list(texts[lang].values())
            if isinstance(texts.get(lang), dict)
            else [texts.get(lang, "")]
            for lang in LANGS
        }
        assert all(f.strip() for lang in LANGS for f in forms[lang]), key
        fields = [{p for f in forms[lang] for p in re.findall(r"{(\w+)}", f)} for lang in LANGS]
        assert fields[0] == fields[1], f"{key}: placeholders differ"


def test_fonts_are_shipped_with_their_licence() -> None:
    folder = Path(RESOURCES) / "fonts"
    for name in (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSansMono.ttf",
        "LICENSE-DejaVu.txt",
    ):
        assert (folder / name).is_file(), name


def test_record_document_stores_kind_language_author_and_hash() -> None:
    engine = create_engine("sqlite://")
    models.Base.metadata.create_all(engine)
    pdf = build_objection_confirmation(s.objection(), LH, "en")
    with Session(engine) as session:
        doc = record_document(
            session, "jari", "objection_confirmation", "en", pdf, filename="vahvistus.pdf"
        )
        assert doc.id is not None
        stored = session.get(models.Document, doc.id)
        assert stored is not None
        assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
        assert (stored.kind, stored.language, stored.created_by) == (
            "objection_confirmation",
            "en",
            "jari",
        )
        assert stored.created_at is not None
        with pytest.raises(ValueError):
            record_document(session, "jari", "love_letter", "fi", pdf)
    assert "access_report" in KINDS and len(set(KINDS)) == len(KINDS)


def test_markup_characters_in_data_print_as_written() -> None:
    data = s.refusal("fi")
    odd = replace(data.refused[0], reason='Syy: <b>ei</b> & "muuta"')
    data = replace(data, refused=(odd,), addressee=replace(data.addressee, name="Ö & <Oy>"))
    content = text(build_refusal_certificate(data, LH, "fi"))
    assert 'Syy: <b>ei</b> & "muuta"' in content
    assert "Ö & <Oy>" in content
    orders = replace(s.access_report(), orders=(replace(s.orders(1)[0], item="A & <B>"),))
    assert "A & <B>" in text(build_access_report(orders, LH, "fi"))


def test_letterhead_and_statement_data_come_from_the_settings_row() -> None:
    from core.documents.data import Letterhead, StatementData

    row = models.Settings(
        company_name="Testi Oy",
        business_id="1234567-1",
        street="Katu 1",
        postal_code="00100",
        city="Helsinki",
        phone="09 123",
        email="info@testi.fi",
        contact_person="Anna Ankka",
        contact_phone="040 1",
        contact_email="anna@testi.fi",
        register_name="Asiakasrekisteri",
        controller_person="Anna Ankka",
        purposes_text="Omat tarkoitukset.",
        retention_years=4,
        bookkeeping_retention_years=10,
        statement_date=date(2025, 5, 1),
    )
    lh = Letterhead.from_settings(row)
    assert (lh.company_name, lh.contact_email, lh.register_name) == (
        "Testi Oy",
        "anna@testi.fi",
        "Asiakasrekisteri",
    )
    data = StatementData.from_settings(row)
    content = text(build_statement(data, lh, "fi"))
    assert "Omat tarkoitukset." in content and "10 vuotta" in content and "4 vuotta" in content


def test_long_access_report_reports_progress_and_can_be_cancelled() -> None:
    from core.documents.layout import DocumentAborted

    calls: list[tuple[int, int, str]] = []
    build_access_report(
        s.access_report(200), LH, "fi", progress=lambda d, n, m: calls.append((d, n, m))
    )
    assert calls and calls[-1][0] == calls[-1][1]
    with pytest.raises(DocumentAborted):
        build_access_report(s.access_report(200), LH, "fi", should_abort=lambda: True)


@pytest.mark.parametrize("lang", LANGS)
def test_blank_form_refuses_before_the_company_settings_are_filled_in(lang: str) -> None:
    # Issue 15 point 7: a form the person cannot mail back is not printed half-made.
    from core.documents.data import Letterhead, LetterheadIncomplete

    with pytest.raises(LetterheadIncomplete) as caught:
        build_form(FormData("access"), Letterhead(company_name=""), lang)
    assert "company_name" in caught.value.fields and "street" in caught.value.fields
