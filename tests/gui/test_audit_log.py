"""The audit log screen as a manager reads it: names and request numbers, translated field
names, a row that opens its request or customer, the customer filter and the export."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.requests.workflow import get_request
from gui.audit import view as audit_view
from gui.audit.view import AuditPage
from gui.main_window import MainWindow
from tests.core.requests_helpers import make_customer, new_request


def _texts(page: AuditPage, column: int) -> list[str]:
    model = page.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _headers(page: AuditPage) -> list[str]:
    model = page.model
    return [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(model.columnCount())
    ]


def _register(db, manager) -> tuple[int, int, str]:
    cid = make_customer(db, manager, first_name="Aino", last_name="Ahonen")
    rid = new_request(db, manager, "access", customer_id=cid)
    with db.begin() as s:
        number = get_request(s, rid).number
    return cid, rid, number


def test_audit_screen_shows_request_numbers_names_and_field_names(qtbot, gui_ctx_manager, db):
    cid, _rid, number = _register(db, gui_ctx_manager.actor)
    page = AuditPage(gui_ctx_manager)
    qtbot.addWidget(page)
    assert _headers(page) == ["Aika", "Käyttäjä", "Tapahtuma", "Kohde", "Tiedot"]
    targets = _texts(page, 3)
    assert f"Pyyntö {number}" in targets
    assert f"Asiakas Aino Ahonen (nro {cid})" in targets
    assert "Maija Manageri (manager)" in _texts(page, 1)
    row = targets.index(f"Asiakas Aino Ahonen (nro {cid})")
    details = _texts(page, 4)[row]
    assert "Etunimi" in details and "Sukunimi" in details
    assert "first_name" not in " ".join(_texts(page, 4))


def test_double_click_opens_the_request_and_enter_the_customer(qtbot, gui_ctx_manager, db):
    cid, rid, number = _register(db, gui_ctx_manager.actor)
    window = MainWindow(gui_ctx_manager)
    qtbot.addWidget(window)
    window.show()
    page = window.page("audit")
    row = _texts(page, 3).index(f"Pyyntö {number}")
    table = page.table
    rect = table.visualRect(page.model.index(row, 3))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    requests = window.pages["requests"]
    assert window.stack.currentWidget() is requests
    assert requests.stack.currentWidget() is requests.page
    assert requests.page.title.text().startswith(f"{number} · Tarkastuspyyntö")

    page = window.page("audit")
    table.setCurrentIndex(
        page.model.index(_texts(page, 3).index(f"Asiakas Aino Ahonen (nro {cid})"), 0)
    )
    qtbot.keyClick(table, Qt.Key.Key_Return)
    customers = window.pages["customers"]
    assert window.stack.currentWidget() is customers
    assert customers.stack.currentWidget() is customers.detail
    assert "Ahonen" in customers.detail.title.text()


def test_customer_filter_narrows_the_rows_to_that_customer(qtbot, gui_ctx_manager, db):
    cid, _rid, number = _register(db, gui_ctx_manager.actor)
    make_customer(db, gui_ctx_manager.actor, first_name="Olli", last_name="Muu", email="o@x.fi")
    page = AuditPage(gui_ctx_manager)
    qtbot.addWidget(page)
    everything = page.model.rowCount()
    qtbot.keyClicks(page.customer, "ahon")
    page.customer.look_up()  # what the pause after typing does
    assert page.customer.completions.stringList() == ["Ahonen Aino (matti@example.fi, Helsinki)"]
    page.customer.choose("Ahonen Aino (matti@example.fi, Helsinki)")
    targets = set(_texts(page, 3))
    assert 0 < page.model.rowCount() < everything
    assert targets == {f"Asiakas Aino Ahonen (nro {cid})", f"Pyyntö {number}"}
    assert page.count_label.text() == f"{page.model.rowCount()} merkintää näkyvissä"
    page.customer.clear_choice()
    assert page.model.rowCount() == everything


def test_export_button_writes_the_file_and_says_where(
    qtbot, gui_ctx_manager, db, tmp_path, monkeypatch
):
    _register(db, gui_ctx_manager.actor)
    suggested, told = [], []
    target = tmp_path / "tapahtumaloki.xlsx"

    def ask(_parent, path):
        suggested.append(path.name)
        return target

    monkeypatch.setattr(
        audit_view, "inform", lambda _parent, title, text: told.append((title, text))
    )
    page = AuditPage(gui_ctx_manager, ask_path=ask)
    qtbot.addWidget(page)
    assert page.export_button.text() == "&Vie…" and page.export_button.isVisibleTo(page)
    shown = page.model.rowCount()
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert (
        suggested and suggested[0].startswith("tapahtumaloki_") and suggested[0].endswith(".xlsx")
    )
    assert target.exists() and target.stat().st_size > 0
    assert told == [("Vie tapahtumaloki", f"{shown} merkintää viety tiedostoon {target}")]
    assert _texts(page, 2)[0] == "Tapahtumaloki viety"  # the export is in the log itself
