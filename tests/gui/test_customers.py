"""The Customers page: search, the lazy list, the detail form, the hetu, conflicts."""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from sqlalchemy import func, select

from core.customers import service as customers
from core.models import AuditEntry, Customer
from core.security import audit
from gui.customers import detail as detail_module
from gui.customers import model as model_module
from gui.customers.view import CustomersPage
from tests.conftest import valid_hetu
from tests.gui.lists_fixtures import add_customer, add_order, make_ctx


@pytest.fixture
def page(qtbot, db, manager):
    widget = CustomersPage(make_ctx(db, manager))
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


def customer_count(db) -> int:
    with db.begin() as s:
        return s.execute(select(func.count(Customer.id))).scalar_one()


def search(page, qtbot, text: str) -> None:
    page.search.clear()
    qtbot.keyClicks(page.search, text)
    page.run_search()  # what the debounce timer does after 150 ms


def names(page) -> list[str]:
    m = page.model
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())]


def test_new_customer_with_bad_hetu_shows_message_beside_the_field_and_saves_nothing(
    page, qtbot, db
):
    before = customer_count(db)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    detail = page.detail
    assert page.stack.currentWidget() is detail
    qtbot.keyClicks(detail.edits["first_name"], "Liisa")
    qtbot.keyClicks(detail.edits["last_name"], "Laine")
    qtbot.keyClicks(detail.hetu_edit, "131052-308X")  # wrong check character
    qtbot.keyClick(detail.edits["last_name"], Qt.Key.Key_Return)
    assert "tarkistusmerkki" in detail.fields.error_text("hetu")
    assert detail.fields.error_text("first_name") == ""
    assert detail.hetu_edit.accessibleDescription() == detail.fields.error_text("hetu")
    assert customer_count(db) == before
    assert detail.has_unsaved_changes()


