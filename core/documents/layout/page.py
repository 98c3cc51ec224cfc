"""The page: letterhead, title, date, reference, "1 (2)", window address and footer."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
)

from core.clock import now, today
from core.documents.data import Addressee, Letterhead, LetterheadIncomplete
from core.documents.layout.archive import archival_pdf
from core.documents.layout.styles import (
    COL_C,
    FONT,
    FONT_BOLD,
    FOOTER_TOP,
    GREY,
    LEFT,
    PAGE_H,
    PAGE_W,
    RIGHT,
    RULE,
    TEXT_W,
    WINDOW_H,
    WINDOW_TOP,
    WINDOW_W,
    address_lines,
    fit_lines,
    register_fonts,
)
from core.errors import AppError
from core.i18n import format_date, t
from core.models import LETTERHEAD_REQUIRED
from core.validation import format_phone


def pdf_date(*_reportlab_time: int) -> str:
    """The PDF's CreationDate and ModDate: the app clock's now with the local UTC offset
    (reportlab's own stamp is 1.1.2000 in invariant mode)."""
    stamp = now()
    offset = time.localtime().tm_gmtoff // 60
    sign = "+" if offset >= 0 else "-"
    return f"D:{stamp:%Y%m%d%H%M%S}{sign}{abs(offset) // 60:02d}'{abs(offset) % 60:02d}'"


def prepare_canvas(c: Canvas) -> None:
    """What every PDF canvas of the app gets: the real creation date."""
    c.setDateFormatter(pdf_date)


class _NumberedCanvas(Canvas):
    """Defers page decoration to ``save`` so every page can say "n (total)"."""

    decorate: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The shipped font from the first operator on: the default Helvetica would be
        # named, unembedded, on every page.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
        super().__init__(*args, **kwargs)
        prepare_canvas(self)
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
        show_date: bool = True,
        required: tuple[str, ...] = LETTERHEAD_REQUIRED,
        also_missing: tuple[str, ...] = (),
    ) -> None:
        """Refuses (``LetterheadIncomplete``, naming every empty field) while a ``required``
        letterhead field or one the builder found missing (``also_missing``) is empty."""
        missing = (*letterhead.missing(required), *also_missing)
        if missing:
            raise LetterheadIncomplete(missing)
        register_fonts()
        self.lh = letterhead
        self.lang = lang
        self.title = title
        self.addressee = addressee
        self.reference = reference
        self.issued_on = issued_on or today()
        self.show_date = show_date

    # --- page decoration -----------------------------------------------------------------
    def _decorate(self, c: Canvas, page: int, total: int) -> None:
        lh, lang = self.lh, self.lang
        top = PAGE_H - 14 * mm
        c.setFillColor(colors.black)
        c.setFont(FONT_BOLD, 11)
        c.drawString(LEFT, top, lh.company_name)
        c.setFont(FONT_BOLD, 10)
        c.drawString(COL_C, top, self.title)  # an initial capital, not capitals (SFS 2487)
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
            # An English letter may travel abroad: its return address names the country.
            country = "FINLAND" if lang == "en" else ""
            for line in (lh.street, f"{lh.postal_code} {lh.city}".strip(), country):
                if line:
                    c.drawString(LEFT, y, line)
                    y -= 4.2 * mm
            if self.addressee is not None:
                c.setFont(FONT, 10.5)
                y = PAGE_H - WINDOW_TOP - 7 * mm
                lines = [
                    part
                    for line in address_lines(self.addressee)
                    for part in fit_lines(line, FONT, 10.5, WINDOW_W - 4 * mm)
                ]
                for line in lines[:6]:
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
            [
                f"{t('doc.phone', lang)} {format_phone(lh.phone, lang)}" if lh.phone else "",
                lh.email,
                "",
            ],
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

    def metadata_title(self, story: list[Flowable]) -> str:
        """The PDF's Title: the document's own heading (its subject line or main title,
        else the short title) and the request reference."""
        heading = next(
            (
                f.getPlainText()
                for f in story
                if isinstance(f, Paragraph) and f.style.name in ("subject", "h1")
            ),
            self.title,
        )
        return f"{heading} – {self.reference}" if self.reference else heading

    # --- building --------------------------------------------------------------------------
    def build(
        self,
        story: list[Flowable],
        progress: Progress | None = None,
        should_abort: Callable[[], bool] | None = None,
    ) -> bytes:
        """Lay out ``story`` and return the PDF bytes.

        ``progress(done, total, message)`` is called as flowables are placed (total is an
        estimate: a long table splits into more pieces); ``should_abort()`` is asked at every
        step and page, and ``DocumentAborted`` is raised when it answers True.
        """
        story = _closing_with_text(story)
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
            title=self.metadata_title(story),
            author=self.lh.company_name,
            subject=self.title,
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

        if progress is not None or should_abort is not None:
            doc.setProgressCallBack(_progress_callback(progress, should_abort))
        doc.build(story, canvasmaker=_Canvas)
        return archival_pdf(buf.getvalue())


def _closing_with_text(story: list[Flowable]) -> list[Flowable]:
    """The closing and signature stay on a page with the text before them: never a page
    holding only "Yours sincerely" and a name. A table before them may still break."""
    if len(story) >= 2 and getattr(story[-1], "closing", False):
        before = story[-2]
        if isinstance(before, Paragraph | KeepTogether):
            # One flat group: a KeepTogether inside another measures as endless and would
            # push the whole group to a new page.
            parts = [*_flat(before), *_flat(story[-1])]
            return [*story[:-2], KeepTogether(parts)]
    return story


def _flat(flowable: Flowable) -> list[Flowable]:
    if isinstance(flowable, KeepTogether):
        return [part for inner in flowable._content for part in _flat(inner)]
    return [flowable]


Progress = Callable[[int, int, str], None]


class DocumentAborted(AppError):
    """The user cancelled building a long document."""

    code = "doc.aborted"


def _progress_callback(
    progress: Progress | None, should_abort: Callable[[], bool] | None
) -> Callable[[str, int], None]:
    state = {"total": 0, "page": 0}

    def callback(kind: str, value: int) -> None:
        if should_abort is not None and should_abort():
            raise DocumentAborted()
        if kind == "SIZE_EST":
            state["total"] = value
        elif kind == "PAGE":
            state["page"] = value
        elif kind == "PROGRESS" and progress is not None:
            total = max(state["total"], value)
            progress(value, total, t("doc.progress_page", page=state["page"]))

    return callback
