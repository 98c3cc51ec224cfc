"""Label sheets: each sheet's grid, the printer offset, wrap before shrink, the test page and
the mailing CSV's customer number."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from core.customers import service as customers
from core.documents import layout as L
from core.documents.data import LabelEntry
from core.documents.label_sheets import SHEETS, label_sheet
from core.documents.labels import (
    SIZE,
    build_label_run,
    build_mailing_csv,
    build_test_page,
)
from core.errors import ValidationError
from core.settings import get_settings, update_settings
from core.transfer import mailing

PAGE_H = 297 * mm
# (sheet, labels a page, first label's top-left corner and last label's, in mm from the
# paper's top-left corner): the manufacturers' published geometry.
GRIDS = {
    "70x42_3x7": (21, (0, 0.45), (140, 0.45 + 6 * 42.3)),
    "l7160_3x7": (21, (7.25, 15.15), (7.25 + 2 * 66.04, 15.15 + 6 * 38.1)),
    "70x37_3x8": (24, (0, 0.5), (140, 0.5 + 7 * 37)),
    "105x37_2x8": (16, (0, 0.5), (105, 0.5 + 7 * 37)),
}


class Drawn:
    """The strings drawn on a canvas, with their font size and each page's number."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.strings: list[tuple[int, float, float, str, float]] = []
        self.rects: list[tuple[float, float, float, float]] = []
        drawn = self

        def draw_string(c: Canvas, x: float, y: float, text: str, *a: object, **k: object) -> None:
            drawn.strings.append((c.getPageNumber(), x, y, text, c._fontsize))

        def rect(c: Canvas, x: float, y: float, w: float, h: float, *a: object, **k: object):
            drawn.rects.append((x, y, w, h))

        monkeypatch.setattr(Canvas, "drawString", draw_string)
        monkeypatch.setattr(Canvas, "rect", rect)


def _entry(n: int, **kw: str) -> LabelEntry:
    values = {
        "first_name": "Maija",
        "last_name": f"Meikäläinen{n}",
        "street": f"Esimerkkikatu {n}",
        "postal_code": "00100",
        "city": "Helsinki",
    }
    values.update(kw)
    return LabelEntry(**values, customer_id=n)  # type: ignore[arg-type]


def _top_left_mm(box: tuple[float, float, float, float]) -> tuple[float, float]:
    x, y, _w, h = box
    return round(x / mm, 2), round((PAGE_H - y - h) / mm, 2)


@pytest.mark.parametrize("sheet_id", sorted(GRIDS))
def test_each_sheet_puts_its_count_per_page_at_the_published_positions(sheet_id, monkeypatch):
    per_page, first, last = GRIDS[sheet_id]
    sheet = label_sheet(sheet_id)
    assert sheet.per_page == per_page
    assert _top_left_mm(sheet.box(0)) == pytest.approx(first, abs=0.01)
    assert _top_left_mm(sheet.box(per_page - 1)) == pytest.approx(last, abs=0.01)
    # The whole grid stays on the paper.
    for slot in range(per_page):
        x, y, w, h = sheet.box(slot)
        assert x >= 0 and y >= 0 and x + w <= 210 * mm + 0.01 and y + h <= PAGE_H + 0.01

    # A run of one page and one label: the page holds exactly per_page labels, the first name
    # of each label starts at its label's padding.
    drawn = Drawn(monkeypatch)
    entries = [_entry(n) for n in range(per_page + 1)]
    pdf = build_label_run(entries, sheet=sheet_id).pdf
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    names = [d for d in drawn.strings if d[3].startswith("Maija")]
    assert [d[0] for d in names].count(1) == per_page
    assert [d[0] for d in names].count(2) == 1
    for slot, (_page, x, _y, _text, _size) in enumerate(names[:per_page]):
        assert x == pytest.approx(sheet.box(slot)[0] + sheet.pad_x * mm)


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.id)
def test_the_printer_offset_moves_every_label_by_exactly_the_offset(sheet, monkeypatch):
    drawn = Drawn(monkeypatch)
    entries = [_entry(n) for n in range(sheet.per_page)]
    build_label_run(entries, sheet=sheet)
    plain = list(drawn.strings)
    drawn.strings.clear()
    build_label_run(entries, sheet=sheet, offset_x=2.5, offset_y=-1.5)
    assert len(drawn.strings) == len(plain)
    for (_, x0, y0, t0, _), (_, x1, y1, t1, _) in zip(plain, drawn.strings, strict=True):
        assert t0 == t1
        assert x1 - x0 == pytest.approx(2.5 * mm)
        assert y1 - y0 == pytest.approx(1.5 * mm)  # y down the paper: the baseline goes down


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.id)
def test_test_page_draws_every_frame_at_its_place_with_the_offset(sheet, monkeypatch):
    drawn = Drawn(monkeypatch)
    mailing_pdf = build_test_page(sheet, 1.5, -0.5, "fi")
    assert drawn.rects == [
        pytest.approx(sheet.box(slot, 1.5, -0.5)) for slot in range(sheet.per_page)
    ]
    for slot in range(sheet.per_page):
        x, y, w, h = sheet.box(slot, 1.5, -0.5)
        x0, y0, _, _ = sheet.box(slot)
        assert (x - x0, y - y0) == pytest.approx((1.5 * mm, 0.5 * mm))
    text = " ".join(d[3] for d in drawn.strings)
    assert "Tarra-arkin testisivu" in text
    assert sheet.name("fi").split(",")[0] in text
    assert "Vaakasiirtymä 1,5 mm" in text and "Pystysiirtymä \u22120,5 mm" in text
    assert mailing_pdf.startswith(b"%PDF")


