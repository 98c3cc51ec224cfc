"""Issue 16 point 11: an error line or a message bar that appears moves nothing under it.

Each test shows the screen, notes where its fields and buttons are in the window, makes the
error appear as a user would, and compares: not one pixel may move (the line's room is kept).
With ``ASIAKASREKISTERI_SHOTS=folder`` each screen is saved with its error showing."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget

from core.errors import AuthError
from tests.conftest import MANAGER_PASSWORD
from tests.gui.lists_fixtures import add_customer


def where(widgets: Iterable[QWidget]) -> list[QRect]:
    """Each widget's rectangle in its window's coordinates."""
    return [QRect(w.mapTo(w.window(), QPoint(0, 0)), w.size()) for w in widgets]


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def shown(widget: QWidget, width: int = 0, height: int = 0) -> QWidget:
    if width:
        widget.resize(width, height)
    widget.show()
    settle()
    return widget


def shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("ASIAKASREKISTERI_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.window().grab().save(str(Path(folder) / f"{name}.png"))


def test_customer_form_error_moves_no_field_below(qtbot, ctx):
    from PySide6.QtCore import Qt

    from gui.customers.view import CustomersPage

    page = CustomersPage(ctx)
    qtbot.addWidget(page)
    shown(page, 1280, 800)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    detail = page.detail
    settle()
    watched = [*detail.fields.widgets.values()]
    before = where(watched)
    qtbot.keyClicks(detail.edits["first_name"], "Liisa")
    qtbot.keyClicks(detail.edits["last_name"], "Laine")
    qtbot.keyClicks(detail.hetu_edit, "131052-308X")  # wrong check character
    qtbot.keyClick(detail.edits["last_name"], Qt.Key.Key_Return)
    settle()
    assert "tarkistusmerkki" in detail.fields.error_text("hetu")
    shot(page, "customer-form-error")
    assert where(watched) == before


def test_customer_message_bar_moves_no_field(qtbot, ctx, db, manager):
    from gui.customers.view import CustomersPage

    page = CustomersPage(ctx)
    qtbot.addWidget(page)
    shown(page, 1280, 800)
    page.open_customer(add_customer(db, manager))
    settle()
    detail = page.detail
    watched = [*detail.fields.widgets.values()]
    before = where(watched)
    detail.message.show_message("Asiakas tallennettu.")
    settle()
    assert detail.message.text() == "Asiakas tallennettu."
    shot(page, "customer-message")
    assert where(watched) == before
    detail.message.hide()
    settle()
    assert where(watched) == before


def test_order_dialog_errors_move_no_field_or_button(qtbot, ctx):
    from gui.orders.dialog import OrderDialog

    dialog = OrderDialog(ctx)
    qtbot.addWidget(dialog)
    shown(dialog)
    watched = [*dialog.fields.widgets.values()]
    before = where(watched)
    dialog.item.setText("Yksiö")
    dialog.amount.setText("paljon")
    dialog.save()
    settle()
    assert dialog.fields.error_text("customer") == "valitse asiakas ehdotuksista"
    shot(dialog, "order-error")
    assert where(watched) == before


def test_user_dialog_refusal_moves_no_field_below(qtbot, gui_ctx_manager):
    from core.security.auth import create_user
    from gui.users.view import UserDialog

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
    shown(dialog)
    watched = [*dialog.form.fields.values(), dialog.save_button]
    before = where(watched)
    dialog.username.setText("reception")  # taken
    dialog.full_name.setText("Toinen")
    dialog.password.setText("Alku-Salasana-1234")
    dialog.again.setText("Alku-Salasana-1234")
    dialog.submit()
    settle()
    assert dialog.form.error_text("username") == "käyttäjätunnus on jo käytössä"
    assert dialog.save_button.text() == "Tallenna"  # Finnish, not Qt's "Save"
    shot(dialog, "users-error")
    assert where(watched) == before


def test_settings_refusal_moves_no_field_below(qtbot, gui_ctx_manager):
    from gui.settings.view import SettingsPage

    page = SettingsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    shown(page, 1100, 800)
    watched = [*page.edits.values(), page.save_button]
    before = where(watched)
    page.edits["business_id"].setText("1234567-8")
    page.save()
    settle()
    assert page.company_form.error_text("business_id") == "virheellinen Y-tunnus (muoto 1234567-8)"
    shot(page, "settings-error")
    assert where(watched) == before


def test_wrong_password_at_the_login_moves_no_button(qtbot):
    from gui.login import LoginDialog

    def refuse(_user, _password):
        raise AuthError("auth.invalid")

    dialog = LoginDialog(refuse, username="manager")
    qtbot.addWidget(dialog)
    shown(dialog)
    watched = [dialog.username, dialog.password, *dialog.buttons.buttons()]
    before = where(watched)
    size = dialog.size()
    dialog.password.setText("väärä")
    dialog.try_login()
    settle()
    assert dialog.message.text().startswith("Väärä käyttäjätunnus tai salasana")
    shot(dialog, "login-wrong")
    assert where(watched) == before and dialog.size() == size


def test_wrong_password_at_the_lock_screen_moves_no_button(qtbot, gui_ctx_manager):
    from gui.main_window import MainWindow

    window = MainWindow(gui_ctx_manager, idle_ms=10**8)
    qtbot.addWidget(window)
    shown(window, 1100, 700)
    window.lock()
    settle()
    screen = window.lock_screen
    watched = [screen.password, screen.unlock_button, screen.other_button]
    before = where(watched)
    screen.password.setText("väärä")
    screen.try_unlock()
    settle()
    assert screen.message.text() == "Väärä salasana."
    shot(window, "lock-wrong")
    assert where(watched) == before
    screen.password.setText(MANAGER_PASSWORD)
    screen.try_unlock()


def test_wrong_recovery_key_moves_no_button(qtbot):
    from gui.key_dialogs import RecoveryKeyDialog

    def refuse(_text):
        raise ValueError("wrong key")

    dialog = RecoveryKeyDialog(refuse, "Tämän koneen avain puuttuu.")
    qtbot.addWidget(dialog)
    shown(dialog)
    buttons = dialog.findChildren(QWidget, "qt_dialog_button_box") or []
    watched = [dialog.key, *buttons]
    before = where(watched)
    dialog.key.setText("AAAA-BBBB")
    dialog.submit()
    settle()
    assert dialog.form.error_text("recovery_key")
    shot(dialog, "recovery-key-wrong")
    assert where(watched) == before


def test_first_run_company_error_moves_no_field_below(qtbot, tmp_path):
    from gui.first_run import FirstRunWizard

    wizard = FirstRunWizard(lambda company, manager: None)
    qtbot.addWidget(wizard)
    shown(wizard)
    page = wizard.company_page
    watched = list(page.edits.values())
    before = where(watched)
    page.edits["company_name"].setText("Oy Testi Ab")
    page.edits["business_id"].setText("1234567-8")
    wizard.next()
    settle()
    assert wizard.currentPage() is page and page.form.error_text("business_id")
    assert wizard.buttonText(wizard.WizardButton.NextButton) == "&Seuraava >"
    shot(wizard, "first-run-error")
    assert where(watched) == before


def test_import_column_error_moves_no_table(qtbot, gui_ctx_receptionist, tmp_path):
    from gui.transfer.import_wizard import ImportWizard

    path = tmp_path / "a.csv"
    path.write_text("etunimi;sukunimi\nAino;Ahonen\n", encoding="utf-8")
    wizard = ImportWizard(gui_ctx_receptionist)
    qtbot.addWidget(wizard)
    shown(wizard)
    wizard.file_page.set_file(path)
    wizard.next()
    settle()
    page = wizard.columns_page
    watched = [page.sample, wizard.button(wizard.WizardButton.NextButton)]
    before = where(watched)
    page.combos[1].setCurrentIndex(0)  # the last name ignored: names are needed
    settle()
    assert page.error.text() == "Etunimi ja sukunimi tarvitaan: valitse ne joillekin sarakkeille."
    shot(wizard, "import-columns-error")
    assert where(watched) == before


def test_export_without_a_file_moves_no_button(qtbot, gui_ctx_manager):
    from gui.transfer.export_dialog import ExportDialog

    dialog = ExportDialog(gui_ctx_manager)
    qtbot.addWidget(dialog)
    shown(dialog)
    watched = [dialog.with_hetu, *dialog.findChildren(QWidget, "qt_dialog_button_box")]
    before = where(watched)
    dialog.file.clear()
    dialog.export()
    settle()
    assert dialog.error.text() == "Anna tiedoston nimi."
    shot(dialog, "export-error")
    assert where(watched) == before


def test_password_change_refusal_moves_no_field_below(qtbot, gui_ctx_manager):
    from core.security.auth import change_own_password
    from gui.login import ChangePasswordDialog

    def change(s, old, new):
        change_own_password(s, gui_ctx_manager.actor, old, new)

    dialog = ChangePasswordDialog(gui_ctx_manager, change)
    qtbot.addWidget(dialog)
    shown(dialog)
    watched = [dialog.old, dialog.new, dialog.again, dialog.ok_button]
    before = where(watched)
    dialog.old.setText("väärä vanha salasana")
    dialog.new.setText("Uusi-Salasana-2025")
    dialog.again.setText("Uusi-Salasana-2025")
    dialog.submit()
    settle()
    assert dialog.form.error_text("old_password")
    assert dialog.new.text() == "Uusi-Salasana-2025"  # what was typed stays
    shot(dialog, "password-error")
    assert where(watched) == before
