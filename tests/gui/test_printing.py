"""Issue 16 point 3: every Print button opens a print preview inside the app whose pages are
the PDF's, rendered with pypdfium2 onto a QPrinter; label sheets at 100 %; Save PDF kept.
The printer is QPrinter's PDF output, read back with pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QMarginsF, Qt
from PySide6.QtGui import QDesktopServices, QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import select

from core.customers import service as customers
from core.models import Document
from gui import printing
from gui.context import AppContext
from gui.lists.view import ListsPage
from gui.printing import PrintPreview, render_pdf
from gui.tasks import SyncTaskRunner


def _pdf(pages: int) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for n in range(pages):
        c.rect(72, 72, 144, 72, fill=1)
        c.drawString(72, 800, f"Sivu {n + 1}")
        c.showPage()
    c.save()
    return out.getvalue()


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_every_page_of_the_pdf_reaches_the_printer_on_its_own_paper_size(qapp, tmp_path) -> None:
    out = tmp_path / "printer.pdf"
    printer = _pdf_printer(out)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    assert render_pdf(_pdf(3), printer, actual_size=True) == 3
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    for page in reader.pages:  # A4, not the Letter the printer had: nothing scaled
        assert abs(float(page.mediabox.width) - 595.3) < 1
        assert abs(float(page.mediabox.height) - 841.9) < 1


def test_labels_are_drawn_at_100_percent_and_letters_fit_a_smaller_paper(
    qapp, tmp_path, monkeypatch
) -> None:
    drawn: list[float] = []  # the width of each page's image on the printer, in pixels
    real_draw, real_page = printing.QPainter.drawImage, printing._set_page

    def record(painter, rect, image):
        drawn.append(rect.width())
        return real_draw(painter, rect, image)

    def a5_paper(printer, size):  # a printer whose paper is smaller than the A4 page
        real_page(printer, size)
        printer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A5), QPageLayout.Orientation.Portrait, QMarginsF()
            )
        )

    monkeypatch.setattr(printing.QPainter, "drawImage", record)
    monkeypatch.setattr(printing, "_set_page", a5_paper)
    for actual_size in (True, False):
        printer = _pdf_printer(tmp_path / f"out-{actual_size}.pdf")
        render_pdf(_pdf(1), printer, actual_size=actual_size)
    dots = printer.resolution() / 72
    labels, letter = drawn
    assert abs(labels - 595.28 * dots) < 2  # the A4 page's own width: 100 %, never fitted
    # a letter fitted onto the A5 paper (148 mm wide), not cut off
    assert abs(letter - 148 / 25.4 * 72 * dots) < 0.01 * letter


@pytest.fixture
def printed(monkeypatch, tmp_path) -> list[tuple[PrintPreview, Path]]:
    """Each print preview shown, "printed" to a PDF printer instead of waiting for the user."""
    shown: list[tuple[PrintPreview, Path]] = []

    def fake_exec(preview: PrintPreview) -> int:
        path = tmp_path / f"printer-{len(shown)}.pdf"
        render_pdf(preview.pdf, _pdf_printer(path), preview.actual_size)
        shown.append((preview, path))
        return 1

    monkeypatch.setattr(PrintPreview, "exec", fake_exec)
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: pytest.fail("no system viewer for printing")
    )
    return shown


def _page(qtbot, db, actor) -> ListsPage:
    page = ListsPage(AppContext(db, actor, SyncTaskRunner()))
    qtbot.addWidget(page)
    return page


def test_print_on_a_blank_form_opens_the_preview_and_prints_its_pages(
    qtbot, db, receptionist, printed
) -> None:
    page = _page(qtbot, db, receptionist)
    qtbot.mouseClick(page.form_buttons["objection"][1], Qt.MouseButton.LeftButton)
    assert len(printed) == 1
    preview, path = printed[0]
    assert preview.windowTitle().startswith("Tulostuksen esikatselu: kieltolomake-")
    assert not preview.actual_size
    assert len(PdfReader(path).pages) == len(PdfReader(io.BytesIO(preview.pdf)).pages) >= 1
    with db.begin() as s:
        assert s.scalars(select(Document.kind)).all() == ["form_objection"]


def test_print_labels_prints_every_sheet_at_100_percent(qtbot, db, manager, printed) -> None:
    with db.begin() as s:
        for n in range(25):  # two sheets of 3 x 7
            customers.create_customer(
                s,
                manager,
                {
                    "first_name": f"Etu{n}",
                    "last_name": "Suku",
                    "street": "Kotikatu 1",
                    "postal_code": "00100",
                    "city": "Helsinki",
                },
            )
    page = _page(qtbot, db, manager)
    assert page.print_labels_button.text() == "T&ulosta tarrat…"
    qtbot.mouseClick(page.print_labels_button, Qt.MouseButton.LeftButton)
    preview, path = printed[0]
    assert preview.actual_size
    assert len(PdfReader(path).pages) == 2


def test_the_preview_keeps_save_pdf(qtbot, monkeypatch, tmp_path, printed) -> None:
    from gui import documents

    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(tmp_path / "oma.pdf"), "PDF (*.pdf)"),
    )
    saved: list[Path] = []
    preview = documents.print_pdf(None, _pdf(2), "kirje.pdf", on_saved=saved.append)
    qtbot.addWidget(preview)
    assert preview.save_action is not None and preview.save_action.text() == "Tallenna PDF…"
    preview.save_action.trigger()
    assert saved == [tmp_path / "oma.pdf"]
    assert (tmp_path / "oma.pdf").read_bytes() == preview.pdf


def test_the_preview_draws_screen_pages_and_the_printer_gets_its_resolution(
    qtbot, tmp_path, monkeypatch
):
    """A 2-page letter took 1-4 s to preview when its pages were drawn at the printer's
    600 dpi (~140 MB a page kept by the preview); the preview now draws them for the screen,
    and only the printer gets its own resolution."""
    from PySide6.QtPrintSupport import QPrintPreviewWidget

    drawn: list[int] = []
    real = printing._image
    monkeypatch.setattr(printing, "_image", lambda page, dpi: drawn.append(dpi) or real(page, 72))
    pdf = _pdf(2)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    preview = QPrintPreviewWidget(printer)
    qtbot.addWidget(preview)
    preview.paintRequested.connect(lambda p: render_pdf(pdf, p))
    preview.updatePreview()
    assert drawn == [printing.PREVIEW_DPI] * 2
    drawn.clear()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    preview.print()
    assert drawn == [min(printer.resolution(), printing.MAX_DPI)] * 2
    assert len(PdfReader(tmp_path / "out.pdf").pages) == 2