def test_new_customer_is_saved_with_objections_and_listed(page, qtbot, db):
    page.new_customer()
    detail = page.detail
    qtbot.keyClicks(detail.edits["first_name"], "Liisa")
    qtbot.keyClicks(detail.edits["last_name"], "Laine")
    qtbot.keyClicks(detail.edits["email"], "liisa.laine@example.fi")
    qtbot.keyClicks(detail.hetu_edit, valid_hetu())
    detail.objection_boxes["direct_marketing"].setChecked(True)
    qtbot.keyClick(detail, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert detail.customer_id is not None
    assert detail.hetu_edit.text() == "131052-****"
    assert detail.objection_dates["direct_marketing"].text().startswith("asetettu ")
    assert not detail.has_unsaved_changes()
    search(page, qtbot, "laine")
    assert names(page) == ["Laine"]


def test_search_finds_by_partial_name_and_by_exact_hetu(page, qtbot, db, manager):
    add_customer(db, manager, first_name="Aino", last_name="Korhonen", hetu=valid_hetu())
    add_customer(db, manager, first_name="Eero", last_name="Korpela", postal_code="00100")
    add_customer(
        db, manager, first_name="Ville", last_name="Nieminen", hetu=valid_hetu(1, 2, 1980, 123)
    )
    search(page, qtbot, "kor")
    assert names(page) == ["Korhonen", "Korpela"]
    assert page.count.text() == "2 asiakasta"
    search(page, qtbot, valid_hetu())
    assert names(page) == ["Korhonen"]
    search(page, qtbot, valid_hetu()[:6])  # a partial hetu finds nobody
    assert names(page) == []
    assert "ei löytynyt" in page.count.text()


def test_enter_in_the_list_opens_the_customer(page, qtbot, db, manager):
    add_customer(db, manager, first_name="Aino", last_name="Korhonen")
    search(page, qtbot, "aino")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.detail
    assert page.detail.edits["last_name"].text() == "Korhonen"
    qtbot.keyClick(page.detail, Qt.Key.Key_Escape)  # nothing changed: back to the list
    assert page.stack.currentWidget() is page.list_page


def test_hetu_is_masked_and_showing_it_is_audited_and_hides_again(page, qtbot, db, manager):
    cid = add_customer(db, manager, hetu=valid_hetu())
    page.open_customer(cid)
    detail = page.detail
    assert detail.hetu_edit.text() == "131052-****"
    with db.begin() as s:
        before = len(audit.list_entries(s, manager, action="customer.reveal_hetu"))
    detail.show_hetu_button.click()
    assert detail.hetu_edit.text() == valid_hetu()
    with db.begin() as s:
        entries = audit.list_entries(s, manager, action="customer.reveal_hetu")
    assert len(entries) == before + 1
    detail.hetu_timer.timeout.emit()  # 30 s later
    assert detail.hetu_edit.text() == "131052-****"


def test_copied_hetu_is_marked_secret_and_cleared(page, db, manager):
    cid = add_customer(db, manager, hetu=valid_hetu())
    page.open_customer(cid)
    page.detail.copy_hetu_button.click()
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == valid_hetu()
    assert bytes(clipboard.mimeData().data("x-kde-passwordManagerHint")) == b"secret"
    page.detail.clip_timer.timeout.emit()  # 10 s later
    assert clipboard.text() == ""


def test_save_conflict_names_who_saved_and_reload_shows_their_change(
    page, qtbot, db, manager, receptionist
):
    cid = add_customer(db, manager, city="Espoo")
    page.open_customer(cid)
    detail = page.detail
    with db.begin() as s:  # another desk saves first
        customers.update_customer(s, receptionist, cid, {"city": "Vantaa"}, None)
    detail.edits["city"].setText("Turku")
    detail.save()
    assert "reception" in detail.message.label.text()
    assert detail.message.button.isVisible()
    with db.begin() as s:
        assert s.get(Customer, cid).city == "Vantaa"
    detail.message.button.click()  # Reload
    assert detail.edits["city"].text() == "Vantaa"
    assert not detail.has_unsaved_changes()


def test_unsaved_edits_are_reported_and_can_be_discarded(page, db, manager):
    cid = add_customer(db, manager)
    page.open_customer(cid)
    assert not page.has_unsaved_changes()
    page.detail.edits["email"].setText("uusi@example.fi")
    assert page.has_unsaved_changes()
    page.discard_changes()
    assert page.detail.edits["email"].text() == ""
    assert not page.has_unsaved_changes()


def test_archiving_asks_first_and_hides_the_customer_from_search(
    page, qtbot, db, manager, monkeypatch
):
    cid = add_customer(db, manager, last_name="Arkistoitava")
    page.open_customer(cid)
    monkeypatch.setattr(detail_module, "confirm", lambda parent, text, action: False)
    page.detail.archive_button.click()
    with db.begin() as s:
        assert not s.get(Customer, cid).archived
    asked = []
    monkeypatch.setattr(
        detail_module, "confirm", lambda parent, text, action: asked.append(text) or True
    )
    page.detail.archive_button.click()
    assert "Arkistoitava" in asked[0]
    with db.begin() as s:
        assert s.get(Customer, cid).archived
    search(page, qtbot, "arkistoitava")
    assert names(page) == []
    page.archived.setChecked(True)
    assert names(page) == ["Arkistoitava"]


def test_detail_tabs_show_orders_and_history(page, db, manager):
    cid = add_customer(db, manager)
    add_order(db, manager, cid, amount="1234.5")
    with db.begin() as s:
        customers.update_customer(s, manager, cid, {"city": "Oulu"}, None)
    page.open_customer(cid)
    orders_model, history = page.detail.orders_model, page.detail.history_model
    assert orders_model.rowCount() == 1
    assert orders_model.data(orders_model.index(0, 3)) == "1\u00a0234,50\u00a0€"
    fields = [history.data(history.index(r, 1)) for r in range(history.rowCount())]
    assert fields == ["Postitoimipaikka", "Asiakas lisätty"]
    assert history.data(history.index(1, 4)) == "Myymälä"  # the source, translated


def test_list_model_fetches_later_pages_lazily(
    page, qtbot, db, manager, monkeypatch, qtmodeltester
):
    monkeypatch.setattr(model_module, "PAGE", 3)
    for i in range(8):
        add_customer(db, manager, last_name=f"Sivu{i}")
    search(page, qtbot, "sivu")
    m = page.model
    assert m.rowCount() == 8
    assert m.data(m.index(7, 0)) == "…"  # not fetched yet: a placeholder, never a stall
    qtbot.waitUntil(lambda: m.data(m.index(7, 0)) == "Sivu7")
    qtmodeltester.check(m)


def test_every_customer_table_model_passes_the_model_tester(page, db, manager, qtmodeltester):
    cid = add_customer(db, manager, hetu=valid_hetu())
    add_order(db, manager, cid)
    page.run_search()
    qtmodeltester.check(page.model)
    page.open_customer(cid)
    for m in (
        page.detail.orders_model,
        page.detail.requests_model,
        page.detail.disclosures_model,
        page.detail.history_model,
    ):
        qtmodeltester.check(m)


def test_receptionist_reveal_is_audited_under_their_name(qtbot, db, manager, receptionist):
    cid = add_customer(db, manager, hetu=valid_hetu())
    widget = CustomersPage(make_ctx(db, receptionist))
    qtbot.addWidget(widget)
    widget.open_customer(cid)
    widget.detail.show_hetu_button.click()
    with db.begin() as s:
        last = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
    assert (last.action, last.username, last.fields) == (
        "customer.reveal_hetu",
        "reception",
        "hetu",
    )


def test_print_form_prefills_the_customer_and_records_it(
    page, qtbot, db, manager, tmp_path, monkeypatch
):
    from pypdf import PdfReader

    import gui.documents as documents
    from core.models import Document

    cid = add_customer(
        db,
        manager,
        first_name="Ville",
        last_name="Valmis",
        street="Rantatie 4 B 7",
        postal_code="33100",
        city="Tampere",
        hetu=valid_hetu(3, 4, 1971, 222),
    )
    previews: list[bytes] = []  # the print previews shown (none waits for the user)
    monkeypatch.setattr(documents, "print_pdf", lambda parent, pdf, *a, **k: previews.append(pdf))
    page.open_customer(cid)
    assert page.detail.form_button.menu().actions()  # one action per kind and language
    assert page.detail.print_form("access", "fi")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(previews[0])).pages)
    assert "Ville Valmis" in text and "Rantatie 4 B 7" in text
    assert valid_hetu(3, 4, 1971, 222) not in text  # the hetu is never printed on a form
    with db.begin() as s:
        doc = s.execute(select(Document).where(Document.customer_id == cid)).scalar_one()
        assert doc.kind == "form_access"
        assert (
            s.execute(select(AuditEntry.action).order_by(AuditEntry.id.desc())).scalar()
            == "customer.form_printed"
        )


