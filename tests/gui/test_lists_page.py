"""The Lists & labels page: who gets mail, who was left out, and the documents it saves."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select

from core import i18n
from core.customers import service as customers
from core.models import Document
from gui.context import AppContext
from gui.lists.view import ListsPage
from gui.tasks import SyncTaskRunner


@pytest.fixture
def opened(monkeypatch) -> list[Path]:
    """Files the page asked the system to open (nothing really opens)."""
    urls: list[Path] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: urls.append(Path(url.toLocalFile())) or True
    )
    return urls


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    """The texts of the message boxes shown (none blocks)."""
    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.text())
        return QMessageBox.StandardButton.Ok.value

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


@pytest.fixture
def save_to(monkeypatch, tmp_path):
    """Answer the save dialog with ``tmp_path / name`` (the suggested name when None)."""
    asked: list[str] = []

    def answer(name: str | None = None) -> None:
        def fake(parent, caption, suggested, name_filter):
            asked.append(suggested)
            return (str(tmp_path / (name or Path(suggested).name)), name_filter)

        monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)

    answer.asked = asked  # type: ignore[attr-defined]
    return answer


def _customers(db, manager) -> None:
    rows = [
        ("Matti", "Meikäläinen", "00100", ()),
        ("Liisa", "Virtanen", "33100", ()),
        ("Pertti", "Julkaisukielto", "00200", ("publication",)),
        ("Sirpa", "Suoramainoskielto", "00300", ("direct_marketing",)),
        ("Tiina", "Tutkimuskielto", "00400", ("research",)),
    ]
    with db.begin() as s:
        for first, last, postal_code, kinds in rows:
            c = customers.create_customer(
                s,
                manager,
                {
                    "first_name": first,
                    "last_name": last,
                    "street": "Kotikatu 1",
                    "postal_code": postal_code,
                    "city": "Helsinki",
                },
            )
            if kinds:
                customers.set_objections(s, manager, c.id, kinds)
        customers.create_customer(s, manager, {"first_name": "Olli", "last_name": "Osoitteeton"})


def _page(qtbot, db, actor) -> ListsPage:
    page = ListsPage(AppContext(db, actor, SyncTaskRunner()))
    qtbot.addWidget(page)
    return page


def _names(page: ListsPage) -> list[str]:
    model = page.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_page_shows_who_gets_mail_and_how_many_were_left_out(qtbot, db, manager) -> None:
    _customers(db, manager)
    page = _page(qtbot, db, manager)
    assert _names(page) == ["Meikäläinen Matti", "Tutkimuskielto Tiina", "Virtanen Liisa"]
    assert page.summary.text() == "Postia saa 3 asiakasta."
    assert page.left_out.text() == "Pois jätetty: 2 kiellon vuoksi, 1 ilman katuosoitetta."


def test_mailing_model_passes_the_model_tester(qtbot, qtmodeltester, db, manager) -> None:
    _customers(db, manager)
    page = _page(qtbot, db, manager)
    qtmodeltester.check(page.model)
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Nimi"


def test_postal_code_prefix_narrows_the_preview(qtbot, db, manager) -> None:
    _customers(db, manager)
    page = _page(qtbot, db, manager)
    qtbot.keyClicks(page.prefix, "33")
    page.preview()
    assert _names(page) == ["Virtanen Liisa"]
    assert page.summary.text() == "Postia saa 1 asiakas."
    assert page.left_out.text().startswith("Pois jätetty: 0 kiellon")


def test_receptionist_may_print_forms_but_not_labels(qtbot, db, manager, receptionist) -> None:
    _customers(db, manager)
    page = _page(qtbot, db, receptionist)
    assert page.model.rowCount() == 3
    assert not page.labels_button.isEnabled() and not page.csv_button.isEnabled()
    assert "esihenkilö" in page.labels_button.toolTip()
    assert all(b.isEnabled() for pair in page.form_buttons.values() for b in pair)


def test_labels_are_saved_owner_only_opened_and_recorded(
    qtbot, db, manager, opened, save_to, tmp_path
) -> None:
    _customers(db, manager)
    page = _page(qtbot, db, manager)
    page.skip.setValue(4)
    save_to("tarrat")
    qtbot.mouseClick(page.labels_button, Qt.MouseButton.LeftButton)
    path = tmp_path / "tarrat.pdf"
    assert opened == [path]
    assert path.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Path(save_to.asked[0]).name.startswith("osoitetarrat-")
    assert "tarrat.pdf" in page.status.text()
    with db.begin() as s:
        doc = s.scalars(select(Document)).one()
        assert (doc.kind, doc.filename, doc.created_by) == ("labels", "tarrat.pdf", "manager")


def test_mailing_csv_is_saved_in_english_without_opening(
    qtbot, db, manager, opened, save_to, tmp_path
) -> None:
    _customers(db, manager)
    page = _page(qtbot, db, manager)
    page.language.setCurrentIndex(page.language.findData("en"))
    save_to(None)
    qtbot.mouseClick(page.csv_button, Qt.MouseButton.LeftButton)
    saved = list(tmp_path.glob("mailing-list-*.csv"))
    assert len(saved) == 1 and opened == []
    text = saved[0].read_text(encoding="utf-8-sig")
    assert text.startswith("customer number;first name;last name")
    assert "Julkaisukielto" not in text and "Meikäläinen" in text


def test_cancelling_the_save_dialog_produces_nothing(
    qtbot, db, manager, opened, monkeypatch
) -> None:
    _customers(db, manager)
    page = _page(qtbot, db, manager)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: ("", ""))
    qtbot.mouseClick(page.labels_button, Qt.MouseButton.LeftButton)
    assert opened == [] and page.labels_button.isEnabled()
    with db.begin() as s:
        assert s.scalars(select(Document)).all() == []


def test_privacy_statement_is_saved_in_the_chosen_language(
    qtbot, db, manager, opened, save_to, tmp_path
) -> None:
    page = _page(qtbot, db, manager)
    page.language.setCurrentIndex(page.language.findData("en"))
    save_to(None)
    qtbot.mouseClick(page.form_buttons["statement"][0], Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and opened[0].name.startswith("privacy-statement-")
    with db.begin() as s:
        doc = s.scalars(select(Document)).one()
        assert (doc.kind, doc.language) == ("privacy_statement", "en")


def test_privacy_statement_is_saved_as_html_for_the_website(
    qtbot, db, manager, opened, save_to, tmp_path
) -> None:
    page = _page(qtbot, db, manager)
    button = page.statement_html_button
    assert button.text() == "Tallenna HTML…" and button.isEnabled()
    save_to(None)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and opened[0].name.startswith("tietosuojaseloste-")
    assert opened[0].suffix == ".html"
    text = opened[0].read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="fi">' in text
    assert "19. Oikeus tehdä valitus tietosuojavaltuutetulle" in text
    with db.begin() as s:
        doc = s.scalars(select(Document)).one()
        assert (doc.kind, doc.language) == ("privacy_statement_html", "fi")


def test_a_failed_build_shows_the_message_and_frees_the_buttons(
    qtbot, db, manager, opened, save_to, warnings, monkeypatch
) -> None:
    _customers(db, manager)
    page = _page(qtbot, db, manager)
    monkeypatch.setattr("core.transfer.mailing.build_label_run", lambda *a, **k: 1 / 0)
    save_to("tarrat.pdf")
    qtbot.mouseClick(page.labels_button, Qt.MouseButton.LeftButton)
    assert warnings and warnings[0].startswith("Odottamaton virhe (ZeroDivisionError).")
    assert opened == [] and page.labels_button.isEnabled()


def test_page_is_english_when_the_user_chose_english(qtbot, db, manager) -> None:
    i18n.set_language("en")
    _customers(db, manager)
    page = _page(qtbot, db, manager)
    assert page.summary.text() == "3 customers will get mail."
    assert page.language.currentData() == "en"
    assert page.model.headerData(2, Qt.Orientation.Horizontal) == "Street address"


def test_a_long_run_shows_the_first_rows_and_says_so(qtbot, db, manager, monkeypatch) -> None:
    monkeypatch.setattr("gui.lists.view.PREVIEW_ROWS", 2)
    _customers(db, manager)
    page = _page(qtbot, db, manager)
    assert page.model.rowCount() == 2
    assert page.summary.text() == "Postia saa 3 asiakasta."
    assert "ensimmäiset 2" in page.left_out.text()


def test_large_counts_are_grouped_as_each_language_writes_them() -> None:
    from gui.lists.view import number

    assert number(93899) == "93\u00a0899"
    i18n.set_language("en")
    assert number(93899) == "93,899"


def test_preview_and_labels_work_on_the_real_worker_thread(
    qtbot, db, manager, opened, save_to, tmp_path
) -> None:
    from gui.tasks import TaskRunner

    _customers(db, manager)
    runner = TaskRunner()
    page = ListsPage(AppContext(db, manager, runner))
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10000)
    save_to("tarrat.pdf")
    qtbot.mouseClick(page.labels_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opened == [tmp_path / "tarrat.pdf"], timeout=10000)
    assert page.labels_button.isEnabled()
    runner.wait()


def _first_words_x_mm(pdf: Path) -> dict[str, float]:
    """Each word's left edge on the first page, in mm (pdftotext -bbox)."""
    import re
    import subprocess

    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {
        word: float(x) / 72 * 25.4
        for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]+)</word>', html)
    }


