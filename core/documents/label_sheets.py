"""The A4 label sheets the office can print on: each sheet's geometry in millimetres.

The figures are the manufacturers' published ones: the label's size, the sheet's top and left
margins (from the paper's edge to the first label's edge) and the pitch (from one label's edge
to the next one's, so a gap between labels is ``pitch - size``). Every label keeps an inner
padding that no text crosses, so a small feed error never puts text on a cut line.

The printer offset (Settings) moves the whole grid: x to the right, y down the paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from core.i18n import t
from core.validation import choice

PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
# The printer offset the Settings page accepts, in mm (x and y alike).
OFFSET_LIMIT_MM = 10.0


@dataclass(frozen=True)
class LabelSheet:
    id: str
    width: float  # mm: one label
    height: float
    columns: int
    rows: int
    top: float  # mm: paper edge to the first label's edge
    left: float
    pitch_x: float  # mm: one label's left edge to the next one's
    pitch_y: float
    pad_x: float  # mm: inner padding no text crosses
    pad_y: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def name(self, lang: str | None = None) -> str:
        return t(f"doc.labels.sheet.{self.id}", lang)

    def box(
        self, slot: int, offset_x: float = 0.0, offset_y: float = 0.0
    ) -> tuple[float, float, float, float]:
        """The label at ``slot`` (0 = top left, row by row) as ``(x, y, width, height)`` in
        points, reportlab's origin at the bottom left of the page, the offset (mm) applied."""
        row, col = divmod(slot % self.per_page, self.columns)
        x = (self.left + col * self.pitch_x + offset_x) * mm
        top = (self.top + row * self.pitch_y + offset_y) * mm
        return x, A4[1] - top - self.height * mm, self.width * mm, self.height * mm


SHEETS: tuple[LabelSheet, ...] = (
    # The office's sheet so far: borderless, the grid centred on the page.
    LabelSheet("70x42_3x7", 70, 42.3, 3, 7, (PAGE_H_MM - 7 * 42.3) / 2, 0, 70, 42.3, 7, 3),
    # Avery L7160 and its equals: rounded labels with 2.54 mm gaps between the columns.
    LabelSheet("l7160_3x7", 63.5, 38.1, 3, 7, 15.15, 7.25, 66.04, 38.1, 5, 3),
    LabelSheet("70x37_3x8", 70, 37, 3, 8, (PAGE_H_MM - 8 * 37) / 2, 0, 70, 37, 7, 3),
    LabelSheet("105x37_2x8", 105, 37, 2, 8, (PAGE_H_MM - 8 * 37) / 2, 0, 105, 37, 8, 3),
)
SHEET_IDS = tuple(sheet.id for sheet in SHEETS)
DEFAULT_SHEET = SHEETS[0].id


def label_sheet(sheet_id: str | None) -> LabelSheet:
    """The sheet with ``sheet_id`` (empty: the default); any other id is refused."""
    wanted = choice("label_sheet", sheet_id, SHEET_IDS, default=DEFAULT_SHEET)
    return next(sheet for sheet in SHEETS if sheet.id == wanted)