def test_long_organisation_wraps_onto_two_lines_at_full_size(monkeypatch):
    drawn = Drawn(monkeypatch)
    organisation = "Asunto Oy Helsingin Länsisataman Merituulenpuisto"
    sheet = label_sheet("70x42_3x7")
    assert pdfmetrics.stringWidth(organisation, L.FONT, SIZE) > (sheet.width - 2 * sheet.pad_x) * mm
    run = build_label_run([_entry(1, organisation=organisation)], sheet=sheet)
    lines = [d[3] for d in drawn.strings]
    assert lines == [
        "Maija Meikäläinen1",
        "Asunto Oy Helsingin",
        "Länsisataman Merituulenpuisto",
        "Esimerkkikatu 1",
        "00100 HELSINKI",
    ]
    assert {d[4] for d in drawn.strings} == {SIZE}  # nothing shrank
    assert run.shortened == ()


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.id)
def test_an_unbroken_long_word_shrinks_is_cut_and_never_crosses_the_label_edge(sheet, monkeypatch):
    drawn = Drawn(monkeypatch)
    word = "Äärimmäisenpitkäyhdyssanaosakeyhtiönimijatkuujatkuuvieläkinpidemmälle" * 2
    long_street = "Pohjoisesplanadin ja Mannerheimintien kulmauksen liikekeskus " * 2
    entries = [
        _entry(n, organisation=word, street=long_street, city="Kaupunki" * 6)
        for n in range(sheet.per_page)
    ]
    run = build_label_run(entries, sheet=sheet, offset_x=-3, offset_y=4)
    assert [e.customer_id for e in run.shortened] == list(range(sheet.per_page))
    assert drawn.strings
    for page, x, y, text, size in drawn.strings:
        assert page == 1
        slot = next(
            i
            for i in range(sheet.per_page)
            if sheet.box(i, -3, 4)[0] <= x < sheet.box(i, -3, 4)[0] + sheet.box(i)[2]
            and sheet.box(i, -3, 4)[1] <= y <= sheet.box(i, -3, 4)[1] + sheet.box(i)[3]
        )
        bx, by, bw, bh = sheet.box(slot, -3, 4)
        ascent, descent = pdfmetrics.getAscentDescent(L.FONT, size)
        assert size < SIZE
        assert bx + sheet.pad_x * mm <= x + 1e-6
        assert x + pdfmetrics.stringWidth(text, L.FONT, size) <= bx + bw - sheet.pad_x * mm + 1e-6
        assert by <= y + descent and y + ascent <= by + bh
    assert any(d[3].endswith("\u2026") for d in drawn.strings)


def test_a_normal_label_is_not_reported_as_shortened():
    assert build_label_run([_entry(1)]).shortened == ()


