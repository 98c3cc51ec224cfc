"""Login: success, wrong password, lockout with its time, language; password change."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.security.auth import attempt_login
from gui.login import ChangePasswordDialog, LoginDialog
from tests.conftest import MANAGER_PASSWORD


def _login(qtbot, db) -> LoginDialog:
    dialog = LoginDialog(lambda u, p: attempt_login(db, u, p))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_login_with_the_right_password_gives_the_user(qtbot, db):
    dialog = _login(qtbot, db)
    qtbot.keyClicks(dialog.username, "manager")
    qtbot.keyClicks(dialog.password, MANAGER_PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor.username == "manager"


def test_wrong_password_shows_the_message_and_clears_the_password(qtbot, db):
    dialog = _login(qtbot, db)
    dialog.username.setText("manager")
    dialog.password.setText("väärä salasana")
    dialog.try_login()
    assert dialog.actor is None
    assert (
        dialog.message.text()
        == "Väärä käyttäjätunnus tai salasana, tai tili on lukittu liian monen epäonnistuneen kirjautumisen vuoksi (15 minuutiksi; esihenkilö voi avata lukituksen)."
    )
    assert dialog.password.text() == ""


def test_fifth_wrong_password_locks_without_telling_the_account_exists(qtbot, db):
    dialog = _login(qtbot, db)
    dialog.username.setText("reception")
    for _ in range(5):
        dialog.password.setText("väärä salasana")
        dialog.try_login()
    wrong = dialog.message.text()
    assert "tili on lukittu" in wrong  # says it may be locked, not that it is
    dialog.password.setText("Vastaanotto-Kuusi-42")  # even the right one is refused now
    dialog.try_login()
    assert dialog.actor is None
    assert dialog.message.text() == wrong
    dialog.username.setText("ei-ketaan")  # nobody of that name: the same answer
    dialog.try_login()
    assert dialog.message.text() == wrong


def test_language_switch_translates_the_login_dialog(qtbot, db):
    dialog = _login(qtbot, db)
    langs = []
    dialog.language_changed.connect(langs.append)
    dialog.language.setCurrentIndex(1)
    assert langs == ["en"]
    assert dialog.form.labels["username"].text() == "&Username"
    dialog.username.setText("manager")
    dialog.password.setText("wrong password")
    dialog.try_login()
    assert dialog.message.text() == (
        "Wrong username or password, or the account is locked after too many failed logins "
        "(for 15 minutes; a manager can unlock it)."
    )


def test_password_change_refuses_mismatch_and_rule_breaks_inline(qtbot, db, gui_ctx_manager):
    from core.security.auth import change_own_password

    def change(s, old: str, new: str) -> None:
        change_own_password(s, gui_ctx_manager.actor, old, new)

    dialog = ChangePasswordDialog(gui_ctx_manager, change, forced=True)
    qtbot.addWidget(dialog)
    dialog.old.setText(MANAGER_PASSWORD)
    dialog.new.setText("Uusi-Salasana-2025")
    dialog.again.setText("Uusi-Salasana-2026")
    dialog.submit()
    assert dialog.form.error_text("again") == "salasanat eivät täsmää"
    dialog.new.setText("lyhyt")
    dialog.again.setText("lyhyt")
    dialog.submit()
    assert dialog.form.error_text("new_password") == "salasanassa pitää olla vähintään 12 merkkiä"
    dialog.new.setText("Uusi-Salasana-2025")
    dialog.again.setText("Uusi-Salasana-2025")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert attempt_login(db, "manager", "Uusi-Salasana-2025").username == "manager"
