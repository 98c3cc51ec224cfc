"""Blank signed-request forms [S15][S16][S17]: access, rectification, objection, erasure
(the erasure form also covers anonymisation), in Finnish or English, optionally prefilled.

The form is addressed to the company, so the person can post it back in a window envelope.
A blank form holds no personal data and needs no login.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from core.documents import layout as L
from core.documents.data import FORM_KINDS, FormData, Letterhead
from core.i18n import t

mm = L.mm
BOX = "☐"
OBJECTION_KINDS = ("direct_marketing", "distance_selling", "research", "publication")


def _grid(
    rows: list[list[Any]], widths: list[float], height: float = 9 * mm, header: bool = False
) -> Table:
    """Ruled writing fields of ``height``; with ``header`` the first row is a bold heading."""
    heights: list[float | None] = [height] * len(rows)
    if header:
        heights[0] = None
    table = Table(
        rows, colWidths=widths, rowHeights=heights, hAlign="LEFT", repeatRows=1 if header else 0
    )
    style: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), L.FONT, 9.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), L.HEADER_BG))
    table.setStyle(TableStyle(style))
    return table


def _field(label: str, value: str = "") -> Paragraph:
    text = f'<font size="7" color="#555555">{L.esc(label)}</font>'
    if value:
        text += f"<br/>{L.esc(value)}"
    return Paragraph(text, L.STYLES["cell"])


def _person_section(data: FormData, lang: str) -> list[Flowable]:
    p = data.person
    name = p.name if p else ""
    street = p.street if p else ""
    place = f"{p.postal_code} {p.city}".strip() if p else ""
    half = L.TEXT_W / 2
    rows = [
        [_field(t("doc.field.name", lang), name), _field(t("doc.form.birth_date", lang))],
        [
            _field(t("doc.field.street", lang), street),
            _field(f"{t('doc.field.postal_code', lang)} / {t('doc.field.city', lang)}", place),
        ],
        [
            _field(t("doc.field.phone", lang), data.phone),
            _field(t("doc.field.email", lang), data.email),
        ],
        [_field(t("doc.form.customer_ref", lang)), _field("")],
    ]
    table = _grid(rows, [half, half], height=10.5 * mm)
    table.setStyle(TableStyle([("SPAN", (0, 3), (1, 3))]))
    return [
        L.para(t("doc.form.h.person", lang), "h2"),
        table,
        L.spacer(1.5),
        L.para(t("doc.form.identity_note", lang), "small"),
    ]


def _check(text: str) -> Paragraph:
    return Paragraph(text, L.STYLES["check"], bulletText=BOX)


def _lines(count: int) -> Table:
    table = Table(
        [[""] for _ in range(count)], colWidths=[L.TEXT_W], rowHeights=8 * mm, hAlign="LEFT"
    )
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, L.RULE)]))
    return table


def _request_section(kind: str, lang: str) -> list[Flowable]:
    story: list[Flowable] = [L.para(t(f"doc.form.h.request.{kind}", lang), "h2")]
    if kind == "access":
        story.append(L.para(t("doc.form.access.request", lang), "full"))
        story += [_check(t(f"doc.form.access.{k}", lang)) for k in ("by_post", "in_person", "json")]
        story.append(
            L.para(
                f'{t("doc.form.reply_language", lang)}   <font size="13">{BOX}</font> '
                f'{t("doc.form.lang_fi", lang)}    <font size="13">{BOX}</font> '
                f"{t('doc.form.lang_en', lang)}",
                "full",
            )
        )
    elif kind == "rectification":
        header = [
            Paragraph(L.esc(t(f"doc.form.rect.col_{c}", lang)), L.STYLES["cell_bold"])
            for c in ("field", "current", "new", "grounds")
        ]
        rows: list[list[Any]] = [header] + [["", "", "", ""] for _ in range(4)]
        table = _grid(rows, [32 * mm, 44 * mm, 44 * mm, 50 * mm], height=16 * mm, header=True)
        story += [table, L.spacer(2), L.para(t("doc.form.rect.attach", lang), "small")]
    elif kind == "objection":
        story.append(L.para(t("doc.form.objection.choose", lang), "full"))
        story += [_check(L.esc(L.label("objection", k, lang))) for k in OBJECTION_KINDS]
        story.append(_check(t("doc.form.objection.all", lang)))
    else:
        story += [
            _check(t("doc.form.erasure.erase", lang)),
            _check(t("doc.form.erasure.anonymise", lang)),
            L.para(t("doc.form.erasure.grounds", lang), "full"),
            _lines(3),
        ]
    return story


def _signature_section(lang: str) -> Flowable:
    """Three writing lines (place and date, signature, name) with their labels below."""
    labels = [
        t("doc.form.place_date", lang),
        t("doc.form.signature", lang),
        t("doc.form.name_clarification", lang),
    ]
    gap = 6 * mm
    widths = [48 * mm, gap, 64 * mm, gap, L.TEXT_W - 112 * mm - 2 * gap]
    label_row: list[Any] = []
    for i, text in enumerate(labels):
        if i:
            label_row.append("")
        label_row.append(Paragraph(L.esc(text), L.STYLES["small"]))
    table = Table(
        [["", "", "", "", ""], label_row],
        colWidths=widths,
        rowHeights=[16 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                *[("LINEBELOW", (c, 0), (c, 0), 0.6, colors.black) for c in (0, 2, 4)],
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 2),
            ]
        )
    )
    return KeepTogether([L.para(t("doc.form.h.sign", lang), "h2"), table])


def _office_box(lang: str) -> Flowable:
    keys = ("received", "number", "identity", "filed")
    cells = [[_field(t(f"doc.form.office.{k}", lang)) for k in keys]]
    table = _grid(cells, [30 * mm, 30 * mm, 60 * mm, 50 * mm], height=10 * mm)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, L.RULE)]))
    return KeepTogether([L.para(t("doc.form.office_use", lang), "small"), table])


def build_form(data: FormData, letterhead: Letterhead, lang: str) -> bytes:
    """A signed-request form of ``data.kind`` (access, rectification, objection, erasure)."""
    if data.kind not in FORM_KINDS:
        raise ValueError(f"unknown form kind {data.kind!r}")
    kind = data.kind
    lh = letterhead
    letter = L.Letter(
        lh,
        lang,
        t(f"doc.form.doc_title.{kind}", lang),
        addressee=L.company_address(lh, lang=lang),
        reference=data.reference,
        show_date=False,
    )
    address = ", ".join(
        p
        for p in (
            lh.company_name,
            lh.contact_person,
            lh.street,
            f"{lh.postal_code} {lh.city}".strip(),
        )
        if p
    )
    story: list[Flowable] = [
        L.subject(t(f"doc.form.subject.{kind}", lang)),
        L.para(t(f"doc.form.intro.{kind}", lang, register=L.esc(lh.register_name)), "full"),
    ]
    story += _person_section(data, lang)
    story += _request_section(kind, lang)
    story.append(_signature_section(lang))
    # Settings not filled in yet (a blank form printed before setup): no empty address.
    returning = [L.para(t("doc.form.h.return", lang), "h2")]
    if lh.street:
        returning.append(L.para(t("doc.form.return_text", lang, address=L.esc(address)), "full"))
    else:
        returning.append(L.para(t("doc.form.return_text_plain", lang), "full"))
    if lh.contact_person or lh.contact_phone or lh.contact_email or lh.phone or lh.email:
        contact = t("doc.form.return_contact", lang, contact=L.esc(L.contact_text(lh, lang)))
        returning.append(L.para(contact, "full"))
    story.append(KeepTogether(returning))
    story += [L.spacer(4), _office_box(lang)]
    return letter.build(story)
