"""The privacy statement, clauses [S1]-[S17] completed to meet GDPR Articles 13 and 14,
generated from Settings in fi and en, for the office wall (PDF) and the website (HTML).

``statement_content`` is the one source of what the statement says: numbered sections of plain
text built from the Settings, the core's rules (the retention periods of ``core.retention``, the
Ombudsman of ``resources/ombudsman.json``) and the catalogue. ``build_statement`` lays it out as
a PDF and ``build_statement_html`` as one self-contained HTML file, so the two cannot differ.
The register's own facts follow the 2018 wording of ``shared/seed``.
"""

from __future__ import annotations

import calendar
import html
from dataclasses import dataclass
from datetime import date

from reportlab.platypus import Flowable, KeepTogether

from core.documents import layout as L
from core.documents.data import Letterhead, LetterheadIncomplete, StatementData
from core.i18n import format_date, t
from core.models import LETTERHEAD_REQUIRED
from core.validation import format_phone

mm = L.mm


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Fields:
    """Label / value rows; a value may hold line breaks."""

    rows: tuple[tuple[str, str], ...]


Block = str | Bullets | Fields  # a str is one paragraph


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class StatementContent:
    lang: str
    doc_title: str  # "Tietosuojaseloste": the page header and the HTML title
    title: str  # "Asiakasrekisteri – tietosuojaseloste": the main heading
    law: str
    statement_date: date
    sections: tuple[Section, ...]


def _paragraphs(key: str, lang: str, **params: object) -> tuple[str, ...]:
    return tuple(t(key, lang, **params).split("\n\n"))


def _year_end(day: int, month: int, lang: str) -> str:
    if lang == "fi":
        return f"{day}.{month}."
    return f"{day} {calendar.month_name[month]}"


def _controller(lh: Letterhead, lang: str) -> Fields:
    place = f"{lh.postal_code} {lh.city}".strip()
    controller = [lh.company_name]
    if lh.business_id:
        controller.append(f"{t('doc.business_id', lang)} {lh.business_id}")
    controller += [p for p in (lh.street, place, format_phone(lh.phone, lang), lh.email) if p]
    contact_phone = format_phone(lh.contact_phone or lh.phone, lang)
    contact_email = lh.contact_email or lh.email
    contact = [p for p in (lh.contact_person, lh.street, place, contact_phone, contact_email) if p]
    rows = [(t("doc.statement.controller", lang), "\n".join(controller))]
    if lh.controller_person:
        rows.append((t("doc.statement.responsible", lang), lh.controller_person))
    rows.append((t("doc.statement.contact", lang), "\n".join(contact)))
    return Fields(tuple(rows))


def _ombudsman(lang: str) -> Fields:
    return Fields(tuple(L.ombudsman_rows(lang)))