def test_the_sheet_defaults_to_settings_and_labels_print_on_the_chosen_one(
    qtbot, db, manager, opened, save_to, tmp_path
) -> None:
    from core.settings import update_settings

    _customers(db, manager)
    with db.begin() as s:
        update_settings(s, manager, label_sheet="105x37_2x8")
    page = _page(qtbot, db, manager)
    assert page.sheet.currentText() == "105 × 37 mm, 2 × 8, reunaton"
    assert page.skip.maximum() == 15  # 16 labels a sheet
    page.sheet.setCurrentIndex(
        page.sheet.findText("63,5 × 38,1 mm, 3 × 7, tarrojen välissä rako (Avery L7160)")
    )
    assert page.skip.maximum() == 20
    save_to("tarrat")
    qtbot.mouseClick(page.labels_button, Qt.MouseButton.LeftButton)
    words = _first_words_x_mm(tmp_path / "tarrat.pdf")
    # Postal code order: Matti 00100, Tiina 00400, Liisa 33100 along the first row of the
    # L7160 sheet: left margin 7.25 mm, pitch 66.04 mm, 5 mm padding.
    assert words["Matti"] == pytest.approx(12.25, abs=0.2)
    assert words["Tiina"] == pytest.approx(12.25 + 66.04, abs=0.2)
    assert words["Liisa"] == pytest.approx(12.25 + 2 * 66.04, abs=0.2)


