"""Issue 16 points 1 and 2 in the window: File > Import customers… (a wizard over the core
import, its preview and its rejected rows) and File > Export customers… (manager)."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from core.customers.service import create_customer
from core.models import Customer
from gui.main_window import MainWindow
from gui.transfer.export_dialog import ExportDialog
from gui.transfer.import_wizard import ImportWizard
from tests.conftest import valid_hetu


def _xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Asiakkaat"
    sheet.append(["Etunimi", "Sukunimi", "Postinumero", "Puhelin", "Huom"])
    sheet.append(["Aino", "Ahonen", 100, 401234567, "vip"])
    sheet.append(["Bertta", "Berg", 96100, None, None])
    sheet.append(["Cecilia", "Carlsson", 530, None, None])
    sheet.append(["Doris", "Dahl", "123", None, None])
    sheet.append(["Eero", "Esko", datetime.date(2024, 1, 1), None, None])
    book.create_sheet("Muistiinpanot").append(["ei asiakkaita"])
    book.save(path)
    return path


def _names(ctx) -> list[str]:
    with ctx.session() as s:
        return sorted(s.execute(select(Customer.first_name)).scalars())


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx, idle_ms=10**8)
    qtbot.addWidget(window)
    return window


def test_file_menu_imports_for_a_receptionist_and_exports_for_a_manager_only(
    qtbot, gui_ctx_receptionist, gui_ctx_manager
):
    desk = _window(qtbot, gui_ctx_receptionist)
    texts = [a.text() for a in desk.file_menu.actions() if a.isVisible()]
    assert "Tuo asiakkaita…" in texts
    assert "Vie asiakkaat…" not in texts
    office = _window(qtbot, gui_ctx_manager)
    texts = [a.text() for a in office.file_menu.actions() if a.isVisible()]
    assert "Tuo asiakkaita…" in texts and "Vie asiakkaat…" in texts


def test_import_wizard_previews_then_imports_and_saves_the_rejected_rows(
    qtbot, gui_ctx_receptionist, tmp_path
):
    ctx = gui_ctx_receptionist
    with ctx.session() as s:
        create_customer(
            s, ctx.actor, {"first_name": "Bertta", "last_name": "Berg", "postal_code": "96100"}
        )
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.set_file(_xlsx(tmp_path / "asiakkaat.xlsx"))
    assert [wizard.file_page.sheet.itemText(i) for i in range(2)] == ["Asiakkaat", "Muistiinpanot"]
    wizard.next()
    page = wizard.columns_page
    assert [c.currentText() for c in page.combos] == [
        "Etunimi",
        "Sukunimi",
        "Postinumero",
        "Puhelin",
        "(ohita sarake)",
    ]
    assert page.sample.item(1, 2).text() == "00100"  # the number 100 as the code meant
    page.combos[3].setCurrentIndex(0)  # ignore the phone column
    page.combos[1].setCurrentIndex(page.combos[1].findText("Etunimi"))
    assert not page.isComplete()
    assert page.error.text().startswith("Sama kenttä on valittu kahdelle sarakkeelle")
    page.combos[1].setCurrentIndex(page.combos[1].findText("Sukunimi"))
    assert page.isComplete()
    wizard.next()
    preview = wizard.preview_page
    assert preview.summary.text().startswith("2 uutta, 1 ennallaan, 2 hylätty")
    reasons = [preview.rejected.data(preview.rejected.index(r, 1)) for r in range(2)]
    assert reasons[0].startswith("rivi 5, sarake 'Postinumero'")
    assert reasons[1] == (
        "rivi 6: sarakkeessa 'Postinumero' on päivämäärä eikä tekstiä: muotoile solu "
        "tekstiksi ja kirjoita arvo uudelleen"
    )
    assert _names(ctx) == ["Bertta"]  # the preview wrote nothing
    wizard.next()
    result = wizard.result_page
    assert result.summary.text().startswith("Tuonti valmis: tuotu 2, ennallaan 1, hylätty 2")
    assert _names(ctx) == ["Aino", "Bertta", "Cecilia"]
    with ctx.session() as s:
        aino = s.execute(select(Customer).where(Customer.first_name == "Aino")).scalar_one()
        assert (aino.postal_code, aino.phone) == ("00100", "")  # the phone column ignored
    result.write(tmp_path / "korjattavat")
    rows = CalamineWorkbook.from_path(str(tmp_path / "korjattavat.xlsx")).get_sheet_by_index(0)
    data = rows.to_python()
    assert [r[0] for r in data] == ["Etunimi", "Doris", "Eero"]
    assert data[0][-1] == "hylkäyksen syy"
    assert result.saved.text().startswith("2 hylättyä riviä tallennettiin tiedostoon")


def test_a_cancelled_import_says_how_many_were_kept(qtbot, gui_ctx_manager, tmp_path, monkeypatch):
    import core.transfer.importing as importing
    import gui.transfer.import_wizard as view

    monkeypatch.setattr(importing, "BATCH", 1)
    real = view.import_customers
    calls = iter(range(1000))

    def cancelled_after_two(*args, **kwargs):
        kwargs["should_abort"] = lambda: next(calls) >= 2
        return real(*args, **kwargs)

    monkeypatch.setattr(view, "import_customers", cancelled_after_two)
    wizard = ImportWizard(gui_ctx_manager)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.set_file(_xlsx(tmp_path / "asiakkaat.xlsx"))
    wizard.next()
    wizard.next()
    wizard.next()
    text = wizard.result_page.summary.text()
    kept = len(_names(gui_ctx_manager))
    assert kept in (1, 2)
    assert text.startswith("Tuonti keskeytettiin.")
    assert f"{kept} asiakasta tuotiin" in text


def test_export_dialog_writes_xlsx_and_the_hetu_only_after_a_warning(
    qtbot, gui_ctx_manager, tmp_path, monkeypatch
):
    import gui.transfer.export_dialog as view

    ctx = gui_ctx_manager
    with ctx.session() as s:
        create_customer(
            s, ctx.actor, {"first_name": "Aino", "last_name": "=Ahonen", "hetu": valid_hetu()}
        )
    dialog = ExportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.file.setText(str(tmp_path / "vienti.xlsx"))
    dialog.export_button.click()
    assert dialog.outcome.text() == f"1 asiakasta vietiin tiedostoon {tmp_path / 'vienti.xlsx'}."
    rows = CalamineWorkbook.from_path(str(tmp_path / "vienti.xlsx")).get_sheet_by_index(0)
    data = rows.to_python()
    assert "hetu" not in data[0] and data[1][1] == "'=Ahonen"

    asked = []
    monkeypatch.setattr(view, "confirm", lambda *a, **k: asked.append(a[1]) or False)
    dialog.with_hetu.setChecked(True)
    assert dialog.warning.isVisibleTo(dialog)
    dialog.file.setText(str(tmp_path / "hetut.xlsx"))
    dialog.export_button.click()
    assert asked and "henkilötunnukset salaamattomina" in asked[0]
    assert not (tmp_path / "hetut.xlsx").exists()
    monkeypatch.setattr(view, "confirm", lambda *a, **k: True)
    dialog.export_button.click()
    data = CalamineWorkbook.from_path(str(tmp_path / "hetut.xlsx")).get_sheet_by_index(0)
    assert data.to_python()[1][-1] == valid_hetu()


def test_the_customer_list_shows_the_imported_customers_when_the_wizard_closes(
    qtbot, gui_ctx_receptionist, monkeypatch, tmp_path
):
    """The walk-through imported 190 customers and the list behind the wizard said
    "0 asiakasta" until the user searched again."""
    import gui.transfer.import_wizard as view

    ctx = gui_ctx_receptionist
    window = _window(qtbot, ctx)
    window.show()
    customers = window.page("customers")
    qtbot.waitUntil(lambda: customers.count.text() == "0 asiakasta", timeout=2000)

    class Wizard:
        def __init__(self, ctx, parent=None) -> None:
            self.imported = False

        def exec(self) -> int:  # the import as the wizard's worker does it
            with ctx.db.begin() as s:
                for name in ("Aino", "Bertta"):
                    create_customer(s, ctx.actor, {"first_name": name, "last_name": "Tuotu"})
            self.imported = True
            return 1

    monkeypatch.setattr(view, "ImportWizard", Wizard)
    window.import_action.trigger()
    qtbot.waitUntil(lambda: customers.model.rowCount() == 2, timeout=2000)
    assert customers.count.text() == "2 asiakasta"


def test_the_file_page_reads_only_the_first_rows_of_a_big_file_and_off_the_gui_thread(
    qtbot, gui_ctx_receptionist, tmp_path, monkeypatch
):
    import time

    from core.transfer import csvio, sheets
    from gui.context import AppContext
    from tests.gui.guard import DeferredRunner

    path = tmp_path / "iso.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("etunimi;sukunimi;postinumero\n")
        f.writelines(f"Etu{i};Suku{i};00100\n" for i in range(100_000))

    def whole_file(*_args, **_kwargs):
        raise AssertionError("the file page read the whole file")

    monkeypatch.setattr(sheets, "read_table", whole_file)
    monkeypatch.setattr(csvio, "read_table", whole_file)
    runner = DeferredRunner()
    ctx = AppContext(gui_ctx_receptionist.db, gui_ctx_receptionist.actor, runner)
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.file_page
    page.set_file(path)
    assert not page.isComplete()  # nothing read on the GUI thread: the task runner reads it
    assert runner.run_pending() == 1
    assert page.isComplete()
    started = time.perf_counter()
    assert page.validatePage()
    assert time.perf_counter() - started < 0.2
    assert wizard.table.headers == ["etunimi", "sukunimi", "postinumero"]
    assert [cells for _line, cells in wizard.table.rows] == [
        [f"Etu{i}", f"Suku{i}", "00100"] for i in range(8)
    ]


def test_choosing_another_sheet_reads_its_first_rows(qtbot, gui_ctx_receptionist, tmp_path):
    wizard = ImportWizard(gui_ctx_receptionist)
    qtbot.addWidget(wizard)
    page = wizard.file_page
    page.set_file(_xlsx(tmp_path / "asiakkaat.xlsx"))
    page.sheet.setCurrentIndex(1)
    assert page.isComplete() and page.validatePage()
    assert wizard.sheet == "Muistiinpanot"
    assert wizard.table.headers == ["ei asiakkaita"] and wizard.table.rows == []
