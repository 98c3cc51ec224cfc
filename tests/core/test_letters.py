"""Issue 15: the letters a data-protection lawyer would sign (decisions, notices, letterhead,
PDF properties, margins, typography, language)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from core.i18n import RESOURCES
from core.models import Document
from core.requests import ItemInput, erase, refuse_request, withdraw_request
from core.requests.documents import produce_refusal_decision
from tests.conftest import pdf_text as text
from tests.core.requests_helpers import add_order, make_customer, new_request, recipient

OMBUDSMAN = json.loads((RESOURCES / "ombudsman.json").read_text(encoding="utf-8"))
COURT = {
    "fi": "oikeus saattaa asia tuomioistuimen käsiteltäväksi",
    "en": "right to take the matter to court",
}


def _assert_remedies(content: str, lang: str) -> None:
    assert COURT[lang] in content
    assert "hakea muutosta" not in content
    for key in ("name", "postal_address", "email", "phone"):
        assert OMBUDSMAN[key][lang] in content


KIND_INPUT = {
    "access": {},
    "objection": {"objection_kinds": ("direct_marketing",)},
    "rectification": {"items": (ItemInput("city", "Espoo"),)},
}


@pytest.mark.parametrize("kind", sorted(KIND_INPUT))
@pytest.mark.parametrize("lang", ["fi", "en"])
def test_a_refused_request_of_any_kind_gets_a_decision_letter(db, manager, kind, lang) -> None:
    cid = make_customer(db, manager)
    rid = new_request(db, manager, kind, customer_id=cid, **KIND_INPUT[kind])
    with db.begin() as s:
        refuse_request(s, manager, rid, "Pyyntö on jo käsitelty viikko sitten.")
        produced = produce_refusal_decision(s, manager, rid, lang)
    content = text(produced.content)
    assert "Pyyntö on jo käsitelty viikko sitten." in content
    assert "Matti Meikäläinen" in content and "Kauppakatu 1" in content
    _assert_remedies(content, lang)
    with db.begin() as s:
        doc = s.query(Document).filter_by(request_id=rid).one()
        assert doc.kind == "refusal_decision" and doc.language == lang


def test_a_refused_erasure_letter_names_the_article_17_3_point_and_kirjanpitolaki(
    db, manager
) -> None:
    cid = make_customer(db, manager)
    year = date.today().year - 2
    add_order(db, manager, cid, date(year, 5, 1), invoice_state="open")
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        erase(s, manager, rid)
        content = text(produce_refusal_decision(s, manager, rid, "fi").content)
    assert "17 artiklan 3 kohdan e alakohta" in content  # the open invoice: legal claims
    assert "17 artiklan 3 kohdan b alakohta" in content  # the order is a voucher
    assert "Kirjanpitolain (1336/1997) 2 luvun 10 §" in content
    _assert_remedies(content, "fi")


def test_a_request_closed_for_lack_of_identification_gets_a_letter(db, manager) -> None:
    rid = new_request(db, manager, "access", signed=False, subject_address="Kuja 2\n00100 Helsinki")
    with db.begin() as s:
        withdraw_request(s, manager, rid, unidentified=True)
        content = text(produce_refusal_decision(s, manager, rid, "fi").content)
    assert "Emme ole voineet varmistaa henkilöllisyyttänne" in content
    assert "11 artiklan 2 kohta" in content
    assert "Kuja 2" in content and "00100 HELSINKI" in content
    _assert_remedies(content, "fi")


def test_no_decision_letter_for_a_request_still_open_or_simply_withdrawn(db, manager) -> None:
    from core.errors import ValidationError

    open_rid = new_request(db, manager, "access")
    withdrawn = new_request(db, manager, "access")
    with db.begin() as s:
        withdraw_request(s, manager, withdrawn)
        for rid in (open_rid, withdrawn):
            with pytest.raises(ValidationError):
                produce_refusal_decision(s, manager, rid)


def test_each_recipient_gets_an_erasure_notice_and_the_decision_lists_them(db, manager) -> None:
    from core.disclosures import record_disclosure
    from core.requests.documents import produce_erasure_letters

    cid = make_customer(db, manager, email="zyx.secret@example.fi", street="Salakatu 9")
    with db.begin() as s:
        record_disclosure(
            s,
            manager,
            cid,
            recipient(s, manager, "Perintä Oy", "Perintäkuja 3", "33100", "Tampere"),
            "debt_collection",
            ["first_name", "last_name", "email"],
        )
        record_disclosure(
            s, manager, cid, recipient(s, manager, "Perintä Oy"), "debt_collection", ["street"]
        )
        record_disclosure(
            s,
            manager,
            cid,
            recipient(s, manager, "Luottotieto Oy"),
            "credit_decision",
            ["last_name"],
        )
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        outcome = erase(s, manager, rid)
        produced = produce_erasure_letters(s, manager, rid, outcome, "fi")
        number = produced[0].filename.split("_")[0]
    kinds = [p.kind for p in produced]
    assert kinds == ["erasure_decision", "erasure_notice", "erasure_notice"]
    decision = text(produced[0].content)
    assert "Perintä Oy" in decision and "Luottotieto Oy" in decision
    first, second = (text(p.content) for p in produced[1:])
    assert "Perintä Oy" in first and "Perintäkuja 3" in first and "33100 TAMPERE" in first
    assert "Matti Meikäläinen" in first and number in first
    assert "Sähköposti" in first and "Katuosoite" in first  # what was erased, by name
    assert "zyx.secret" not in first and "Salakatu" not in first  # never the values
    assert "Luottotieto Oy" in second and "Sähköposti" not in second
    with db.begin() as s:
        docs = s.query(Document).filter_by(request_id=rid, kind="erasure_notice").all()
        assert len(docs) == 2


def test_an_erasure_without_disclosures_claims_no_notified_recipients(db, manager) -> None:
    from core.requests.documents import produce_erasure_letters

    cid = make_customer(db, manager)
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        produced = produce_erasure_letters(s, manager, rid, erase(s, manager, rid), "fi")
    assert [p.kind for p in produced] == ["erasure_decision"]
    assert "19 artikla" not in text(produced[0].content)


# --- point 7: a letterhead complete before anything is printed ----------------------------


def test_a_letter_refuses_with_one_message_listing_every_missing_field() -> None:
    from dataclasses import replace

    from core.documents import samples
    from core.documents.data import Letterhead, LetterheadIncomplete
    from core.documents.refusal_decision import build_refusal_decision
    from core.documents.statement import build_statement

    bare = Letterhead(company_name="Kotiasunnot Oy")
    with pytest.raises(LetterheadIncomplete) as caught:
        build_refusal_decision(samples.refusal_decision(), bare, "fi")
    message = caught.value.message("fi")
    for label in ("Y-tunnus", "Katuosoite", "Postinumero", "Postitoimipaikka", "Sähköposti"):
        assert label in message
    assert "Yrityksen nimi" not in message
    assert "Business ID" in caught.value.message("en")
    undated = replace(samples.statement(), statement_date=None)
    with pytest.raises(LetterheadIncomplete) as caught:
        build_statement(undated, samples.letterhead(), "fi")
    assert caught.value.fields == ("statement_date",)


def _cli(tmp_path, *args: str):
    import subprocess
    import sys

    from tests.conftest import cli_env

    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, str(root / "main.py"), "--db", str(tmp_path / "r.sqlite3"), *args],
        capture_output=True,
        text=True,
        env=cli_env(tmp_path / "home"),
        cwd=tmp_path,
        timeout=120,
    )


def test_bare_init_then_print_statement_names_the_missing_fields(tmp_path) -> None:
    assert (
        _cli(tmp_path, "init", "--company", "Kotiasunnot Oy", "--manager", "anna").returncode == 0
    )
    out = tmp_path / "seloste.pdf"
    result = _cli(tmp_path, "print-statement", "--lang", "fi", "--out", str(out))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Y-tunnus" in result.stderr and "Rekisteriasioiden yhteyshenkilö" in result.stderr
    assert not out.exists()


def test_init_takes_the_letterhead_validated_like_the_wizard(tmp_path) -> None:
    from pypdf import PdfReader

    bad = _cli(tmp_path, "init", "--company", "K Oy", "--manager", "anna", "--postal-code", "123")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "Postinumero" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "r.sqlite3").exists()
    args = ["--business-id", "1572860-0", "--street", "Esplanadi 1", "--postal-code", "00130"]
    args += ["--city", "Helsinki", "--phone", "0400383869", "--email", "info@k.fi"]
    args += ["--contact-person", "Anna Asiakas"]
    ok = _cli(tmp_path, "init", "--company", "K Oy", "--manager", "anna", *args)
    assert ok.returncode == 0, ok.stderr
    out = tmp_path / "seloste.pdf"
    result = _cli(tmp_path, "print-statement", "--lang", "fi", "--out", str(out))
    assert result.returncode == 0, result.stderr
    content = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "1572860-0" in content and "Anna Asiakas" in content and "info@k.fi" in content
    assert "Laatimispäivä –" not in content


# --- point 8: PDF properties ---------------------------------------------------------------


def _every_pdf(lang: str) -> dict[str, bytes]:
    from core.documents import samples
    from core.documents.access_report import build_access_report
    from tests.core.test_documents import OTHER_BUILDERS

    out = {name: build(lang) for name, build in OTHER_BUILDERS.items()}
    out["access_report"] = build_access_report(samples.access_report(), samples.letterhead(), lang)
    return out


def _fonts(reader) -> list[tuple[str, object]]:
    found = []
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            base = descendants[0].get_object() if descendants else font
            descriptor = base.get("/FontDescriptor")
            embedded = descriptor.get_object().get("/FontFile2") if descriptor else None
            found.append((str(font["/BaseFont"]), embedded))
    return found


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_every_pdf_has_a_real_date_a_title_the_company_and_embedded_fonts(lang) -> None:
    import io

    from pypdf import PdfReader

    from core.clock import today

    stamp = f"D:{today():%Y%m%d}"
    for name, pdf in _every_pdf(lang).items():
        reader = PdfReader(io.BytesIO(pdf))
        info = reader.metadata
        assert info["/CreationDate"].startswith(stamp), name  # not 1.1.2000
        assert info["/Author"] == "Huoneistomyynti Mensonen Oy", name
        assert reader.trailer["/Root"]["/Lang"] == lang, name
        fonts = _fonts(reader)
        assert fonts, name
        for font, embedded in fonts:
            assert embedded is not None, f"{name}: {font} not embedded"
    titles = {n: PdfReader(io.BytesIO(p)).metadata["/Title"] for n, p in _every_pdf(lang).items()}
    decision = {"fi": "Päätös poistopyyntöönne", "en": "Decision on your request for erasure"}
    assert titles["refusal_decision"] == f"{decision[lang]} – P-2025-0013"
    assert "P-2025-0009" in titles["refusal_certificate"]
    assert "P-2025-0012" in titles["erasure_notice"]


# --- point 9: nothing past the margins -----------------------------------------------------


def _word_boxes(pdf: bytes, tmp_path) -> list[tuple[str, float, float, float]]:
    """(word, x_min, x_max, y_min) of every word drawn, in mm, read with poppler's pdftotext."""
    import re
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pt = 25.4 / 72
    return [
        (w, float(x0) * pt, float(x1) * pt, float(y0) * pt)
        for x0, y0, x1, w in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', html
        )
    ]