def statement_content(data: StatementData, letterhead: Letterhead, lang: str) -> StatementContent:
    """What the statement says, section by section; refuses (``LetterheadIncomplete``) while
    a letterhead field or the statement date is empty, as every printed document does."""
    lh = letterhead
    dated = data.statement_date
    missing = (*lh.missing(LETTERHEAD_REQUIRED), *(() if dated else ("statement_date",)))
    if missing or dated is None:
        raise LetterheadIncomplete(missing)
    r = data.retention
    purposes = (
        tuple(
            p.strip() for p in data.purposes_text.replace("\r\n", "\n").split("\n\n") if p.strip()
        )
        if data.purposes_text.strip()
        else (t("doc.access.purposes_default", lang),)
    )
    place = f"{lh.postal_code} {lh.city}".strip()
    address = ", ".join(p for p in (lh.company_name, lh.street, place, lh.email) if p)
    contact = ", ".join(p for p in (lh.contact_person, lh.contact_email or lh.email) if p)
    bodies: list[tuple[Block, ...]] = [
        (format_date(dated, lang),),
        (_controller(lh, lang),),
        (lh.register_name,),
        (
            *purposes,
            t("doc.statement.bases_intro", lang),
            Bullets(
                tuple(
                    t(f"doc.statement.basis.{basis}", lang)
                    for basis in (
                        "contract",
                        "legal_obligation",
                        "marketing",
                        "development",
                        "consent",
                    )
                )
            ),
        ),
        _paragraphs("doc.statement.s5", lang),
        _paragraphs("doc.statement.s6", lang, email=lh.contact_email or lh.email),
        (
            t("doc.statement.s7_intro", lang),
            Bullets(tuple(t("doc.statement.s7_items", lang).split("|"))),
            t("doc.statement.required", lang),
            t("doc.statement.hetu", lang),
        ),
        _paragraphs("doc.statement.s8", lang),
        (*_paragraphs("doc.statement.s9", lang), t("doc.statement.s9_recorded", lang)),
        (*_paragraphs("doc.statement.s10", lang), t("doc.statement.s10_safeguard", lang)),
        (
            t("doc.statement.retention_intro", lang),
            Bullets(
                (
                    t("doc.statement.retention.customer", lang, years=r.customer_years),
                    t(
                        "doc.statement.retention.orders",
                        lang,
                        years=r.bookkeeping_years,
                        year_end=_year_end(
                            r.financial_year_end_day, r.financial_year_end_month, lang
                        ),
                    ),
                    t("doc.statement.retention.requests", lang),
                    t("doc.statement.retention.audit", lang),
                    t("doc.statement.retention.backups", lang, count=r.automatic_backups_kept),
                    t("doc.statement.retention.suppression", lang),
                )
            ),
            t("doc.statement.erasure", lang),
            t("doc.statement.suppression", lang),
        ),
        _paragraphs("doc.statement.s12", lang),
        _paragraphs("doc.statement.s13", lang),
        _paragraphs("doc.statement.s14", lang),
        _paragraphs("doc.statement.s15", lang),
        _paragraphs("doc.statement.s16", lang),
        (
            t("doc.statement.rights_intro", lang),
            Bullets(
                tuple(
                    t(f"doc.statement.right.{right}", lang)
                    for right in ("erasure", "restriction", "objection", "portability", "consent")
                )
            ),
            t("doc.statement.rights_where", lang, address=address, contact=contact),
            t("doc.statement.deadline", lang),
        ),
        (t("doc.statement.automated", lang),),
        (t("doc.statement.complaint", lang), _ombudsman(lang)),
    ]
    sections = tuple(
        Section(t(f"doc.statement.h{number}", lang), body)
        for number, body in enumerate(bodies, start=1)
    )
    return StatementContent(
        lang=lang,
        doc_title=t("doc.statement.doc_title", lang),
        title=t("doc.statement.title", lang, register=lh.register_name),
        law=t("doc.statement.law", lang),
        statement_date=dated,
        sections=sections,
    )


# --- PDF ----------------------------------------------------------------------------------


def _pdf_block(block: Block) -> list[Flowable]:
    if isinstance(block, Bullets):
        return [*L.bullets([L.esc(item) for item in block.items], "bullet_full"), L.spacer(2)]
    if isinstance(block, Fields):
        return [L.key_value_table(block.rows, indent=False, label_w=45 * mm)]
    return [L.para(L.esc(block), "full")]


def build_statement(data: StatementData, letterhead: Letterhead, lang: str) -> bytes:
    """The privacy statement as PDF, in the shared letter layout."""
    content = statement_content(data, letterhead, lang)
    letter = L.Letter(letterhead, lang, content.doc_title, issued_on=content.statement_date)
    story: list[Flowable] = [
        L.para(L.esc(content.title), "h1"),
        L.para(L.esc(content.law), "small"),
        L.spacer(2),
    ]
    for section in content.sections:
        body = [f for block in section.blocks for f in _pdf_block(block)]
        heading = L.para(L.esc(section.heading), "h2")
        story += [KeepTogether([heading, *body[:1]]), *body[1:]]
    return letter.build(story)


# --- HTML ---------------------------------------------------------------------------------

_STYLE = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; line-height: 1.5;
       max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.15rem; margin-top: 1.8rem; }
.law { color: #444; font-size: 0.9rem; }
dl { display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr; gap: 0.3rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; }
li { margin-bottom: 0.4rem; }
""".strip()


def _html_text(text: str) -> str:
    return "<br>\n".join(html.escape(line) for line in text.split("\n"))


def _html_block(block: Block) -> str:
    if isinstance(block, Bullets):
        items = "\n".join(f"<li>{_html_text(item)}</li>" for item in block.items)
        return f"<ul>\n{items}\n</ul>"
    if isinstance(block, Fields):
        rows = "\n".join(
            f"<dt>{_html_text(label)}</dt><dd>{_html_text(value) if value else '–'}</dd>"
            for label, value in block.rows
        )
        return f"<dl>\n{rows}\n</dl>"
    return f"<p>{_html_text(block)}</p>"


def build_statement_html(data: StatementData, letterhead: Letterhead, lang: str) -> bytes:
    """The privacy statement as one self-contained UTF-8 HTML page for the office's website:
    no scripts, no external resources, every text escaped."""
    content = statement_content(data, letterhead, lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(content.title)}</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{html.escape(content.title)}</h1>",
        f'<p class="law">{html.escape(content.law)}</p>',
    ]
    for section in content.sections:
        parts.append("<section>")
        parts.append(f"<h2>{html.escape(section.heading)}</h2>")
        parts += [_html_block(block) for block in section.blocks]
        parts.append("</section>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")
