"""Printing a PDF the app made, inside the app: a print preview and the system print dialog.

The pages are rendered with pypdfium2 (PDFium) at the printer's resolution and painted onto a
``QPrinter`` page of the PDF's own size. ``actual_size`` (label sheets) puts every PDF point
on a point of paper, full page, never "fit to page": the labels land on the sheet's labels.
Other documents are scaled down only when the printer's paper is smaller than the page.
The preview's toolbar keeps "Save PDF…" (the user's own copy, through ``gui.documents``).
"""

from __future__ import annotations

from collections.abc import Callable

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Slot
from PySide6.QtGui import QAction, QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QToolBar, QWidget

from core.i18n import t

MAX_DPI = 600  # a 1200 dpi printer gets 600 dpi pages: 4x less memory, no visible loss
# The print preview records each page as a picture (Qt keeps its images as PNG): pages for the
# screen need no printer's resolution. At 600 dpi a 2-page form took 1-4 s to preview and
# ~140 MB a page; at this resolution it is sharp at the preview's zoom levels up to 150 %.
PREVIEW_DPI = 144


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's size in points (1/72 inch)."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [tuple(document[n].get_size()) for n in range(len(document))]  # type: ignore[misc]
    finally:
        document.close()


def _image(page: pdfium.PdfPage, dpi: int) -> QImage:
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True, prefer_bgrx=True)
    image = QImage(
        bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGBX8888
    )
    return image.copy()  # the bitmap's memory goes with the page


def render_pdf(pdf: bytes, printer: QPrinter, actual_size: bool = False) -> int:
    """Paint the PDF's pages onto ``printer``; returns the pages printed."""
    document = pdfium.PdfDocument(pdf)
    painter = QPainter()
    try:
        count = len(document)
        if count == 0:
            return 0
        printer.setFullPage(True)
        first = document[0].get_size()
        _set_page(printer, first)
        if not painter.begin(printer):
            return 0
        preview = painter.paintEngine().type() == QPaintEngine.Type.Picture
        dpi = PREVIEW_DPI if preview else min(printer.resolution(), MAX_DPI)
        for n in range(count):
            page = document[n]
            size = page.get_size()
            if n:
                if size != document[n - 1].get_size():  # the layout changes between pages only
                    _set_page(printer, size)
                printer.newPage()
            paper = printer.pageLayout().fullRectPixels(printer.resolution())
            scale = printer.resolution() / 72
            width, height = size[0] * scale, size[1] * scale
            if not actual_size and (width > paper.width() or height > paper.height()):
                fit = min(paper.width() / width, paper.height() / height)
                width, height = width * fit, height * fit
            painter.drawImage(QRectF(0, 0, width, height), _image(page, dpi))
        return count
    finally:
        if painter.isActive():
            painter.end()
        document.close()


def _set_page(printer: QPrinter, size: tuple[float, float]) -> None:
    """The printer's page as the PDF page's size and orientation, without margins."""
    width, height = size
    orientation = (
        QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    )
    points = QSizeF(min(width, height), max(width, height))
    page_size = QPageSize(points, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    printer.setPageLayout(
        QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
    )


class PrintPreview(QPrintPreviewDialog):
    """The preview of a PDF; its Print button opens the system print dialog. ``save`` (the
    "Save PDF…" action) is given by the caller."""

    def __init__(
        self,
        pdf: bytes,
        title: str,
        parent: QWidget | None = None,
        *,
        actual_size: bool = False,
        save: Callable[[], object] | None = None,
    ) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(title)
        super().__init__(printer, parent)
        self._printer = printer  # the dialog does not own it: kept alive with the dialog
        self.pdf = pdf
        self.actual_size = actual_size
        self.setWindowTitle(t("print.title", name=title))
        self.paintRequested.connect(self._paint)
        self.save_action: QAction | None = None
        toolbar = self.findChild(QToolBar)
        if save is not None and toolbar is not None:
            self.save_action = QAction(t("print.save_pdf"), self)
            self.save_action.triggered.connect(lambda _=False: save())
            toolbar.addSeparator()
            toolbar.addAction(self.save_action)
        self.resize(1000, 800)

    @Slot(QPrinter)
    def _paint(self, printer: QPrinter) -> None:
        render_pdf(self.pdf, printer, self.actual_size)
