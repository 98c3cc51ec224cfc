"""The privacy statement meets GDPR Articles 13 and 14 (issue 15 point 4): the legal basis of
each purpose, the retention of each category from the core's rules, every right, the
Ombudsman, the ground for the hetu, no profiling, the suppression record, one plain answer on
cookies; the PDF and the website's HTML say the same."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from core import models
from core.backup.files import KEEP_AUTOMATIC
from core.documents import samples
from core.documents.data import Letterhead, StatementData
from core.documents.layout.styles import FOOTER_TOP, PAGE_H
from core.documents.statement import build_statement, build_statement_html
from core.i18n import RESOURCES
from core.retention import RetentionPeriods

mm = 72 / 25.4
LANGS = ("fi", "en")


def words(text: str) -> list[str]:
    """The words as a reader sees them; a bullet's dash is layout, not text."""
    return [w for w in text.split() if w != "–"]


def pdf_body(pdf: bytes) -> str:
    """The statement's own text, page by page, without the page header and footer."""
    reader = PdfReader(__import__("io").BytesIO(pdf))
    found: list[str] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        y = cm[5] + tm[5] * cm[3]
        if text.strip() and FOOTER_TOP < y < PAGE_H - 29 * mm:
            found.append(text)

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return " ".join(" ".join(found).split())


def statement_pdf(lang: str, data: StatementData | None = None) -> str:
    return pdf_body(build_statement(data or samples.statement(), samples.letterhead(), lang))