def test_long_words_wrap_in_table_cells_and_addresses_stay_in_the_window(tmp_path) -> None:
    from dataclasses import replace

    from core.documents import samples
    from core.documents.access_report import build_access_report
    from core.documents.data import FieldChangeRow

    long_word = "Pitkä" * 30  # 150 letters, no space
    data = samples.access_report()
    data = replace(
        data,
        addressee=replace(data.addressee, street="Sörnäisten rantatie " + "25 A 12 " * 12),
        field_history=(
            FieldChangeRow("street", long_word, long_word, data.field_history[0].changed_at),
            *data.field_history,
        ),
    )
    pdf = build_access_report(data, samples.letterhead(), "fi")
    boxes = _word_boxes(pdf, tmp_path)
    assert any(w.startswith("PitkäPitkä") for w, *_ in boxes)
    for word, _x0, x1, _y in boxes:
        assert x1 <= 190.5, f"{word!r} ends at {x1:.1f} mm, past the right margin"
    for word, _x0, x1, y in boxes:
        if 45 <= y <= 90 and word in ("25", "A", "12", "rantatie"):
            assert x1 <= 110, f"{word!r} ends at {x1:.1f} mm, outside the envelope window"
    assert sum(1 for w, *_ in boxes if w == "12") >= 10  # wrapped, not cut away silently


