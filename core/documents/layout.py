"""The one shared layout of every document: A4 Finnish business letter (SFS 2487 style).

Page 1: sender block top left, document title, page "1 (2)", date and reference top right,
addressee block in the window of a C5/DL envelope (20 mm from the left, 45-90 mm from the top),
body below it. Later pages repeat the sender name, title, date and page number. Every page has
the footer with the company's contact details and business ID. The font is DejaVu Sans, shipped
under ``resources/fonts`` and embedded, so Finnish letters and the euro sign print everywhere.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle  # noqa: F401 - re-exported
from reportlab.lib.units import mm  # noqa: F401 - re-exported for builders
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.clock import today
from core.documents.data import Addressee, Letterhead, Signatory
from core.i18n import RESOURCES, format_date, t
from core.validation import mask_hetu

PAGE_W, PAGE_H = A4
LEFT = 20 * mm
RIGHT = PAGE_W - 20 * mm
TEXT_W = RIGHT - LEFT
COL_C = 105 * mm  # tab stop of the document title, date and reference
BODY_INDENT = 26 * mm  # body text at 46 mm from the paper's edge (SFS 2487)
BODY_W = TEXT_W - BODY_INDENT
FOOTER_TOP = 24 * mm
WINDOW_TOP = 45 * mm  # address window of a C5/DL envelope, from the top of the paper
WINDOW_H = 45 * mm

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_MONO = "DejaVuSansMono"
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
HEADER_BG = colors.HexColor("#E8E8E8")

_fonts_lock = threading.Lock()
_fonts_registered = False


def register_fonts() -> None:
    """Register the shipped DejaVu fonts once per process."""
    global _fonts_registered
    with _fonts_lock:
        if _fonts_registered:
            return
        folder = RESOURCES / "fonts"
        pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_MONO, str(folder / "DejaVuSansMono.ttf")))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
        )
        _fonts_registered = True


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": FONT, "fontSize": 10, "leading": 13.5}
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES: dict[str, ParagraphStyle] = {
    "body": _style("body", leftIndent=BODY_INDENT, spaceAfter=7),
    "full": _style("full", spaceAfter=7),
    "plain": _style("plain"),
    "subject": _style("subject", fontName=FONT_BOLD, fontSize=11, leading=14, spaceAfter=9),
    "h1": _style("h1", fontName=FONT_BOLD, fontSize=14, leading=18, spaceAfter=8),
    "h2": _style(
        "h2",
        fontName=FONT_BOLD,
        fontSize=10.5,
        leading=14,
        spaceBefore=9,
        spaceAfter=4,
        keepWithNext=1,
    ),
    "small": _style("small", fontSize=8, leading=10, textColor=GREY),
    "cell": _style("cell", fontSize=8.5, leading=10.5),
    "cell_bold": _style("cell_bold", fontName=FONT_BOLD, fontSize=8.5, leading=10.5),
    "cell_right": _style("cell_right", fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
    "bullet": _style(
        "bullet", leftIndent=BODY_INDENT + 4 * mm, bulletIndent=BODY_INDENT, spaceAfter=3
    ),
    "bullet_full": _style("bullet_full", leftIndent=4 * mm, bulletIndent=0, spaceAfter=3),
}

COUNTRY_NAMES = {
    "SE": "SWEDEN",
    "NO": "NORWAY",
    "DK": "DENMARK",
    "IS": "ICELAND",
    "EE": "ESTONIA",
    "LV": "LATVIA",
    "LT": "LITHUANIA",
    "DE": "GERMANY",
    "GB": "UNITED KINGDOM",
    "IE": "IRELAND",
    "FR": "FRANCE",
    "ES": "SPAIN",
    "PT": "PORTUGAL",
    "IT": "ITALY",
    "NL": "NETHERLANDS",
    "BE": "BELGIUM",
    "AT": "AUSTRIA",
    "CH": "SWITZERLAND",
    "PL": "POLAND",
    "US": "USA",
    "CA": "CANADA",
    "RU": "RUSSIA",
}


def esc(text: object) -> str:
    """Escape user data for a reportlab Paragraph; line breaks are kept."""
    return escape(str(text)).replace("\n", "<br/>")


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of catalogue text (already markup-safe) in one of the STYLES."""
    return Paragraph(text, STYLES[style])


def paras(text: str, style: str = "body") -> list[Flowable]:
    """User-supplied text split into paragraphs at blank lines, escaped."""
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    return [Paragraph(esc(p), STYLES[style]) for p in parts if p]


def bullets(items: Iterable[str], style: str = "bullet") -> list[Flowable]:
    return [Paragraph(item, STYLES[style], bulletText="–") for item in items]


