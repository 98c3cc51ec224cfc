"""Address labels on the A4 sheets of ``label_sheets``, their test page and the mailing list
CSV for direct mail [S6].

Both take already-filtered ``LabelEntry`` rows: leaving out customers with the publication or
direct-marketing prohibition is the core query's job, not the printer's.

An address line too wide for its label first wraps at spaces onto two lines (the name, the
organisation and the street; never the postal code and city line); only when the label's lines
still do not fit does the font shrink, down to ``MIN_SIZE``. Below that a line is cut with an
ellipsis and the run names the label as shortened. No text is drawn outside a label's padding.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from core.documents import layout as L
from core.documents.data import Addressee, LabelEntry, Letterhead
from core.documents.label_sheets import DEFAULT_SHEET, LabelSheet, label_sheet
from core.i18n import format_count, t
from core.transfer.csvio import EXPORT_HEADERS

mm = L.mm
SIZE, MIN_SIZE, STEP, LEADING = 10.0, 7.0, 0.5, 1.25
ELLIPSIS = "\u2026"
CSV_FIELDS = ("first_name", "last_name", "organisation", "street", "postal_code", "city", "country")
CROSS = 3 * mm  # half the width of the test page's crosses


def label_lines(entry: LabelEntry) -> list[str]:
    name = f"{entry.first_name} {entry.last_name}".strip()
    return L.address_lines(
        Addressee(
            name,
            entry.organisation,
            entry.street,
            entry.postal_code,
            entry.city,
            entry.country or "FI",
        )
    )


def _address(entry: LabelEntry) -> list[tuple[str, bool]]:
    """The label's lines, each with whether it may wrap: the postal code and city line and the
    country stay whole (the post office reads them as one)."""
    lines = label_lines(entry)
    fixed = int(bool(entry.postal_code.strip() or entry.city.strip()))
    fixed += int((entry.country or "FI").upper() != "FI")
    wrappable = max(0, len(lines) - fixed)
    return [(line, i < wrappable) for i, line in enumerate(lines)]


@dataclass(frozen=True)
class LabelText:
    """What one label prints: the font size and the lines; ``shortened`` when a line was cut
    or left out (the text did not fit even at the minimum size)."""

    size: float
    lines: tuple[str, ...]
    shortened: bool = False


def _width(text: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, L.FONT, size))


def _wrapped(lines: Sequence[tuple[str, bool]], size: float, width: float) -> list[str] | None:
    """Each line that is too wide wrapped at spaces onto two lines; None if one does not fit
    so (a line that may not wrap, a third line, a word wider than the label)."""
    out: list[str] = []
    for text, may_wrap in lines:
        if _width(text, size) <= width:
            out.append(text)
            continue
        if not may_wrap:
            return None
        parts = simpleSplit(text, L.FONT, size, width)
        if len(parts) > 2 or any(_width(part, size) > width for part in parts):
            return None
        out.extend(parts)
    return out


def _cut(text: str, size: float, width: float) -> str:
    if _width(text, size) <= width:
        return text
    end = len(text)
    while end > 0 and _width(text[:end].rstrip() + ELLIPSIS, size) > width:
        end -= 1
    return text[:end].rstrip() + ELLIPSIS


def fit_label(lines: Sequence[tuple[str, bool]], width: float, height: float) -> LabelText:
    """``lines`` (text, may wrap) laid out in a box of ``width`` x ``height`` points: wrapped
    first, the font shrunk only when wrapping is not enough, cut with an ellipsis only below the
    minimum size."""
    size = SIZE
    while True:
        wrapped = _wrapped(lines, size, width)
        if wrapped is not None and len(wrapped) * size * LEADING <= height:
            return LabelText(size, tuple(wrapped))
        if size <= MIN_SIZE:
            break
        size = max(MIN_SIZE, size - STEP)
    room = max(1, int(height // (size * LEADING)))
    out: list[str] = []
    for text, may_wrap in lines:
        parts = [text]
        if may_wrap and _width(text, size) > width:
            parts = simpleSplit(text, L.FONT, size, width) or [text]
            parts = parts[:1] + [" ".join(parts[1:])] if len(parts) > 1 else parts
        out.extend(_cut(part, size, width) for part in parts)
    if len(out) > room:  # too many lines even so: each line whole, cut, the last left out
        out = [_cut(text, size, width) for text, _ in lines][:room]
    return LabelText(size, tuple(out), shortened=True)


def _draw_text(c: Canvas, sheet: LabelSheet, box: tuple[float, ...], text: LabelText) -> None:
    """``text`` centred vertically in the label's padded box, left-aligned at its padding."""
    x, y, w, h = box
    room_h = h - 2 * sheet.pad_y * mm
    block = len(text.lines) * text.size * LEADING
    baseline = y + h - sheet.pad_y * mm - (room_h - block) / 2 - text.size
    c.setFont(L.FONT, text.size)
    for line in text.lines:
        c.drawString(x + sheet.pad_x * mm, baseline, line)
        baseline -= text.size * LEADING


