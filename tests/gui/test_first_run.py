"""The first-run wizard: field-by-field refusal, the database made, the recovery key shown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard

from core.db import open_database
from core.security.auth import attempt_login
from gui.app import create_database
from gui.first_run import FirstRunWizard

PASSWORD = "Kirjahylly-Aurinko-77"


def _wizard(qtbot, path: Path) -> FirstRunWizard:
    wizard = FirstRunWizard(lambda company, manager: create_database(str(path), company, manager))
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _fill_company(wizard: FirstRunWizard, business_id: str) -> None:
    edits = wizard.company_page.edits
    edits["company_name"].setText("Asuntokulma Oy")
    edits["business_id"].setText(business_id)
    edits["street"].setText("Mannerheimintie 1")
    edits["postal_code"].setText("00100")
    edits["city"].setText("Helsinki")
    edits["email"].setText("info@asuntokulma.fi")
    edits["contact_person"].setText("Maija Manageri")


def test_wizard_refuses_a_bad_business_id_under_the_field(qtbot, tmp_path):
    wizard = _wizard(qtbot, tmp_path / "new.sqlite3")
    _fill_company(wizard, "1234567-8")
    wizard.next()
    assert wizard.currentPage() is wizard.company_page
    assert (
        wizard.company_page.form.error_text("business_id")
        == "virheellinen Y-tunnus (muoto 1234567-8)"
    )
    assert not (tmp_path / "new.sqlite3").exists()


def test_wizard_finishes_with_valid_input_and_shows_the_recovery_key(qtbot, tmp_path):
    path = tmp_path / "new.sqlite3"
    wizard = _wizard(qtbot, path)
    _fill_company(wizard, "1572860-0")
    wizard.next()
    assert wizard.currentPage() is wizard.manager_page
    page = wizard.manager_page
    page.username.setText("maija")
    page.full_name.setText("Maija Manageri")
    page.password.setText(PASSWORD)
    page.again.setText(PASSWORD + "x")
    wizard.next()
    assert wizard.currentPage() is page  # passwords differ: nothing created
    assert page.form.error_text("again") == "salasanat eivät täsmää"
    assert not path.exists()

    page.again.setText(PASSWORD)
    wizard.next()
    assert wizard.currentPage() is wizard.recovery_page
    key = wizard.created.recovery_key
    assert wizard.recovery_page.key_label.text().replace("\n", "-") == key
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # "I have stored it" is required

    printed = []  # the print previews shown (none waits for the user)
    wizard.print_pdf = lambda parent, pdf, name, **kw: printed.append((name, pdf))
    wizard.recovery_page.print_sheet()
    assert printed and printed[0][1].startswith(b"%PDF")
    assert printed[0][0] == "palautusavain.pdf"

    wizard.recovery_page.stored.setChecked(True)
    assert finish.isEnabled()
    wizard.accept()

    db = open_database(path)
    try:
        actor = attempt_login(db, "maija", PASSWORD)
        assert actor.is_manager
    finally:
        db.dispose()


def test_wizard_shows_the_cores_password_rule_under_the_password(qtbot, tmp_path):
    wizard = _wizard(qtbot, tmp_path / "new.sqlite3")
    _fill_company(wizard, "1572860-0")
    wizard.next()
    page = wizard.manager_page
    page.username.setText("maija")
    page.full_name.setText("Maija Manageri")
    page.password.setText("lyhyt")
    page.again.setText("lyhyt")
    wizard.next()
    assert wizard.currentPage() is page
    assert page.form.error_text("password") == "salasanassa pitää olla vähintään 12 merkkiä"