def address_lines(a: Addressee) -> list[str]:
    lines = [a.name]
    if a.organisation:
        lines.append(a.organisation)
    if a.street:
        lines.extend(a.street.splitlines())
    place = " ".join(p for p in (a.postal_code, a.city.upper() if a.city else "") if p)
    if place:
        lines.append(place)
    country = (a.country or "FI").upper()
    if country != "FI":
        lines.append(COUNTRY_NAMES.get(country, country))
    return [line for line in lines if line.strip()]


def company_address(lh: Letterhead, attention: bool = True) -> Addressee:
    """The company as an addressee (forms are mailed back to it)."""
    name = lh.company_name
    org = ""
    if attention and lh.contact_person:
        org = lh.contact_person
    return Addressee(
        name=name, organisation=org, street=lh.street, postal_code=lh.postal_code, city=lh.city
    )


def signature_block(
    signatory: Signatory, lh: Letterhead, lang: str, indent: bool = True
) -> Flowable:
    """Closing, company, space for the hand signature, a line, name and title."""
    rows: list[list[Any]] = [
        [Paragraph(t("doc.closing", lang), STYLES["plain"])],
        [Paragraph(esc(lh.company_name), STYLES["plain"])],
        [Spacer(1, 14 * mm)],
        [Paragraph(esc(signatory.full_name), STYLES["plain"])],
    ]
    if signatory.title:
        rows.append([Paragraph(esc(signatory.title), STYLES["plain"])])
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
    return KeepTogether([Spacer(1, 6 * mm), _indented(table) if indent else table])


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

    Cells may be strings (escaped here) or flowables. ``right`` lists columns aligned right.
    A string that fits its column on one line is drawn as plain text (fast: a 1,000-row table
    would otherwise spend most of its time wrapping paragraphs); longer ones wrap.
    """
    size = STYLES["cell"].fontSize
    room = [w - 6 for w in widths]
    body: list[list[Any]] = [[Paragraph(esc(h), STYLES["cell_bold"]) for h in header]]
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
                style = "cell_right" if i in right else "cell"
                cells.append(Paragraph(esc(text), STYLES[style]))
        body.append(cells)
    cls = LongTable if long else Table
    table = cls(body, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[Any] = [
        ("FONT", (0, 1), (-1, -1), FONT, size, STYLES["cell"].leading),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    commands += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in right]
    table.setStyle(TableStyle(commands))
    if indent:
        return _indented(table)
    return table


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


class _NumberedCanvas(Canvas):
    """Defers page decoration to ``save`` so every page can say "n (total)"."""

    decorate: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            if self.decorate is not None:
                self.decorate(self, self._pageNumber, total)
            super().showPage()
        super().save()


class Letter:
    """One document in the shared layout; ``build(story)`` returns the PDF bytes."""

    def __init__(
        self,
        letterhead: Letterhead,
        lang: str,
        title: str,
        *,
        addressee: Addressee | None = None,
        reference: str = "",
        issued_on: date | None = None,
        author: str = "",
        show_date: bool = True,
    ) -> None:
        register_fonts()
        self.lh = letterhead
        self.lang = lang
        self.title = title
        self.addressee = addressee
        self.reference = reference
        self.issued_on = issued_on or today()
        self.author = author
        self.show_date = show_date

    # --- page decoration -----------------------------------------------------------------
    def _decorate(self, c: Canvas, page: int, total: int) -> None:
        lh, lang = self.lh, self.lang
        top = PAGE_H - 14 * mm
        c.setFillColor(colors.black)
        c.setFont(FONT_BOLD, 11)
        c.drawString(LEFT, top, lh.company_name)
        c.setFont(FONT_BOLD, 10)
        c.drawString(COL_C, top, self.title.upper())
        c.setFont(FONT, 10)
        c.drawRightString(RIGHT, top, f"{page} ({total})")
        right_lines: list[str] = []
        if self.show_date:
            right_lines.append(format_date(self.issued_on, lang))
        if self.reference:
            right_lines.append(f"{t('doc.our_reference', lang)} {self.reference}")
        y = top - 5 * mm
        for line in right_lines:
            c.drawString(COL_C, y, line)
            y -= 4.6 * mm
        if page == 1:
            c.setFont(FONT, 9)
            y = top - 5 * mm
            for line in (lh.street, f"{lh.postal_code} {lh.city}".strip()):
                if line:
                    c.drawString(LEFT, y, line)
                    y -= 4.2 * mm
            if self.addressee is not None:
                c.setFont(FONT, 10.5)
                y = PAGE_H - WINDOW_TOP - 7 * mm
                for line in address_lines(self.addressee)[:6]:
                    c.drawString(LEFT, y, line)
                    y -= 4.8 * mm
        self._footer(c)

    def _footer(self, c: Canvas) -> None:
        lh, lang = self.lh, self.lang
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(LEFT, FOOTER_TOP - 4 * mm, RIGHT, FOOTER_TOP - 4 * mm)
        columns = [
            [lh.company_name, lh.street, f"{lh.postal_code} {lh.city}".strip()],
            [f"{t('doc.phone', lang)} {lh.phone}" if lh.phone else "", lh.email, ""],
            [
                f"{t('doc.business_id', lang)} {lh.business_id}" if lh.business_id else "",
                f"{t('doc.register', lang)}: {lh.register_name}" if lh.register_name else "",
                "",
            ],
        ]
        xs = [LEFT, LEFT + 62 * mm, LEFT + 118 * mm]
        c.setFont(FONT, 7.5)
        c.setFillColor(GREY)
        for x, lines in zip(xs, columns, strict=True):
            y = FOOTER_TOP - 8 * mm
            for line in lines:
                if line:
                    c.drawString(x, y, line)
                y -= 3.4 * mm
        c.setFillColor(colors.black)

    # --- building --------------------------------------------------------------------------
    def build(self, story: list[Flowable]) -> bytes:
        buf = io.BytesIO()
        first_top = (WINDOW_TOP + WINDOW_H + 6 * mm) if self.addressee else 36 * mm
        bottom = FOOTER_TOP
        first = Frame(
            LEFT,
            bottom,
            TEXT_W,
            PAGE_H - first_top - bottom,
            id="first",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        later = Frame(
            LEFT,
            bottom,
            TEXT_W,
            PAGE_H - 30 * mm - bottom,
            id="later",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc = BaseDocTemplate(
            buf,
            pagesize=A4,
            title=self.title,
            author=self.author or self.lh.company_name,
            creator="Asiakasrekisteri",
            lang=self.lang,
            invariant=True,
            leftMargin=LEFT,
            rightMargin=PAGE_W - RIGHT,
            topMargin=30 * mm,
            bottomMargin=bottom,
        )
        doc.addPageTemplates(
            [
                PageTemplate(id="First", frames=[first], autoNextPageTemplate="Later"),
                PageTemplate(id="Later", frames=[later]),
            ]
        )
        decorate = self._decorate

        class _Canvas(_NumberedCanvas):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.decorate = decorate

        doc.build(story, canvasmaker=_Canvas)
        return buf.getvalue()


def subject(text: str) -> Paragraph:
    """The subject line of a letter (bold, at the left margin)."""
    return para(text, "subject")


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


def label(prefix: str, value: str, lang: str) -> str:
    """The catalogue text of an enumerated value (``doc.source.shop``), else the value itself."""
    key = f"doc.{prefix}.{value}"
    text = t(key, lang)
    return value if text == key else text


def format_count(n: int, lang: str) -> str:
    """``1 000`` in Finnish (no-break space), ``1,000`` in English."""
    return f"{n:,}".replace(",", "\u00a0") if lang == "fi" else f"{n:,}"


def shown_value(field: str, value: str) -> str:
    """A field's value for a letter: the hetu only masked (``131052-****``), never in clear.

    Only the access report prints the hetu; every other document goes through this.
    """
    if field == "hetu" and value:
        return mask_hetu(value)
    return value


def ombudsman(lang: str) -> dict[str, str]:
    """The Data Protection Ombudsman's contact details from ``resources/ombudsman.json``."""
    with (RESOURCES / "ombudsman.json").open(encoding="utf-8") as f:
        raw = json.load(f)
    return {k: v[lang] for k, v in raw.items() if isinstance(v, dict)}


def ombudsman_block(lang: str, indent: bool = True) -> list[Flowable]:
    """The right to complain to the Data Protection Ombudsman, with the office's details."""
    o = ombudsman(lang)
    style = "body" if indent else "full"
    return [
        para(t("doc.ombudsman.right", lang), style),
        key_value_table(
            [
                (t("doc.ombudsman.office", lang), o["name"]),
                (t("doc.ombudsman.postal", lang), o["postal_address"]),
                (t("doc.ombudsman.visiting", lang), o["visiting_address"]),
                (t("doc.ombudsman.email", lang), o["email"]),
                (t("doc.ombudsman.phone", lang), o["phone"]),
                (t("doc.ombudsman.web", lang), o["web"]),
            ],
            indent=indent,
            label_w=38 * mm,
        ),
        spacer(2),
    ]


def contact_text(lh: Letterhead) -> str:
    """The contact person for register matters with phone and email, for running text."""
    parts = [lh.contact_person or lh.controller_person or lh.company_name]
    phone = lh.contact_phone or lh.phone
    email = lh.contact_email or lh.email
    parts.extend(p for p in (phone, email) if p)
    return ", ".join(parts)
