"""The one shared layout of every document: A4 Finnish business letter (SFS 2487 style).

Page 1: sender block top left, document title, page "1 (2)", date and reference top right,
addressee block in the window of a C5/DL envelope (20 mm from the left, 45-90 mm from the top),
body below it. Later pages repeat the sender name, title, date and page number. Every page has
the footer with the company's contact details and business ID. The font is DejaVu Sans, shipped
under ``resources/fonts`` and embedded, so Finnish letters and the euro sign print everywhere.

Builders use it as ``from core.documents import layout as L``:

- ``styles``: page geometry, fonts, paragraph styles, text helpers;
- ``blocks``: tables whose header repeats on every page, a sum line under one, signature, the
  Ombudsman's details;
- ``page``: ``Letter``, which draws the letterhead, addressee and footer and builds the PDF;
- ``archive``: ``archival_pdf``, the PDF/A-2b metadata and output intent every document gets.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from core.documents.layout.archive import archival_pdf
from core.documents.layout.blocks import (
    data_table,
    key_value_table,
    ombudsman,
    ombudsman_block,
    ombudsman_rows,
    signature_block,
    total_row,
)
from core.documents.layout.page import DocumentAborted, Letter, Progress, prepare_canvas
from core.documents.layout.styles import (
    BODY_INDENT,
    BODY_W,
    FONT,
    FONT_BOLD,
    FONT_MONO,
    HEADER_BG,
    RULE,
    STYLES,
    TEXT_W,
    address_lines,
    bullets,
    company_address,
    contact_text,
    esc,
    format_count,
    label,
    para,
    paras,
    register_fonts,
    shown_value,
    spacer,
    subject,
)

__all__ = [
    "BODY_INDENT",
    "BODY_W",
    "FONT",
    "FONT_BOLD",
    "FONT_MONO",
    "HEADER_BG",
    "RULE",
    "STYLES",
    "TEXT_W",
    "DocumentAborted",
    "Letter",
    "Progress",
    "ParagraphStyle",
    "address_lines",
    "archival_pdf",
    "bullets",
    "colors",
    "company_address",
    "contact_text",
    "data_table",
    "esc",
    "format_count",
    "key_value_table",
    "label",
    "mm",
    "ombudsman",
    "ombudsman_block",
    "ombudsman_rows",
    "para",
    "paras",
    "prepare_canvas",
    "register_fonts",
    "shown_value",
    "signature_block",
    "total_row",
    "spacer",
    "subject",
]
