"""Issue 16, the office's day in the window: what each confirmation says it will do, reason
dialogs that keep what was typed, and the keyboard in them."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

from core.clock import today
from core.models import Customer
from core.requests import ItemInput
from gui import messages
from gui.context import AppContext
from gui.requests.view import RequestsPage
from gui.tasks import SyncTaskRunner
from tests.core.requests_helpers import add_order, make_customer, new_request
from tests.gui.test_requests_screen import FakeAsker

_pages: list[RequestsPage] = []


def _request_page(qtbot, db, actor, tmp_path, rid):
    asker = FakeAsker(tmp_path)
    page = RequestsPage(AppContext(db, actor, SyncTaskRunner()), asker=asker)
    qtbot.addWidget(page)
    page.open_request(rid)
    _pages.append(page)  # kept alive for the test: the request page is its child
    return page.page, asker


def test_erasure_refused_by_open_invoice_asks_for_a_refusal_not_an_erasure(
    qtbot, db, manager, tmp_path
):
    cid = make_customer(db, manager)
    add_order(db, manager, cid, today(), invoice_state="open")
    rid = new_request(db, manager, "erasure", customer_id=cid)
    rp, asker = _request_page(qtbot, db, manager, tmp_path, rid)
    assert rp.buttons["erase"].text() == "Tee kielteinen päätös esteiden vuoksi…"
    asker.answer = False
    rp.buttons["erase"].click()
    question, button, destructive = asker.asked[-1]
    assert question.startswith("Tehdäänkö poistopyynnöstä kielteinen päätös?")
    assert "Henkilön tietoja ei poisteta" in question and "Poistetaanko" not in question
    assert button == "Tee kielteinen päätös" and not destructive
    assert rp.detail.state == "in_progress"  # Cancel: nothing decided
    asker.answer = True
    rp.buttons["erase"].click()
    assert rp.detail.decision == "refused", rp.error.text()
    with db.begin() as s:
        assert s.get(Customer, cid).first_name == "Matti"  # nothing erased


def test_partial_erasure_question_says_what_is_kept(qtbot, db, manager, tmp_path):
    cid = make_customer(db, manager)
    add_order(db, manager, cid, date(today().year - 2, 6, 1))
    rid = new_request(db, manager, "erasure", customer_id=cid)
    rp, asker = _request_page(qtbot, db, manager, tmp_path, rid)
    asker.answer = False
    rp.buttons["erase"].click()
    question, button, destructive = asker.asked[-1]
    assert question.startswith("Poistetaanko henkilön tiedot osittain?")
    assert "säilytetään" in question and "rajoitetaan" in question
    assert button == "Poista osittain ja rajoita" and destructive


def test_confirmation_default_is_cancel_and_button_names_the_action(qtbot):
    box, accept = messages.confirmation_box(
        None, "Poistetaanko?", "Poista kaikki tiedot", "&Poista…", destructive=True
    )
    qtbot.addWidget(box)
    assert box.defaultButton().text() == "Peruuta"
    assert accept.text() == "Poista kaikki tiedot"
    assert box.windowTitle() == "Poista"  # no literal "&" in a title


def _rectification(db, manager):
    cid = make_customer(db, manager)
    rid = new_request(
        db,
        manager,
        "rectification",
        customer_id=cid,
        items=(ItemInput("last_name", "Virtanen", "Menin naimisiin"),),
    )
    return cid, rid


def test_accept_and_correct_asks_naming_the_change_first(qtbot, db, manager, tmp_path):
    cid, rid = _rectification(db, manager)
    rp, asker = _request_page(qtbot, db, manager, tmp_path, rid)
    asker.answer = False
    rp.buttons["accept"].click()
    question, button, _ = asker.asked[-1]
    assert question == (
        "Hyväksytäänkö korjaus? Asiakkaan tieto Sukunimi muutetaan heti: ”Meikäläinen” → "
        "”Virtanen”. Muutos kirjataan asiakkaan muutoshistoriaan."
    )
    assert button == "Hyväksy ja korjaa"
    with db.begin() as s:
        assert s.get(Customer, cid).last_name == "Meikäläinen"  # Cancel changed nothing
    asker.answer = True
    rp.buttons["accept"].click()
    with db.begin() as s:
        assert s.get(Customer, cid).last_name == "Virtanen"
    asker.answer = False
    rp.buttons["finish_rect"].click()
    question, button, _ = asker.asked[-1]
    assert question.startswith("Päätetäänkö pyyntö? Hyväksyttyjä kohtia 1, hylättyjä 0.")
    assert button == "Päätä pyyntö"
    assert rp.detail.state == "in_progress"
    asker.answer = True
    rp.buttons["finish_rect"].click()
    assert rp.detail.state == "completed"


def test_recording_prohibitions_names_them_before_acting(qtbot, db, manager, tmp_path):
    cid = make_customer(db, manager)
    rid = new_request(db, manager, "objection", customer_id=cid, objection_kinds=("research",))
    rp, asker = _request_page(qtbot, db, manager, tmp_path, rid)
    asker.answer = False
    rp.buttons["apply_objection"].click()
    question, button, _ = asker.asked[-1]
    assert question.startswith("Kirjataanko kiellot? Nämä kiellot tulevat voimaan heti: ")
    assert question.endswith("heti: markkina- ja mielipidetutkimukset.")
    assert rp.detail.state == "in_progress"


def _reason_dialog(qtbot):
    from core.requests import required_reason
    from gui.requests.common import TextDialog

    dialog = TextDialog(None, "Hylkää pyyntö…", "Perustelu:", "", check=required_reason)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_empty_refusal_reason_keeps_the_dialog_open_with_the_message(qtbot):
    dialog = _reason_dialog(qtbot)
    assert dialog.windowTitle() == "Hylkää pyyntö"
    dialog.edit.setPlainText("   ")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.error.text() == (
        "Perustelut: perustelu on pakollinen, koska henkilö saa sen tiedoksi"
    )
    assert dialog.edit.toPlainText() == "   "  # what was typed is still there
    dialog.edit.setPlainText("Sama pyyntö käsiteltiin eilen.")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.text() == "Sama pyyntö käsiteltiin eilen."


def test_ctrl_enter_and_tab_reach_ok_in_the_reason_dialog(qtbot):
    dialog = _reason_dialog(qtbot)
    qtbot.waitExposed(dialog)
    dialog.edit.setFocus()
    qtbot.keyClicks(dialog.edit, "Perusteeton")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Tab)
    assert dialog.edit.toPlainText() == "Perusteeton"  # Tab is not typed into the text
    assert dialog.focusWidget() is dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.edit.setFocus()
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted


def _customers_page(qtbot, db, manager):
    from gui.customers.view import CustomersPage
    from tests.gui.lists_fixtures import add_customer, make_ctx

    page = CustomersPage(make_ctx(db, manager))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    cid = add_customer(db, manager, first_name="Aino", last_name="Ahonen")
    page.open_customer(cid)
    return page, cid


def test_esc_with_unsaved_edits_asks_and_cancel_keeps_them(qtbot, db, manager):
    page, cid = _customers_page(qtbot, db, manager)
    asked = []
    page.detail.ask_unsaved = lambda parent, text: asked.append(text) or messages.CANCEL
    page.detail.edits["email"].setText("aino@example.fi")
    qtbot.keyClick(page.detail.edits["email"], Qt.Key.Key_Escape)
    assert asked == [
        "Asiakkaan tiedoissa on tallentamattomia muutoksia. "
        "Tallennetaanko ne ennen luetteloon palaamista?"
    ]
    assert page.stack.currentWidget() is page.detail
    assert page.detail.edits["email"].text() == "aino@example.fi"


def test_esc_then_save_saves_and_goes_back_discard_throws_away(qtbot, db, manager):
    page, cid = _customers_page(qtbot, db, manager)
    page.detail.ask_unsaved = lambda parent, text: messages.SAVE
    page.detail.edits["email"].setText("aino@example.fi")
    qtbot.keyClick(page.detail.edits["email"], Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list_page
    with db.begin() as s:
        assert s.get(Customer, cid).email == "aino@example.fi"
    page.open_customer(cid)
    page.detail.ask_unsaved = lambda parent, text: messages.DISCARD
    page.detail.edits["email"].setText("toinen@example.fi")
    page.detail.back_button.click()  # Back asks the same question
    assert page.stack.currentWidget() is page.list_page
    with db.begin() as s:
        assert s.get(Customer, cid).email == "aino@example.fi"


def test_unsaved_question_offers_save_discard_cancel_and_esc_cancels(qtbot):
    box = messages.unsaved_box(None, "?")
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == ["Hylkää muutokset", "Peruuta", "Tallenna"]
    assert box.defaultButton().text() == "Tallenna"
    assert box.escapeButton().text() == "Peruuta"


def _mnemonics(window) -> dict[str, list[str]]:
    """The Alt+letter of every control the user can see in ``window``, with the menu bar's."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    found: dict[str, list[str]] = {}
    texts = [b.text() for b in window.findChildren(QAbstractButton) if b.isVisibleTo(window)]
    texts += [
        label.text()
        for label in window.findChildren(QLabel)
        if label.isVisibleTo(window) and label.buddy() is not None
    ]
    texts += [a.text() for a in window.menuBar().actions()]
    for text in texts:
        m = re.search(r"&([^&])", text)
        if m:
            found.setdefault(m.group(1).lower(), []).append(text)
    return found


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_no_two_visible_controls_share_an_alt_letter(qtbot, gui_ctx_manager, lang):
    from core.i18n import set_language
    from gui.main_window import MainWindow

    set_language(lang)
    try:
        window = MainWindow(gui_ctx_manager, idle_ms=10**8)
        qtbot.addWidget(window)
        window.show()
        clashes = {}
        for index, spec in enumerate(window.specs):
            window.open_page(index)
            same = {k: v for k, v in _mnemonics(window).items() if len(v) > 1}
            if same:
                clashes[spec.key] = same
        window.close()
    finally:
        set_language("fi")
    assert clashes == {}


