"""Page geometry, the shipped DejaVu fonts, paragraph styles and small text helpers."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Paragraph,
    Spacer,
)
from reportlab.platypus.tables import CellStyle

from core.documents.data import Addressee, Letterhead
from core.i18n import RESOURCES, t
from core.validation import format_phone, mask_hetu

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
WINDOW_W = 90 * mm  # the window is 90 mm wide: no address line is drawn wider

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
        # Every table cell and canvas starts in the shipped font: reportlab's default,
        # Helvetica, would otherwise be named (unembedded) in every PDF even if never drawn.
        CellStyle.fontname = FONT
        rl_config.canvas_basefontname = FONT
        _fonts_registered = True


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": FONT,
        "bulletFontName": FONT,
        "fontSize": 10,
        "leading": 13.5,
    }
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
    "cell_bold_right": _style(
        "cell_bold_right", fontName=FONT_BOLD, fontSize=8.5, leading=10.5, alignment=TA_RIGHT
    ),
    "cell_right": _style("cell_right", fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
    "bullet": _style(
        "bullet", leftIndent=BODY_INDENT + 4 * mm, bulletIndent=BODY_INDENT, spaceAfter=3
    ),
    "check": _style("check", leftIndent=6.5 * mm, bulletIndent=0, bulletFontSize=13, spaceAfter=5),
    "bullet_full": _style("bullet_full", leftIndent=4 * mm, bulletIndent=0, spaceAfter=3),
}

COUNTRY_NAMES = {
    "FI": "FINLAND",
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


def fit_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``: at spaces where it can be, inside
    a word too long for a line of its own (a long email or compound word never runs past
    the column or the margin)."""
    lines: list[str] = []
    for part in text.splitlines() or [""]:
        for line in simpleSplit(part, font, size, width) or [""]:
            while pdfmetrics.stringWidth(line, font, size) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
            lines.append(line)
    return lines


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
    if country != "FI" or a.international:
        lines.append(COUNTRY_NAMES.get(country, country))
    return [line for line in lines if line.strip()]


def company_address(lh: Letterhead, attention: bool = True, lang: str = "fi") -> Addressee:
    """The company as an addressee (forms are mailed back to it; an English one names the
    country, since it may come from abroad)."""
    name = lh.company_name
    org = ""
    if attention and lh.contact_person:
        org = lh.contact_person
    return Addressee(
        name=name,
        organisation=org,
        street=lh.street,
        postal_code=lh.postal_code,
        city=lh.city,
        international=lang == "en",
    )


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


def contact_text(lh: Letterhead, lang: str) -> str:
    """The contact person for register matters with phone and email, for running text."""
    parts = [lh.contact_person or lh.controller_person or lh.company_name]
    phone = format_phone(lh.contact_phone or lh.phone, lang)
    email = lh.contact_email or lh.email
    parts.extend(p for p in (phone, email) if p)
    return ", ".join(parts)
