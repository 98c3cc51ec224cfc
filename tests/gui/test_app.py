"""Start-up: which window comes first, the data key on this desk, the demo database."""

from __future__ import annotations

import keyring
from keyring.backends import fail

from core.db import default_db_path, open_database
from core.demo import DEMO_CUSTOMERS, DEMO_PASSWORD, DEMO_USER
from core.security.auth import attempt_login
from core.security.crypto import KEYRING_SERVICE, DataKey
from core.settings import clear_key_cache
from gui import key_dialogs
from gui.app import Shell, make_demo_database, quick_location
from gui.first_run import FirstRunWizard
from gui.login import LoginDialog
from gui.main_window import MainWindow
from tests.conftest import MANAGER_PASSWORD


def _location(db) -> str:
    """What a desk is pointed at: the SQLite file, or the PostgreSQL server's URL."""
    return str(db.path) if db.is_sqlite else db.url.render_as_string(hide_password=False)


def test_default_location_is_the_cores_default_database(monkeypatch):
    monkeypatch.delenv("ASIAKASREKISTERI_DB", raising=False)
    assert quick_location(None) == str(default_db_path())
    assert quick_location("/tmp/x.sqlite3") == "/tmp/x.sqlite3"


def test_no_database_opens_the_first_run_wizard(qtbot, tmp_path):
    shell = Shell(str(tmp_path / "new.sqlite3"))
    shell.start()
    qtbot.addWidget(shell.dialog)
    assert isinstance(shell.dialog, FirstRunWizard)


def test_existing_database_opens_login_then_the_main_window(qtbot, db):
    shell = Shell(_location(db))
    shell.start()
    login = shell.dialog
    qtbot.addWidget(login)
    assert isinstance(login, LoginDialog)
    login.username.setText("manager")
    login.password.setText(MANAGER_PASSWORD)
    login.try_login()
    window = shell.window
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow)
    assert window.ctx.actor.username == "manager"
    assert window.idle.timer.interval() == 10 * 60 * 1000  # Settings.idle_lock_minutes
    window.close()
    shell.tasks.wait()
    shell.db.dispose()


def test_missing_data_key_asks_for_the_recovery_key(qtbot, db, memory_keyring, monkeypatch):
    install_id, text = next(
        (k[1], v) for k, v in memory_keyring.store.items() if k[0] == KEYRING_SERVICE
    )
    recovery = DataKey.from_text(text).recovery_text()
    memory_keyring.store.clear()  # a new desk
    clear_key_cache()
    typed = []

    def exec_(dialog):
        dialog.key.setText("AAAA-BBBB")  # wrong first: message under the field
        dialog.submit()
        typed.append(dialog.form.error_text("recovery_key"))
        dialog.key.setText(recovery.lower())
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(key_dialogs.RecoveryKeyDialog, "exec", exec_)
    shell = Shell(_location(db))
    assert shell.check_key()
    assert typed and typed[0]
    assert memory_keyring.store[(KEYRING_SERVICE, install_id)] == text
    shell.db.dispose()


def test_no_keyring_says_what_to_do_and_never_falls_back(qtbot, db, monkeypatch):
    keyring.set_keyring(fail.Keyring())
    clear_key_cache()
    told = []
    monkeypatch.setattr(key_dialogs, "keyring_unavailable", lambda parent, exc: told.append(exc))
    shell = Shell(_location(db))
    assert not shell.check_key()
    assert told and told[0].code == "error.no_keyring"
    shell.db.dispose()


def test_demo_database_logs_in_with_the_password_shown(tmp_path):
    path = tmp_path / "demo.sqlite3"
    make_demo_database(str(path), customers=20)
    db = open_database(path)
    try:
        assert attempt_login(db, DEMO_USER, DEMO_PASSWORD).is_manager
    finally:
        db.dispose()
    assert DEMO_CUSTOMERS == 2000


def test_demo_start_up_makes_the_register_off_the_gui_thread_under_a_progress_dialog(
    qtbot, tmp_path, monkeypatch
):
    import sys
    import threading

    from PySide6.QtWidgets import QApplication, QProgressDialog

    from gui import app as app_module

    made_on: list[threading.Thread] = []
    real = app_module.make_demo_database

    def small_demo(location, progress=None, customers=None):
        made_on.append(threading.current_thread())
        real(location, progress, customers=20)

    real_process_events = QApplication.processEvents
    spun_by_the_app: list[str] = []

    def process_events(*args):  # pytest-qt's waitUntil spins it too: only the app's count
        if sys._getframe(1).f_globals.get("__name__") == "gui.app":
            spun_by_the_app.append("processEvents")
        return real_process_events(*args)

    monkeypatch.setattr(app_module, "make_demo_database", small_demo)
    monkeypatch.setattr(QApplication, "processEvents", staticmethod(process_events))
    shell = Shell(str(tmp_path / "demo.sqlite3"), demo=True)
    shell.start()
    progress = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
    assert (
        progress
        and progress[0].labelText() == "Luodaan esittelytietokantaa (2000 keksittyä asiakasta)…"
    )
    qtbot.waitUntil(lambda: isinstance(shell.dialog, LoginDialog), timeout=60000)
    qtbot.addWidget(shell.dialog)
    assert made_on and made_on[0] is not threading.main_thread()
    assert not spun_by_the_app
    assert shell.dialog.username.text() == DEMO_USER
    shell.tasks.wait()
    shell.db.dispose()