def test_mailing_csv_has_the_customer_number_first_in_the_csv_language():
    entries = [_entry(41), _entry(42)]
    fi = build_mailing_csv(entries, "fi").decode("utf-8-sig").splitlines()
    en = build_mailing_csv(entries, "en").decode("utf-8-sig").splitlines()
    assert fi[0].startswith("asiakasnumero;etunimi;sukunimi")
    assert en[0].startswith("customer number;first name;last name")
    assert fi[1].startswith("41;Maija;Meikäläinen41;") and fi[2].startswith("42;")


def test_the_produced_mailing_csv_carries_each_customers_number(db, manager):
    with db.begin() as s:
        ids = [
            customers.create_customer(
                s,
                manager,
                {
                    "first_name": first,
                    "last_name": "Postitus",
                    "street": "Kotikatu 1",
                    "postal_code": code,
                    "city": "Helsinki",
                },
            ).id
            for first, code in (("Aino", "00100"), ("Eino", "00200"))
        ]
    with db.begin() as s:
        content = mailing.produce_mailing_csv(
            s, manager, mailing.mailing_candidates(s, manager), "fi"
        )
    rows = [line.split(";") for line in content.decode("utf-8-sig").splitlines()[1:]]
    assert [(row[0], row[1]) for row in rows] == [(str(ids[0]), "Aino"), (str(ids[1]), "Eino")]


def test_an_offset_of_25_mm_is_refused_naming_the_field(db, manager):
    with db.begin() as s:
        with pytest.raises(ValidationError) as refused:
            update_settings(s, manager, label_offset_x_mm=25)
    assert refused.value.field == "label_offset_x_mm"
    assert refused.value.message("fi").startswith("Tarrojen vaakasiirtymä")
    assert "−10…10 mm" in refused.value.message("fi")
    assert "Vertical label offset" in _refusal(db, manager, label_offset_y_mm="-10.5")
    assert "Label sheet" in _refusal(db, manager, label_sheet="a5")
    assert "enter the offset in millimetres" in _refusal(db, manager, label_offset_x_mm="abc")
    assert "between −10 and 10 mm" in _refusal(db, manager, label_offset_y_mm="nan")


def _refusal(db, manager, **values: object) -> str:
    with db.begin() as s:
        with pytest.raises(ValidationError) as refused:
            update_settings(s, manager, **values)
    return refused.value.message("en")


def test_settings_keep_the_sheet_and_offsets_and_the_run_uses_them(db, manager, monkeypatch):
    with db.begin() as s:
        row = get_settings(s)
        assert (row.label_sheet, float(row.label_offset_x_mm)) == ("70x42_3x7", 0.0)
        update_settings(
            s, manager, label_sheet="l7160_3x7", label_offset_x_mm="1,25", label_offset_y_mm=-2
        )
    with db.begin() as s:
        row = get_settings(s)
        assert (row.label_sheet, float(row.label_offset_x_mm), float(row.label_offset_y_mm)) == (
            "l7160_3x7",
            1.3,
            -2.0,
        )
        customers.create_customer(
            s,
            manager,
            {"first_name": "Aino", "last_name": "Arkki", "street": "Tie 1", "postal_code": "00100"},
        )
    drawn = Drawn(monkeypatch)
    with db.begin() as s:
        mailing.produce_label_run(s, manager, mailing.mailing_candidates(s, manager), "fi")
        first_x = drawn.strings[0][1]
        mailing.produce_label_run(
            s, manager, mailing.mailing_candidates(s, manager), "fi", sheet="105x37_2x8"
        )
        other_x = drawn.strings[-1][1]
    l7160, wide = label_sheet("l7160_3x7"), label_sheet("105x37_2x8")
    assert first_x == pytest.approx((l7160.left + l7160.pad_x + 1.3) * mm)
    assert other_x == pytest.approx((wide.left + wide.pad_x + 1.3) * mm)


def test_a_sample_label_entry_without_a_customer_has_an_empty_number_cell():
    row = build_mailing_csv([replace(_entry(1), customer_id=None)]).decode("utf-8-sig")
    assert row.splitlines()[1].startswith(";Maija;")