class _Text(HTMLParser):
    """The visible text of an HTML page and the tags it uses."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.attrs: dict[str, dict[str, str | None]] = {}
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.setdefault(tag, dict(attrs))
        if tag in ("head", "style", "title", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "title", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def html_parts(raw: bytes) -> _Text:
    parser = _Text()
    parser.feed(raw.decode("utf-8"))
    return parser


@pytest.mark.parametrize(
    ("lang", "bases"),
    [
        (
            "fi",
            [
                "sopimuksen täytäntöönpano",
                "6 artiklan 1 kohdan b alakohta",
                "lakisääteisen velvoitteen noudattaminen (6 artiklan 1 kohdan c alakohta",
                "oikeutettu etu (6 artiklan 1 kohdan f alakohta), joka on yrityksen tuotteiden ja"
                " palvelujen markkinointi sen omille asiakkaille",
                "joka on palvelun kehittäminen",
                "oikeus vastustaa tätä käsittelyä milloin tahansa",
                "suostumus (6 artiklan 1 kohdan a alakohta)",
                "oikeus peruuttaa suostumus milloin tahansa",
                "käsittelyn oikeusperuste",
                "rekisterinpitäjä",
            ],
        ),
        (
            "en",
            [
                "performance of a contract",
                "(Article 6(1)(b))",
                "legal obligation of the controller (Article 6(1)(c)",
                "legitimate interest (Article 6(1)(f)), which is marketing the company's products"
                " and services to its own customers",
                "which is developing the service",
                "right to object to this processing at any time",
                "consent (Article 6(1)(a))",
                "right to withdraw consent at any time",
            ],
        ),
    ],
)
def test_statement_names_the_legal_basis_of_each_purpose(lang, bases) -> None:
    content = statement_pdf(lang)
    for basis in bases:
        assert basis in content or basis in content.lower(), basis


def test_statement_retention_periods_are_the_core_rules_and_follow_the_settings() -> None:
    # A new register's periods are the Settings columns' defaults and the backup rotation's.
    default = RetentionPeriods()
    assert (default.customer_years, default.bookkeeping_years) == (3, 6)
    assert default.automatic_backups_kept == KEEP_AUTOMATIC
    fi = statement_pdf("fi")
    assert "kulunut 3 vuotta" in fi and "6 vuotta sen tilikauden" in fi
    assert "tilikausi päättyy 31.12." in fi and f"säilytetään {KEEP_AUTOMATIC} uusinta" in fi

    row = models.Settings(
        statement_date=date(2025, 5, 1),
        retention_years=5,
        bookkeeping_retention_years=10,
        financial_year_end_day=30,
        financial_year_end_month=6,
    )
    changed = StatementData.from_settings(row)
    assert changed.retention == RetentionPeriods(5, 10, 30, 6, KEEP_AUTOMATIC)
    fi = statement_pdf("fi", changed)
    assert "kulunut 5 vuotta" in fi and "10 vuotta sen tilikauden" in fi
    assert "tilikausi päättyy 30.6." in fi and "kulunut 3 vuotta" not in fi
    en = statement_pdf("en", changed)
    assert "When 5 years have passed" in en and "10 years from the end of the financial" in en
    assert "the financial year ends on 30 June" in en


@pytest.mark.parametrize(
    ("lang", "categories"),
    [
        ("fi", ["Asiakastiedot", "Tilaukset ja laskutustiedot", "Pyynnöt ja niiden asiakirjat"]),
        ("en", ["Customer data", "Orders and invoicing data", "Requests and their documents"]),
    ],
)
def test_statement_gives_the_retention_of_every_category(lang, categories) -> None:
    content = statement_pdf(lang)
    more = (
        ["Lokimerkinnät:", "Varmuuskopiot:", "Poistokirjaukset:"]
        if lang == "fi"
        else ["Audit entries:", "Backups:", "Suppression records:"]
    )
    for category in [*categories, *more]:
        assert category in content, category


@pytest.mark.parametrize(
    ("lang", "rights"),
    [
        (
            "fi",
            [
                "15. Tarkastusoikeus",
                "16. Oikeus vaatia tiedon korjaamista",
                "Oikeus tietojen poistamiseen eli oikeus tulla unohdetuksi (17 artikla)",
                "Oikeus käsittelyn rajoittamiseen (18 artikla)",
                "Oikeus vastustaa käsittelyä (21 artikla)",
                "Oikeus siirtää tiedot järjestelmästä toiseen (20 artikla)",
                "Oikeus peruuttaa suostumus milloin tahansa (7 artiklan 3 kohta)",
                "19. Oikeus tehdä valitus tietosuojavaltuutetulle",
            ],
        ),
        (
            "en",
            [
                "15. Right of access",
                "16. Right to rectification",
                "The right to erasure, or to be forgotten (Article 17)",
                "The right to restriction of processing (Article 18)",
                "The right to object (Article 21)",
                "The right to data portability (Article 20)",
                "The right to withdraw consent at any time (Article 7(3))",
                "19. Right to lodge a complaint with the Data Protection Ombudsman",
            ],
        ),
    ],
)
def test_statement_lists_every_right_and_how_to_use_it(lang, rights) -> None:
    content = statement_pdf(lang)
    for right in rights:
        assert right in content, right
    lh = samples.letterhead()
    # How to use them: the office's address and contact person from Settings.
    assert f"{lh.company_name}, {lh.street}, {lh.postal_code} {lh.city}" in content
    assert f"{lh.contact_person}, {lh.contact_email}" in content


@pytest.mark.parametrize("lang", LANGS)
def test_statement_gives_the_ombudsman_from_the_one_resource_file(lang) -> None:
    raw = json.loads((RESOURCES / "ombudsman.json").read_text(encoding="utf-8"))
    content = statement_pdf(lang)
    for field, value in raw.items():
        if isinstance(value, dict):
            assert value[lang] in content, field
    assert ("77 artikla" if lang == "fi" else "(Article 77)") in content


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        (
            "fi",
            [
                "Henkilötunnusta käsitellään tietosuojalain (1050/2018) 29 §:n nojalla",
                "eikä tietoja käytetä profilointiin (tietosuoja-asetuksen 22 artikla)",
                "Poistokirjaus säilytetään niin kauan kuin rekisteriä pidetään",
                "Euroopan komission päätös tietosuojan riittävyydestä (45 artikla)",
                "vakiosopimuslausekkeet (46 artiklan 2 kohdan c alakohta)",
            ],
        ),
        (
            "en",
            [
                "under section 29 of the Finnish Data Protection Act (1050/2018)",
                "the data is not used for profiling (Article 22",
                "A suppression record is kept as long as the register is kept",
                "an adequacy decision of the European Commission (Article 45)",
                "standard data protection clauses adopted by the Commission (Article 46(2)(c))",
            ],
        ),
    ],
)
def test_statement_states_hetu_ground_no_profiling_suppression_and_transfers(lang, phrases) -> None:
    content = statement_pdf(lang)
    for phrase in phrases:
        assert phrase in content, phrase


@pytest.mark.parametrize(
    ("lang", "holds_none", "old_source"),
    [
        ("fi", "ei sisällä evästeiden avulla kerättyjä tietoja", "evästeiden avulla tai"),
        ("en", "holds no data collected through cookies", "through cookies or"),
    ],
)
def test_statement_says_plainly_the_register_holds_no_cookie_data(
    lang, holds_none, old_source
) -> None:
    content = statement_pdf(lang)
    assert holds_none in content
    # The 2018 text named cookies as a source of data (S8) and said nothing in S14.
    assert old_source not in content
    cookie_sentences = [s for s in content.split(". ") if "eväst" in s or "cookie" in s]
    assert cookie_sentences and all(
        any(no in s for no in (" ei ", "eikä", "no data", " no ", "not"))
        or "seloste" in s
        or "notice" in s
        for s in cookie_sentences
    ), cookie_sentences


def test_statement_uses_the_offices_own_purposes_text() -> None:
    data = replace(samples.statement(), purposes_text="Omat tarkoitukset & <b>muut</b>.")
    content = statement_pdf("fi", data)
    assert "Omat tarkoitukset & <b>muut</b>." in content
    assert "6 artiklan 1 kohdan b alakohta" in content  # the legal bases stay


@pytest.mark.parametrize("lang", LANGS)
def test_statement_html_is_one_safe_page_with_the_pdfs_text(lang) -> None:
    lh = replace(samples.letterhead(), company_name="Ö & <Oy>")
    raw = build_statement_html(samples.statement(), lh, lang)
    page = html_parts(raw)
    assert page.attrs["html"]["lang"] == lang
    assert page.tags.count("h1") == 1 and page.tags.count("h2") == 19
    assert "section" in page.tags and "main" in page.tags
    assert not {"script", "link", "img", "iframe"} & set(page.tags)
    assert b"<Oy>" not in raw and "Ö &amp; &lt;Oy&gt;" in raw.decode("utf-8")
    assert b"http" not in raw and b"src=" not in raw
    pdf = pdf_body(build_statement(samples.statement(), lh, lang))
    assert words(" ".join(page.text)) == words(pdf)


def test_html_refuses_while_the_statement_date_is_empty() -> None:
    from core.documents.data import LetterheadIncomplete

    undated = replace(samples.statement(), statement_date=None)
    with pytest.raises(LetterheadIncomplete) as caught:
        build_statement_html(undated, samples.letterhead(), "fi")
    assert caught.value.fields == ("statement_date",)
    with pytest.raises(LetterheadIncomplete):
        build_statement_html(samples.statement(), Letterhead(company_name="K Oy"), "fi")