# --- point 11: Finnish typography and consistency ------------------------------------------


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_titles_phones_return_address_and_no_lone_closing(lang) -> None:
    import io
    import re

    from pypdf import PdfReader

    closing = {"fi": "Ystävällisin terveisin", "en": "Yours sincerely"}[lang]
    phone = {"fi": "040 038 3869", "en": "+358 40 038 3869"}[lang]
    for name, pdf in _every_pdf(lang).items():
        pages = [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
        if name == "labels":
            continue
        first = pages[0]
        assert "PÄÄTÖS" not in first and "NOTICE" not in first and "DECISION" not in first
        assert ("FINLAND" in first) == (lang == "en"), name
        if name.startswith("form_") and lang == "en":  # mailed back, maybe from abroad
            assert first.count("FINLAND") == 2, name
        assert phone in first, name  # the footer, through format_phone
        last = pages[-1]
        if closing in last and len(pages) > 1:
            before = last.split(closing)[0]
            # more on the page than its running head and the "questions?" sentence
            assert len(before) > 400, f"{name}: the closing stands alone on the last page"


def test_one_finnish_name_for_a_rectification_request() -> None:
    from core.i18n import t

    kind = t("req.kind.rectification", "fi")
    history = t("history.source.rectification", "fi", number="P-2026-0001")
    term = t("term.request.rectification", "fi")
    assert {kind.split(" ")[0], history.split(" ")[0], term.split(" ")[0].capitalize()} == {
        "Oikaisupyyntö"
    }


# --- point 6: no Finnish word in an English letter, and no English word in a Finnish one ----

FINNISH_WORDS = {
    "Päätös",
    "Ilmoitus",
    "Ystävällisin",
    "terveisin",
    "Puh.",
    "Y-tunnus",
    "toimitusjohtaja",
    "Viranomaisen",
    "päivitys",
    "tiedosto",
    "Myymälä",
    "vuotta",
    "kpl",
}
ENGLISH_WORDS = {
    "the",
    "and",
    "Yours",
    "sincerely",
    "Notice",
    "Decision",
    "Managing",
    "Director",
    "Tel.",
    "Business",
    "Authority",
    "update",
    "file",
}


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_no_word_of_the_other_language_in_any_document_kind(lang) -> None:
    import re
    from dataclasses import replace

    from core.documents import samples
    from core.documents.access_report import build_access_report
    from tests.render_documents import builders

    other = FINNISH_WORDS if lang == "en" else ENGLISH_WORDS
    update = {
        "en": "Viranomaisen päivitys, tiedosto osoitteet.csv, 5.3.2025",
        "fi": "Authority update, file osoitteet.csv, 2025-03-05",
    }[lang]
    for name, build in builders().items():
        if name in ("access_json", "mailing_csv"):
            continue
        if name == "access_report":
            data = samples.access_report(lang=lang)
            history = tuple(replace(c, source=update) for c in data.field_history)
            data = replace(data, field_history=history)
            pdf = build_access_report(data, samples.letterhead(), lang)
        else:
            pdf = build(lang)
        words = set(re.findall(r"[\wäöåÄÖÅ.-]+", text(pdf)))
        assert not words & other, f"{name} ({lang}): {sorted(words & other)}"


# --- issue 15 point 8: PDF/A-2b ------------------------------------------------------------


def _colour_operators(doc) -> set[str]:
    """The colour-setting operators of every page's content."""
    import pikepdf

    found: set[str] = set()
    for page in doc.pages:
        for _operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) in ("k", "K", "rg", "RG", "g", "G", "cs", "CS", "sc", "scn"):
                found.add(str(operator))
    return found


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_every_pdf_is_marked_pdfa_2b_with_its_metadata_and_an_srgb_output_intent(lang) -> None:
    import io

    import pikepdf

    for name, pdf in _every_pdf(lang).items():
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            meta = doc.open_metadata()
            assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B"), name
            # The XMP agrees with the information dictionary, as PDF/A requires.
            info = doc.docinfo
            assert meta["dc:title"] == str(info.Title), name
            assert meta["dc:creator"] == ["Huoneistomyynti Mensonen Oy"], name
            created = str(info.CreationDate)  # D:YYYYmmddHHMMSS+hh'mm'
            stamp = f"{created[2:6]}-{created[6:8]}-{created[8:10]}T{created[10:12]}:"
            assert meta["xmp:CreateDate"].startswith(stamp), name
            assert meta["xmp:ModifyDate"] == meta["xmp:CreateDate"], name
            assert "/Trapped" not in info and "/Keywords" not in info, name
            # The packet is readable as it is (no filter) inside its xpacket wrapper.
            assert "/Filter" not in doc.Root.Metadata, name
            assert doc.Root.Metadata.read_raw_bytes().startswith(b"<?xpacket begin="), name
            (intent,) = doc.Root.OutputIntents
            assert intent.S == pikepdf.Name.GTS_PDFA1, name
            assert str(intent.OutputConditionIdentifier) == "sRGB IEC61966-2.1", name
            profile = intent.DestOutputProfile
            icc = profile.read_bytes()
            assert profile.N == 3 and icc[36:40] == b"acsp" and icc[16:20] == b"RGB ", name
            assert not doc.is_encrypted and "/ID" in doc.trailer, name
            assert doc.check_pdf_syntax() == [], name  # qpdf's structural check
            # Only RGB and grey colours, both meant in that sRGB intent: no CMYK.
            assert not {"k", "K"} & _colour_operators(doc), name