def test_a_long_list_shows_its_count_once_the_rest_is_in(page, qtbot, db, manager, monkeypatch):
    """The first page comes at once and the rest after it; when the task runner answers
    at once, the count still ends as the whole list's, never "counting"."""
    monkeypatch.setattr(model_module, "FIRST", 2)
    for i in range(5):
        add_customer(db, manager, last_name=f"Pitka{i}")
    search(page, qtbot, "pitka")
    assert page.model.rowCount() == 5
    assert page.count.text() == "5 asiakasta"


def test_disclosure_dialog_records_a_recipient_chosen_from_the_register(qtbot, gui_ctx_manager):
    """Issue 15 point 3: the recipient comes from the register, its missing address is said at
    once, and the disclosure points at the entry."""
    from core.disclosures import list_disclosures
    from core.recipients import create_recipient
    from gui.customers.disclosure import DisclosureDialog
    from tests.core.requests_helpers import make_customer

    ctx = gui_ctx_manager
    cid = make_customer(ctx.db, ctx.actor)
    with ctx.session() as s:
        entry_id = create_recipient(s, ctx.actor, {"name": "Asuntotieto Oy", "city": "Espoo"}).id
    dialog = DisclosureDialog(ctx, cid)
    qtbot.addWidget(dialog)
    assert dialog.recipient.currentText() == "Asuntotieto Oy"
    assert dialog.form.error_text("recipient") == "Puuttuu: katuosoite, postinumero"
    dialog.submit()
    assert dialog.form.error_text("data_fields") == "pakollinen tieto puuttuu"
    dialog.items.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.purpose.setCurrentIndex(dialog.purpose.findData("credit_decision"))
    assert dialog.form.error_text("recipient") == "Puuttuu: katuosoite, postinumero"
    dialog.show()
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    with ctx.session() as s:
        (shown,) = list_disclosures(s, ctx.actor, cid)
    assert shown.recipient == "Asuntotieto Oy" and shown.data_fields == ("first_name",)
    assert dialog.recorded is not None and entry_id