def test_alt_u_still_opens_new_request_and_new_user(qtbot, gui_ctx_manager):
    from PySide6.QtGui import QKeySequence

    from gui.requests.view import RequestsPage
    from gui.users.view import UsersPage

    requests_page = RequestsPage(gui_ctx_manager)
    users_page = UsersPage(gui_ctx_manager)
    for widget in (requests_page, users_page):
        qtbot.addWidget(widget)
    assert requests_page.new_button.text() == "&Uusi pyyntö"
    assert requests_page.new_button.shortcut() == QKeySequence("Alt+U")
    new_user = users_page.buttons["add"]
    assert new_user.text() == "&Uusi käyttäjä…" and new_user.shortcut() == QKeySequence("Alt+U")


def test_tab_leaves_a_date_editor(qtbot):
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    from gui.widgets import date_edit

    form = QWidget()
    layout = QVBoxLayout(form)
    day, after = date_edit(date(2026, 3, 14)), QLineEdit()
    layout.addWidget(day)
    layout.addWidget(after)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    day.setFocus()
    qtbot.keyClick(day, Qt.Key.Key_Tab)
    assert form.focusWidget() is after
    qtbot.keyClicks(form.focusWidget(), "12")
    assert day.date().toPython() == date(2026, 3, 14)
    assert after.text() == "12"


