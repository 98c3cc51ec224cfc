"""Users, audit log and settings pages (manager)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.security.auth import list_users
from core.settings import get_settings
from gui import messages
from gui.audit.model import audit_model
from gui.audit.view import AuditPage
from gui.settings.view import SettingsPage
from gui.users import view as users_view
from gui.users.model import users_model
from gui.users.view import UserDialog, UsersPage


def test_users_model_passes_the_model_tester(qtmodeltester, gui_ctx_manager):
    with gui_ctx_manager.session() as s:
        rows = list_users(s, gui_ctx_manager.actor)
    model = users_model()
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(0, 4).data() == "esihenkilö"


def test_audit_model_passes_the_model_tester(qtmodeltester, gui_ctx_manager):
    from core.security.audit_view import readable_entries

    with gui_ctx_manager.session() as s:
        rows = readable_entries(s, gui_ctx_manager.actor)
    model = audit_model()
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.rowCount() == len(rows) > 0


def test_new_user_appears_and_must_change_password(qtbot, gui_ctx_manager):
    page = UsersPage(gui_ctx_manager)
    qtbot.addWidget(page)
    saved = []

    from core.security.auth import create_user

    def save(s, values):  # runs on the task runner, as the page's own save does
        create_user(
            s,
            gui_ctx_manager.actor,
            values["username"],
            values["full_name"],
            values["role"],
            values["password"],
            values["confidentiality_signed_on"],
            values["title"],
        )
        saved.append(values)

    dialog = UserDialog(gui_ctx_manager, save)
    qtbot.addWidget(dialog)
    dialog.username.setText("tiina")
    dialog.full_name.setText("Tiina Tuominen")
    dialog.password.setText("Alku-Salasana-1234")
    dialog.again.setText("Alku-Salasana-1234")
    dialog.submit()
    assert saved and dialog.result() == dialog.DialogCode.Accepted
    page.refresh()
    row = next(r for r in page.model.rows() if r.username == "tiina")
    assert row.must_change_password and row.role == "receptionist"


def test_add_user_shows_the_cores_refusal_under_the_field(qtbot, gui_ctx_manager):
    from core.security.auth import create_user

    def save(s, values):
        create_user(
            s,
            gui_ctx_manager.actor,
            values["username"],
            values["full_name"],
            values["role"],
            values["password"],
            values["confidentiality_signed_on"],
        )

    dialog = UserDialog(gui_ctx_manager, save)
    qtbot.addWidget(dialog)
    dialog.username.setText("reception")  # taken
    dialog.full_name.setText("Toinen")
    dialog.password.setText("Alku-Salasana-1234")
    dialog.again.setText("Alku-Salasana-1234")
    dialog.submit()
    assert dialog.form.error_text("username") == "käyttäjätunnus on jo käytössä"


def test_last_manager_cannot_be_deactivated(qtbot, gui_ctx_manager, monkeypatch):
    page = UsersPage(gui_ctx_manager)
    qtbot.addWidget(page)
    shown = []
    monkeypatch.setattr(
        messages, "show_error", lambda parent, exc, title=None: shown.append(exc.message())
    )
    monkeypatch.setattr(users_view, "confirm", lambda parent, text, action: True)
    page.table.selectRow(0)  # manager (sorted by username)
    assert page.selected().username == "manager"
    page.toggle_active()
    assert shown and "viimeistä aktiivista esihenkilöä ei voi poistaa käytöstä" in shown[0]
    assert page.selected().active


def test_unlock_button_unlocks_a_locked_user(qtbot, gui_ctx_manager, monkeypatch):
    from core.errors import AuthError
    from core.security.auth import attempt_login

    for _ in range(5):
        try:
            attempt_login(gui_ctx_manager.db, "reception", "väärä salasana")
        except AuthError:
            pass
    page = UsersPage(gui_ctx_manager)
    qtbot.addWidget(page)
    monkeypatch.setattr(users_view.QMessageBox, "information", lambda *a: None)
    page.table.selectRow(1)
    assert page.selected().locked and page.buttons["unlock"].isEnabled()
    page.unlock()
    assert not page.selected().locked


def test_audit_page_shows_chain_intact_and_filters_by_action(qtbot, gui_ctx_manager):
    page = AuditPage(gui_ctx_manager)
    qtbot.addWidget(page)
    assert page.chain.text().startswith("Ketju eheä:")
    assert page.model.rowCount() > 0
    page.action.setCurrentIndex(page.action.findData("login.success"))
    page.reload()
    assert page.model.rowCount() > 0
    assert {r.action for r in page.model.rows()} == {"login.success"}


def test_audit_page_reports_where_the_chain_breaks(qtbot, gui_ctx_manager):
    from sqlalchemy import update

    from core.models import AuditEntry

    with gui_ctx_manager.session() as s:
        s.execute(update(AuditEntry).where(AuditEntry.id == 2).values(fields="tampered"))
    page = AuditPage(gui_ctx_manager)
    qtbot.addWidget(page)
    assert page.chain.text().startswith("Ketju katki kohdassa 2")


def test_settings_refuse_bad_business_id_inline_and_save_nothing(qtbot, gui_ctx_manager):
    page = SettingsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    page.edits["business_id"].setText("1234567-8")
    page.edits["city"].setText("Espoo")
    page.save()
    assert page.company_form.error_text("business_id") == "virheellinen Y-tunnus (muoto 1234567-8)"
    with gui_ctx_manager.session() as s:
        row = get_settings(s)
        assert (row.business_id, row.city) == ("1572860-0", "Helsinki")


def test_settings_save_idle_lock_minutes(qtbot, gui_ctx_manager):
    page = SettingsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    page.spins["idle_lock_minutes"].setValue(5)
    assert page.has_unsaved_changes()
    page.save()
    assert page.status.text() == "Asetukset tallennettu."
    assert not page.has_unsaved_changes()
    with gui_ctx_manager.session() as s:
        assert get_settings(s).idle_lock_minutes == 5


def test_settings_print_a_new_recovery_sheet_is_audited(qtbot, gui_ctx_manager, tmp_path):
    from core.security.audit import list_entries

    page = SettingsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    printed = []  # the print previews shown (none waits for the user)
    page.print_pdf = lambda parent, pdf, name, **kw: printed.append(pdf)
    page.print_recovery_sheet()
    assert printed and printed[0].startswith(b"%PDF")
    with gui_ctx_manager.session() as s:
        assert list_entries(s, gui_ctx_manager.actor, action="key.recovery_shown")


def test_settings_change_the_data_key_writes_the_new_sheet(
    qtbot, gui_ctx_manager, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from core.security.audit import list_entries
    from core.settings import data_key

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    with gui_ctx_manager.session() as s:
        old = data_key(s)
    page = SettingsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    opened = []
    page.choose_pdf_path = lambda: str(tmp_path / "new-sheet.pdf")
    page.open_file = opened.append
    page.confirm_rotation = lambda: False
    page.rotate_button.click()
    assert not opened
    page.confirm_rotation = lambda: True
    page.rotate_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert opened[0].read_bytes().startswith(b"%PDF")
    assert any("Vanha palautusavainlomake" in text for text in shown)
    with gui_ctx_manager.session() as s:
        assert data_key(s) != old
        assert list_entries(s, gui_ctx_manager.actor, action="key.rotated")


def test_settings_label_offsets_in_mm_and_the_test_page_uses_them_unsaved(qtbot, gui_ctx_manager):
    from tests.conftest import pdf_text

    page = SettingsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    printed = []  # (pdf, keyword arguments) of the print previews shown
    page.print_pdf = lambda parent, pdf, name, **kw: printed.append((pdf, kw))
    x, y = page.offsets["label_offset_x_mm"], page.offsets["label_offset_y_mm"]
    assert (x.suffix(), x.decimals(), x.minimum(), x.maximum()) == (" mm", 1, -10.0, 10.0)
    assert page.label_sheet.currentText() == "70 × 42,3 mm, 3 × 7, reunaton"
    page.label_sheet.setCurrentIndex(page.label_sheet.findData("70x37_3x8"))
    x.setValue(2.5)
    y.setValue(-1.0)
    qtbot.mouseClick(page.test_page_button, Qt.MouseButton.LeftButton)
    pdf, kw = printed[0]
    assert kw["actual_size"] is True  # printed at 100 %, never fitted to the page
    text = pdf_text(pdf)
    assert "Tarra-arkin testisivu" in text and "70 × 37 mm, 3 × 8, reunaton" in text
    assert "Vaakasiirtymä 2,5 mm" in text and "Pystysiirtymä \u22121 mm" in text
    with gui_ctx_manager.session() as s:
        assert float(get_settings(s).label_offset_x_mm) == 0.0  # not saved by the test page
    page.save()
    assert page.status.text() == "Asetukset tallennettu."
    assert not page.has_unsaved_changes()
    with gui_ctx_manager.session() as s:
        row = get_settings(s)
        assert (row.label_sheet, float(row.label_offset_x_mm), float(row.label_offset_y_mm)) == (
            "70x37_3x8",
            2.5,
            -1.0,
        )


def test_settings_save_waits_on_the_task_runner_and_a_refusal_keeps_what_was_typed(
    qtbot, gui_ctx_manager
):
    from gui.context import AppContext
    from tests.gui.guard import DeferredRunner

    runner = DeferredRunner()
    ctx = AppContext(gui_ctx_manager.db, gui_ctx_manager.actor, runner)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    assert page.edits["city"].text() == ""  # read off the GUI thread: not here yet
    runner.run_pending()
    assert page.edits["city"].text() == "Helsinki"
    page.edits["business_id"].setText("1234567-8")
    page.edits["city"].setText("Espoo")
    page.save()
    assert not page.save_button.isEnabled()  # a second click does not save twice
    page.save_button.click()
    assert len(runner.pending) == 1
    runner.run_pending()
    assert page.save_button.isEnabled()
    assert page.company_form.error_text("business_id") == "virheellinen Y-tunnus (muoto 1234567-8)"
    assert (page.edits["business_id"].text(), page.edits["city"].text()) == ("1234567-8", "Espoo")


def test_user_dialog_saves_once_and_keeps_what_was_typed_when_refused(qtbot, gui_ctx_manager):
    from core.security.auth import create_user
    from gui.context import AppContext
    from tests.gui.guard import DeferredRunner

    runner = DeferredRunner()
    ctx = AppContext(gui_ctx_manager.db, gui_ctx_manager.actor, runner)

    def save(s, values):
        return create_user(
            s,
            ctx.actor,
            values["username"],
            values["full_name"],
            values["role"],
            values["password"],
            values["confidentiality_signed_on"],
        ).id

    dialog = UserDialog(ctx, save)
    qtbot.addWidget(dialog)
    dialog.username.setText("reception")  # taken
    dialog.full_name.setText("Toinen")
    dialog.password.setText("Alku-Salasana-1234")
    dialog.again.setText("Alku-Salasana-1234")
    dialog.submit()
    assert not dialog.save_button.isEnabled()
    dialog.save_button.click()
    assert len(runner.pending) == 1
    runner.run_pending()
    assert dialog.form.error_text("username") == "käyttäjätunnus on jo käytössä"
    assert dialog.save_button.isEnabled() and dialog.full_name.text() == "Toinen"
    assert dialog.result() != dialog.DialogCode.Accepted


def test_recipients_page_adds_validates_and_marks_a_missing_address(
    qtbot, qtmodeltester, gui_ctx_manager, monkeypatch
):
    """Issue 15 point 3: a manager keeps the register; a bad Y-tunnus or email is refused
    under its field, and an entry without a postal address is marked in the list."""
    from gui.recipients import view as recipients_view

    page = recipients_view.RecipientsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    dialogs = []
    entries = [
        {"name": "Asuntotieto Oy", "business_id": "1234567-8", "email": "ei osoite"},
        {"name": "Asuntotieto Oy", "business_id": "1572860-0", "city": "Helsinki"},
    ]

    def fill_and_save(dialog):
        dialogs.append(dialog)
        for name, value in entries.pop(0).items():
            dialog.edits[name].setText(value)
        dialog.submit()
        return dialog.result() == dialog.DialogCode.Accepted

    monkeypatch.setattr(recipients_view.RecipientDialog, "exec", fill_and_save)
    page.add_button.click()
    refused = dialogs[0]
    assert refused.form.error_text("business_id") == "virheellinen Y-tunnus (muoto 1234567-8)"
    assert refused.form.error_text("email") == "virheellinen sähköpostiosoite"
    assert page.model.rowCount() == 0
    page.add_button.click()
    assert page.model.rowCount() == 1
    qtmodeltester.check(page.model)
    shown = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert shown[:2] == ["Asuntotieto Oy", "1572860-0"]
    assert shown[-1] == "Puuttuu: katuosoite, postinumero"


def test_receptionist_has_no_recipients_page(gui_ctx_receptionist, gui_ctx_manager):
    from gui.pages import pages_for

    assert "recipients" not in {p.key for p in pages_for(gui_ctx_receptionist)}
    assert "recipients" in {p.key for p in pages_for(gui_ctx_manager)}


def test_user_dialog_marks_a_missing_english_title(qtbot, gui_ctx_manager):
    dialog = UserDialog(gui_ctx_manager, lambda s, values: None)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("toimitusjohtaja")
    assert dialog.form.error_text("title_en") == (
        "Englanninkielisissä kirjeissä ei ole titteliä, ennen kuin se annetaan tähän."
    )
    dialog.title_en.setText("Managing Director")
    assert dialog.form.error_text("title_en") == ""
    assert dialog.values()["title_en"] == "Managing Director"