@pytest.mark.parametrize("title_en", ["Managing Director", ""])
def test_an_english_letter_signed_by_a_manager_with_a_finnish_title_has_no_finnish_word(
    monkeypatch, title_en
) -> None:
    """Every document kind, signed the way the app signs (the acting user's titles): the
    English letter carries the English title, or none, never "toimitusjohtaja"."""
    import re
    from dataclasses import replace

    from core.documents import samples
    from core.requests.erasure import signatory_of
    from core.security.permissions import Actor
    from tests.render_documents import builders

    actor = Actor(1, "jari", "manager", "Jari Mensonen", "toimitusjohtaja")
    if title_en:
        actor = replace(actor, title_en=title_en)
    monkeypatch.setattr(samples, "manager", lambda lang="fi": signatory_of(actor))
    for name, build in builders().items():
        if name in ("access_json", "mailing_csv"):
            continue
        content = text(build("en"))
        words = set(re.findall(r"[\wäöåÄÖÅ.-]+", content))
        assert not words & FINNISH_WORDS, f"{name}: {sorted(words & FINNISH_WORDS)}"
        if name == "refusal_decision":
            assert ("Managing Director" in content) == bool(title_en)
            assert "Jari Mensonen" in content
    finnish = text(builders()["refusal_decision"]("fi"))
    assert "toimitusjohtaja" in finnish and "Managing Director" not in finnish


def test_the_users_english_title_signs_english_letters(db, manager) -> None:
    from core.security.auth import attempt_login, list_users, update_user
    from tests.conftest import MANAGER_PASSWORD

    with db.begin() as s:
        me = next(u for u in list_users(s, manager) if u.username == "manager")
        update_user(
            s,
            manager,
            me.id,
            full_name=me.full_name,
            title="Toimitusjohtaja",
            title_en="Managing Director",
            role=me.role,
            confidentiality_signed_on=me.confidentiality_signed_on,
        )
    signer = attempt_login(db, "manager", MANAGER_PASSWORD)
    cid = make_customer(db, signer)
    rid = new_request(db, signer, "access", customer_id=cid)
    with db.begin() as s:
        refuse_request(s, signer, rid, "Pyyntö on jo käsitelty.")
        english = text(produce_refusal_decision(s, signer, rid, "en").content)
        finnish = text(produce_refusal_decision(s, signer, rid, "fi").content)
    assert "Managing Director" in english and "Toimitusjohtaja" not in english
    assert "Toimitusjohtaja" in finnish and "Managing Director" not in finnish