def test_hetu_field_shows_the_whole_hetu_masked_and_shown(qtbot, db, manager):
    from tests.conftest import valid_hetu
    from tests.gui.lists_fixtures import add_customer

    page, _ = _customers_page(qtbot, db, manager)
    page.resize(1000, 700)  # about the page's room beside the sidebar of a 1280x800 window
    page.open_customer(add_customer(db, manager, hetu=valid_hetu()))
    edit = page.detail.hetu_edit
    assert edit.text() == "131052-****"
    room = edit.contentsRect().width() - 8  # the line edit's own text margins
    assert edit.fontMetrics().horizontalAdvance(edit.text()) <= room
    page.detail.show_hetu_button.click()
    assert edit.text() == valid_hetu()
    assert edit.fontMetrics().horizontalAdvance(edit.text()) <= room


def _unlock(window):
    from tests.conftest import MANAGER_PASSWORD

    window.lock_screen.password.setText(MANAGER_PASSWORD)
    window.lock_screen.try_unlock()
    assert not window.is_locked


def test_unlocking_gives_back_the_focus_and_cursor_of_an_open_dialog(qtbot, gui_ctx_manager):
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    from gui.main_window import MainWindow

    window = MainWindow(gui_ctx_manager, idle_ms=10**8)
    qtbot.addWidget(window)
    window.show()
    dialog = QDialog(window)
    layout = QVBoxLayout(dialog)
    first, second = QLineEdit("Aino"), QLineEdit("Espoo")
    layout.addWidget(first)
    layout.addWidget(second)
    dialog.setModal(True)
    dialog.show()
    second.setFocus()
    second.setCursorPosition(3)
    window.lock()
    assert window.is_locked and dialog.focusWidget() is window.lock_screen.password
    _unlock(window)
    assert dialog.focusWidget() is second
    assert first.selectedText() == "" and second.selectedText() == ""
    assert second.cursorPosition() == 3
    dialog.close()