def _room(sheet: LabelSheet) -> tuple[float, float]:
    return (sheet.width - 2 * sheet.pad_x) * mm, (sheet.height - 2 * sheet.pad_y) * mm


def _canvas(buf: io.BytesIO, title: str, letterhead: Letterhead | None, lang: str) -> Canvas:
    L.register_fonts()
    c = Canvas(buf, pagesize=A4, invariant=True, lang=lang, initialFontName=L.FONT)
    L.prepare_canvas(c)
    c.setTitle(title)
    if letterhead is not None:
        c.setAuthor(letterhead.company_name)
    return c


@dataclass(frozen=True)
class LabelRun:
    """A label run's PDF and the customers whose label had to be shortened."""

    pdf: bytes
    shortened: tuple[LabelEntry, ...] = ()


def build_label_run(
    entries: Sequence[LabelEntry],
    letterhead: Letterhead | None = None,
    lang: str = "fi",
    skip: int = 0,
    sheet: LabelSheet | str = DEFAULT_SHEET,
    offset_x: float = 0.0,
    offset_y: float = 0.0,
) -> LabelRun:
    """The labels on ``sheet``, the printer offset (mm) applied; ``skip`` leaves the first
    labels of a used sheet blank."""
    sheet = sheet if isinstance(sheet, LabelSheet) else label_sheet(sheet)
    buf = io.BytesIO()
    c = _canvas(buf, t("doc.labels.title", lang), letterhead, lang)
    width, height = _room(sheet)
    shortened: list[LabelEntry] = []
    slot = max(0, skip) % sheet.per_page
    for entry in entries:
        if slot == sheet.per_page:
            c.showPage()
            slot = 0
        text = fit_label(_address(entry), width, height)
        if text.shortened:
            shortened.append(entry)
        _draw_text(c, sheet, sheet.box(slot, offset_x, offset_y), text)
        slot += 1
    c.showPage()
    c.save()
    return LabelRun(L.archival_pdf(buf.getvalue()), tuple(shortened))


def build_test_page(
    sheet: LabelSheet | str,
    offset_x: float = 0.0,
    offset_y: float = 0.0,
    lang: str = "fi",
    letterhead: Letterhead | None = None,
) -> bytes:
    """Every label's frame where the printer puts it (the offset applied), a cross at the
    centre of every label but the first, and in the first the sheet's name and the offset:
    held over a blank sheet against the light, the frames must lie on the labels' edges."""
    sheet = sheet if isinstance(sheet, LabelSheet) else label_sheet(sheet)
    buf = io.BytesIO()
    c = _canvas(buf, t("doc.labels.test_title", lang), letterhead, lang)
    c.setLineWidth(0.3)
    for slot in range(sheet.per_page):
        x, y, w, h = sheet.box(slot, offset_x, offset_y)
        c.rect(x, y, w, h, stroke=1, fill=0)
        if slot:
            cx, cy = x + w / 2, y + h / 2
            c.line(cx - CROSS, cy, cx + CROSS, cy)
            c.line(cx, cy - CROSS, cx, cy + CROSS)
    lines = [
        t("doc.labels.test_title", lang),
        sheet.name(lang),
        t("doc.labels.test_offset_x", lang, x=_millimetres(offset_x, lang)),
        t("doc.labels.test_offset_y", lang, y=_millimetres(offset_y, lang)),
        t("doc.labels.test_cross", lang),
    ]
    text = fit_label([(line, True) for line in lines], *_room(sheet))
    _draw_text(c, sheet, sheet.box(0, offset_x, offset_y), text)
    c.showPage()
    c.save()
    return L.archival_pdf(buf.getvalue())


def _millimetres(value: float, lang: str) -> str:
    """``-0,5`` as printed: the language's decimal mark and a real minus sign."""
    return format_count(float(value), lang).replace("-", "\u2212")


def build_mailing_csv(entries: Sequence[LabelEntry], lang: str = "fi") -> bytes:
    """UTF-8 with BOM and ``;`` (what Finnish Excel opens), the customer number first (so
    returned mail can be traced to its customer), then the customer export's headers."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    headers = EXPORT_HEADERS.get(lang, EXPORT_HEADERS["fi"])
    writer.writerow([t("doc.labels.csv_customer_number", lang), *(headers[f] for f in CSV_FIELDS)])
    for e in entries:
        number = "" if e.customer_id is None else str(e.customer_id)
        writer.writerow([number, *(_safe(getattr(e, f)) for f in CSV_FIELDS)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    value = value or ""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