def test_after_the_run_the_page_names_the_customers_whose_label_was_shortened(
    qtbot, db, manager, opened, save_to, tmp_path
) -> None:
    with db.begin() as s:
        long_one = customers.create_customer(
            s,
            manager,
            {
                "first_name": "Pitkä",
                "last_name": "Nimi",
                "organisation": "Kiinteistöosakeyhtiö" * 6,
                "street": "Kotikatu 1",
                "postal_code": "00100",
                "city": "Helsinki",
            },
        ).id
        customers.create_customer(
            s,
            manager,
            {"first_name": "Lyhyt", "last_name": "Nimi", "street": "Tie 1", "postal_code": "00200"},
        )
    page = _page(qtbot, db, manager)
    save_to("tarrat")
    qtbot.mouseClick(page.labels_button, Qt.MouseButton.LeftButton)
    assert page.status.text().endswith(
        f"1 tarra lyhennettiin, koska teksti ei mahtunut: Pitkä Nimi (#{long_one})."
    )
    assert "Lyhyt" not in page.status.text()


def test_a_sheet_newly_chosen_in_settings_becomes_the_pages_choice(qtbot, db, manager) -> None:
    from core.settings import update_settings

    page = _page(qtbot, db, manager)
    assert page.sheet.currentText() == "70 × 42,3 mm, 3 × 7, reunaton"
    page.sheet.setCurrentIndex(page.sheet.findData("70x37_3x8"))
    page.refresh()
    assert page.sheet.currentText() == "70 × 37 mm, 3 × 8, reunaton"  # the user's pick stays
    with db.begin() as s:
        update_settings(s, manager, label_sheet="105x37_2x8")
    page.refresh()
    assert page.sheet.currentText() == "105 × 37 mm, 2 × 8, reunaton"
