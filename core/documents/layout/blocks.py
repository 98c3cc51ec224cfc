"""Reusable blocks of the letters: tables, signature, the Data Protection Ombudsman."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    LongTable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.documents.data import Letterhead, Signatory
from core.documents.layout.styles import (
    BODY_INDENT,
    BODY_W,
    FONT,
    HEADER_BG,
    RULE,
    STYLES,
    TEXT_W,
    contact_text,
    esc,
    fit_lines,
    para,
    spacer,
)
from core.i18n import RESOURCES, t


def signature_block(
    signatory: Signatory, lh: Letterhead, lang: str, indent: bool = True, contact: bool = True
) -> Flowable:
    """Closing, company, space for the hand signature, a line, name and title.

    With ``contact`` the "questions? contact ..." sentence comes first, kept on the same page
    so a signature never stands alone at the top of a page.
    """
    rows: list[list[Any]] = [
        [Paragraph(t("doc.closing", lang), STYLES["plain"])],
        [Paragraph(esc(lh.company_name), STYLES["plain"])],
        [Spacer(1, 14 * mm)],
        [Paragraph(esc(signatory.full_name), STYLES["plain"])],
    ]
    title = signatory.title_in(lang)
    if title:
        rows.append([Paragraph(esc(title), STYLES["plain"])])
    table = Table(rows, colWidths=[70 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("LINEBELOW", (0, 2), (0, 2), 0.6, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    lead: list[Flowable] = []
    if contact:
        text = t("doc.contact_us", lang, contact=esc(contact_text(lh, lang)))
        lead.append(para(text, "body" if indent else "full"))
    block = KeepTogether([*lead, Spacer(1, 6 * mm), _indented(table) if indent else table])
    block.closing = True  # type: ignore[attr-defined]  # Letter.build keeps it with the text
    return block


def data_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float],
    *,
    right: Sequence[int] = (),
    indent: bool = True,
    long: bool = False,
) -> Table:
    """A grid with a bold header row that repeats on every page the table spans.

    Cells may be strings (drawn as plain text, wrapped at word boundaries to the column) or
    flowables. ``right`` lists columns aligned right. Plain text is fast: a 1,000-row table
    of Paragraphs would spend most of its time wrapping them.
    """
    size = STYLES["cell"].fontSize
    available = BODY_W if indent else TEXT_W
    if sum(widths) > available:  # never past the margin: the columns shrink to fit
        widths = [w * available / sum(widths) for w in widths]
    room = [w - 6 for w in widths]
    body: list[list[Any]] = [
        [
            Paragraph(esc(h), STYLES["cell_bold_right" if i in right else "cell_bold"])
            for i, h in enumerate(header)
        ]
    ]
    for row in rows:
        cells: list[Any] = []
        for i, cell in enumerate(row):
            if isinstance(cell, Flowable):
                cells.append(cell)
                continue
            text = str(cell)
            if "\n" not in text and pdfmetrics.stringWidth(text, FONT, size) <= room[i]:
                cells.append(text)
            else:
                # Broken into lines here: a plain multi-line cell is much cheaper than a
                # Paragraph, and a 1,000-order report has hundreds of wrapped items.
                cells.append("\n".join(fit_lines(text, FONT, size, room[i])))
        body.append(cells)
    cls = LongTable if long else Table
    table = cls(body, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[Any] = [
        ("FONT", (0, 1), (-1, -1), FONT, size, STYLES["cell"].leading),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        *_CELL_BOX,
    ]
    commands += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in right]
    table.setStyle(TableStyle(commands))
    if indent:
        return _indented(table)
    return table


# The cells of a data table: top-aligned, 3 pt either side, 2 pt above and below.
_CELL_BOX: list[Any] = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
]


def total_row(
    cells: Sequence[Any], widths: Sequence[float], *, span: tuple[int, int] | None = None
) -> Table:
    """A sum line to stand right under a ``data_table`` with the same ``widths``: its cells
    line up with the table's, a rule above it. ``span`` joins columns (first, last) so that a
    big amount never wraps. A table of its own: a span inside a long table makes reportlab
    measure every row again at each page break."""
    row = Table([list(cells)], colWidths=list(widths), hAlign="LEFT")
    commands: list[Any] = [("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.black), *_CELL_BOX]
    if span:
        commands.append(("SPAN", (span[0], 0), (span[1], 0)))
    row.setStyle(TableStyle(commands))
    return row


def _indented(flowable: Flowable) -> Table:
    wrapper = Table([[None, flowable]], colWidths=[BODY_INDENT, BODY_W], hAlign="LEFT")
    wrapper.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return wrapper


def key_value_table(
    pairs: Iterable[tuple[str, str]], *, label_w: float = 45 * mm, indent: bool = True
) -> Table:
    """Label / value pairs, labels bold; empty values print as a dash."""
    width = BODY_W if indent else TEXT_W
    rows = [
        [Paragraph(esc(k), STYLES["cell_bold"]), Paragraph(esc(v) if v else "–", STYLES["cell"])]
        for k, v in pairs
    ]
    table = Table(rows, colWidths=[label_w, width - label_w], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return _indented(table) if indent else table


def ombudsman(lang: str) -> dict[str, str]:
    """The Data Protection Ombudsman's contact details from ``resources/ombudsman.json``."""
    with (RESOURCES / "ombudsman.json").open(encoding="utf-8") as f:
        raw = json.load(f)
    return {k: v[lang] for k, v in raw.items() if isinstance(v, dict)}


def ombudsman_rows(lang: str) -> list[tuple[str, str]]:
    """The Ombudsman's office, addresses, email, phone and web site, each with its label."""
    o = ombudsman(lang)
    return [
        (t("doc.ombudsman.office", lang), o["name"]),
        (t("doc.ombudsman.postal", lang), o["postal_address"]),
        (t("doc.ombudsman.visiting", lang), o["visiting_address"]),
        (t("doc.ombudsman.email", lang), o["email"]),
        (t("doc.ombudsman.phone", lang), o["phone"]),
        (t("doc.ombudsman.web", lang), o["web"]),
    ]


def ombudsman_block(lang: str, indent: bool = True) -> list[Flowable]:
    """The right to complain to the Data Protection Ombudsman, with the office's details."""
    style = "body" if indent else "full"
    return [
        para(t("doc.ombudsman.right", lang), style),
        key_value_table(
            ombudsman_rows(lang),
            indent=indent,
            label_w=38 * mm,
        ),
        spacer(2),
    ]