def test_letter_saved_from_the_request_page_says_where_in_finnish_name(
    qtbot, db, manager, tmp_path
):
    _, rid = _rectification(db, manager)
    rp, asker = _request_page(qtbot, db, manager, tmp_path, rid)
    asker.texts = ["Nimi on väestötietojärjestelmän mukainen."]
    rp.buttons["refuse_item"].click()
    rp.buttons["finish_rect"].click()
    rp.buttons["refusal_cert"].click()
    saved = asker.saved[-1]
    assert saved.name.endswith("_oikaisusta_kieltaytyminen.pdf")
    assert saved.read_bytes().startswith(b"%PDF")
    assert rp.status.text() == f"Tallennettu: {saved}"


def test_the_refusal_certificate_goes_to_the_printer_from_the_request_page(
    qtbot, db, manager, tmp_path
):
    _, rid = _rectification(db, manager)
    rp, asker = _request_page(qtbot, db, manager, tmp_path, rid)
    assert rp.print_button.text() == "Tulosta kirje…" and not rp.print_button.isEnabled()
    asker.texts = ["Nimi on väestötietojärjestelmän mukainen."]
    rp.buttons["refuse_item"].click()
    rp.buttons["finish_rect"].click()
    asker.save_path = lambda suggested: None  # the user prints without saving a copy
    rp.buttons["refusal_cert"].click()
    assert rp.print_button.isEnabled()
    rp.print_button.click()
    name, content = asker.printed[-1]
    assert name.endswith("_oikaisusta_kieltaytyminen.pdf") and content.startswith(b"%PDF")


def test_attached_scan_opens_from_the_request_page(qtbot, db, manager, tmp_path):
    from tests.core.requests_helpers import PDF

    rid = new_request(db, manager, "access")
    rp, asker = _request_page(qtbot, db, manager, tmp_path, rid)
    attachment = rp.detail.attachments[0]
    button = rp.body.widget().findChild(QPushButton, f"open_scan_{attachment.id}")
    assert button.text() == "Avaa liite"
    button.click()
    opened = asker.shown[-1]
    # The app's private print folder lives as long as the process: an earlier copy of the same
    # scan (another test, or a viewer still holding it) makes this one "pyynto-2.pdf".
    assert opened.name.startswith("pyynto") and opened.suffix == ".pdf"
    assert opened.read_bytes() == PDF


def test_qt_dialogs_are_finnish_even_when_qt_does_not_know_its_translations(qtbot, monkeypatch):
    from PySide6.QtCore import QCoreApplication, QLibraryInfo

    from gui import app as app_module

    monkeypatch.setattr(QLibraryInfo, "path", lambda *_: "/nonexistent")  # as in a bundle
    app_module.apply_language("fi", save=False)
    try:
        assert QCoreApplication.translate("QFileDialog", "Look in:") == "Lähde:"
        assert QCoreApplication.translate("QFileDialog", "Files of type:") == "Tiedostotyyppi:"
    finally:
        app_module.apply_language("fi", save=False)


