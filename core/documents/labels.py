"""Address labels (3 x 7 on A4, 70 x 42.3 mm) and the mailing list CSV for direct mail [S6].

Both take already-filtered ``LabelEntry`` rows: leaving out customers with the publication or
direct-marketing prohibition is the core query's job, not the printer's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from core.documents import layout as L
from core.documents.data import Addressee, LabelEntry, Letterhead
from core.i18n import t
from core.transfer.csvio import EXPORT_HEADERS

mm = L.mm
COLUMNS, ROWS = 3, 7
LABEL_W, LABEL_H = 70 * mm, 42.3 * mm
TOP = (A4[1] - ROWS * LABEL_H) / 2
PAD_X = 7 * mm
SIZE, MIN_SIZE, LEADING = 10.0, 7.0, 1.25
CSV_FIELDS = ("first_name", "last_name", "organisation", "street", "postal_code", "city", "country")


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


def _draw_label(c: Canvas, x: float, y_top: float, lines: list[str]) -> None:
    room = LABEL_W - 2 * PAD_X
    size = SIZE
    for line in lines:
        while size > MIN_SIZE and pdfmetrics.stringWidth(line, L.FONT, size) > room:
            size -= 0.5
    lines = lines[:6]
    block = len(lines) * size * LEADING
    y = y_top - (LABEL_H - block) / 2 - size
    c.setFont(L.FONT, size)
    for line in lines:
        while pdfmetrics.stringWidth(line, L.FONT, size) > room and len(line) > 1:
            line = line[:-1]  # only past the minimum size: better cut than over the edge
        c.drawString(x + PAD_X, y, line)
        y -= size * LEADING


def build_labels(
    entries: Sequence[LabelEntry],
    letterhead: Letterhead | None = None,
    lang: str = "fi",
    skip: int = 0,
) -> bytes:
    """A sheet of 21 labels per page; ``skip`` leaves the first labels of a used sheet blank."""
    L.register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=True, lang=lang, initialFontName=L.FONT)
    L.prepare_canvas(c)
    c.setTitle(t("doc.labels.title", lang))
    if letterhead is not None:
        c.setAuthor(letterhead.company_name)
    slot = max(0, skip) % (COLUMNS * ROWS)
    for entry in entries:
        if slot == COLUMNS * ROWS:
            c.showPage()
            slot = 0
        row, col = divmod(slot, COLUMNS)
        _draw_label(c, col * LABEL_W, A4[1] - TOP - row * LABEL_H, label_lines(entry))
        slot += 1
    c.showPage()
    c.save()
    return L.archival_pdf(buf.getvalue())


def build_mailing_csv(entries: Sequence[LabelEntry], lang: str = "fi") -> bytes:
    """UTF-8 with BOM and ``;`` (what Finnish Excel opens), the customer export's headers."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    headers = EXPORT_HEADERS.get(lang, EXPORT_HEADERS["fi"])
    writer.writerow([headers[f] for f in CSV_FIELDS])
    for e in entries:
        writer.writerow([_safe(getattr(e, f)) for f in CSV_FIELDS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    value = value or ""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
