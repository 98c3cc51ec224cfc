"""The privacy statement itself, clauses [S1]-[S17], generated from Settings in fi and en,
for the office wall and the website. The wording follows ``shared/seed``."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether

from core.documents import layout as L
from core.documents.data import Letterhead, StatementData
from core.i18n import format_date, t
from core.validation import format_phone

mm = L.mm


def _section(number: int, body: list[Flowable], lang: str) -> list[Flowable]:
    heading = L.para(t(f"doc.statement.h{number}", lang), "h2")
    return [KeepTogether([heading, *body[:1]]), *body[1:]]


def _text(key: str, lang: str, **params: object) -> list[Flowable]:
    parts = t(key, lang, **params).split("\n\n")
    return [L.para(p, "full") for p in parts]


def _person_block(lh: Letterhead, lang: str) -> list[Flowable]:
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
    return [L.key_value_table(rows, indent=False, label_w=45 * mm)]


def build_statement(data: StatementData, letterhead: Letterhead, lang: str) -> bytes:
    """The privacy statement as PDF: one section per clause [S1]-[S17]."""
    lh = letterhead
    o = L.ombudsman(lang)
    letter = L.Letter(
        lh,
        lang,
        t("doc.statement.doc_title", lang),
        issued_on=data.statement_date,
        also_missing=() if data.statement_date else ("statement_date",),
    )
    story: list[Flowable] = [
        L.para(L.esc(t("doc.statement.title", lang, register=lh.register_name)), "h1"),
        L.para(t("doc.statement.law", lang), "small"),
        L.spacer(2),
    ]
    date_text = format_date(data.statement_date, lang) if data.statement_date else "–"
    purposes = (
        L.paras(data.purposes_text, "full")
        if data.purposes_text
        else [L.para(t("doc.access.purposes_default", lang), "full")]
    )
    items = t("doc.statement.s7_items", lang).split("|")
    sections: list[list[Flowable]] = [
        [L.para(date_text, "full")],
        _person_block(lh, lang),
        [L.para(L.esc(lh.register_name), "full")],
        purposes,
        _text("doc.statement.s5", lang),
        _text("doc.statement.s6", lang, email=L.esc(lh.contact_email or lh.email)),
        [L.para(t("doc.statement.s7_intro", lang), "full"), *L.bullets(items, "bullet_full")],
        _text("doc.statement.s8", lang),
        _text("doc.statement.s9", lang),
        _text("doc.statement.s10", lang),
        [
            *_text(
                "doc.statement.s11",
                lang,
                years=data.bookkeeping_retention_years,
                customer_years=data.retention_years,
            ),
            *_text("doc.statement.suppression", lang),
        ],
        _text("doc.statement.s12", lang),
        _text("doc.statement.s13", lang),
        _text("doc.statement.s14", lang),
        _text("doc.statement.s15", lang),
        _text("doc.statement.s16", lang),
        [
            *_text("doc.statement.s17", lang),
            L.para(
                t(
                    "doc.statement.complaint",
                    lang,
                    name=o["name"],
                    postal=o["postal_address"],
                    email=o["email"],
                    phone=o["phone"],
                    web=o["web"],
                ),
                "full",
            ),
            L.para(t("doc.statement.deadline", lang), "full"),
        ],
    ]
    for number, body in enumerate(sections, start=1):
        story += _section(number, body, lang)
    return letter.build(story)