def test_duplicates_page_lists_the_likeliest_first_and_never_different_hetus(
    qtbot, gui_ctx_manager, db, manager
):
    from gui.duplicates.view import DuplicatesPage
    from tests.conftest import valid_hetu
    from tests.gui.lists_fixtures import add_customer

    add_customer(db, manager, first_name="Eero", postal_code="00100")
    add_customer(db, manager, first_name="Eero", postal_code="00100")
    add_customer(db, manager, first_name="Liisa", email="liisa@example.fi", phone="0401234567")
    add_customer(db, manager, first_name="Liisa", email="liisa@example.fi", phone="0401234567")
    add_customer(db, manager, first_name="Aino", postal_code="96100", hetu=valid_hetu(1, 2, 1980))
    add_customer(db, manager, first_name="Aino", postal_code="96100", hetu=valid_hetu(2, 3, 1970))
    page = DuplicatesPage(gui_ctx_manager)
    qtbot.addWidget(page)
    m = page.pairs
    rows = [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]
    assert [r[0].split(" (")[0] for r in rows] == ["Liisa Virtanen", "Eero Virtanen"]
    assert m.headerData(3, Qt.Orientation.Horizontal) == "Todennäköisyys"
    assert [r[3] for r in rows] == ["vahva", "todennäköinen"]


def _file_menu_texts(window) -> list[str]:
    file_menu = window.menuBar().actions()[0].menu()
    return [a.text() for a in file_menu.actions() if a.isVisible() and a.text()]


def test_file_menu_backs_up_now_for_a_manager(qtbot, gui_ctx_manager, gui_ctx_receptionist):
    from gui.main_window import MainWindow

    window = MainWindow(gui_ctx_manager, idle_ms=10**8)
    qtbot.addWidget(window)
    assert "Varmuuskopioi &nyt…" in _file_menu_texts(window)
    group = window.page("settings").backup_group
    started = []
    group.backup_now = lambda: started.append(group.folder_text())
    window.backup_action.trigger()
    assert started and window.stack.currentWidget() is window.page("settings")
    letters = [
        text[text.index("&") + 1].lower() for text in _file_menu_texts(window) if "&" in text
    ]
    assert len(letters) == len(set(letters))  # each item of the menu has its own Alt letter
    desk = MainWindow(gui_ctx_receptionist, idle_ms=10**8)
    qtbot.addWidget(desk)
    assert "Varmuuskopioi &nyt…" not in _file_menu_texts(desk)


@pytest.mark.parametrize(
    ("lang", "headings"),
    [
        ("fi", ["Ensimmäinen käynnistys", "Päivittäinen työ", "Oikaisupyyntö", "Varmuuskopiot"]),
        ("en", ["First run", "Daily work", "Rectification request", "Several desks"]),
    ],
)
def test_f1_opens_the_user_guide_in_the_apps_language(qtbot, gui_ctx_manager, lang, headings):
    from PySide6.QtGui import QKeySequence

    from core.i18n import set_language
    from gui.main_window import MainWindow

    set_language(lang)
    try:
        window = MainWindow(gui_ctx_manager, idle_ms=10**8)
        qtbot.addWidget(window)
        assert window.guide_action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
        assert window.guide_action in window.menuBar().actions()[-1].menu().actions()
        window.guide_action.trigger()
        text = window.help_dialog.browser.toPlainText()
        window.help_dialog.close()
    finally:
        set_language("fi")
    for heading in headings:
        assert heading in text


def test_about_box_shows_the_version(qtbot, gui_ctx_manager):
    from gui.main_window import MainWindow

    window = MainWindow(gui_ctx_manager, idle_ms=10**8)
    qtbot.addWidget(window)
    assert window.about_text().startswith("Asiakasrekisteri, versio 0.1.0\n\n")


def test_customer_picker_in_intake_searches_once_the_typing_pauses(
    qtbot, gui_ctx_receptionist, db, manager, monkeypatch
):
    from gui.requests import intake
    from gui.requests.intake import NewRequestDialog
    from tests.gui.lists_fixtures import add_customer

    add_customer(db, manager, first_name="Aino", last_name="Ahonen", postal_code="96100")
    searches = []
    real = intake.search_customers
    monkeypatch.setattr(
        intake, "search_customers", lambda *a, **k: searches.append(a[2]) or real(*a, **k)
    )
    dialog = NewRequestDialog(gui_ctx_receptionist, None, kind="access")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.customer_search, "Ahonen")
    assert searches == []  # nothing per keystroke
    qtbot.waitUntil(lambda: searches == ["Ahonen"], timeout=2000)
    assert dialog.customer.itemText(1) == "Aino Ahonen"
