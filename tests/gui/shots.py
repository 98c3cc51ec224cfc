"""Screenshots of the shell's screens, offscreen, for a person to look at.

    python -m tests.gui.shots [FOLDER] [--lang fi|en]

Uses a throwaway database in a temporary folder and an in-memory keyring.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(Path(tempfile.gettempdir()) / "shots"))
    parser.add_argument("--lang", default="fi")
    args = parser.parse_args(argv)
    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)

    import keyring

    from tests.conftest import MANAGER_PASSWORD, MemoryKeyring, fill_test_register

    keyring.set_keyring(MemoryKeyring())
    from PySide6.QtWidgets import QApplication, QWidget

    from core import i18n
    from core.db import open_database
    from core.demo import generate
    from core.security.auth import attempt_login
    from gui.app import apply_language

    app = QApplication.instance() or QApplication(sys.argv)
    apply_language(args.lang, save=False)
    lang = i18n.language()

    def shot(widget: QWidget, name: str, size: tuple[int, int] | None = (1280, 800)) -> None:
        if size:
            widget.resize(*size)
        widget.show()
        app.processEvents()
        widget.grab().save(str(out / f"{name}-{lang}.png"))
        print(out / f"{name}-{lang}.png")

    tmp = Path(tempfile.mkdtemp())
    # First run wizard, page by page.
    from gui.app import create_database
    from gui.first_run import FirstRunWizard

    wizard = FirstRunWizard(lambda c, m: create_database(str(tmp / "wizard.sqlite3"), c, m))
    shot(wizard, "wizard-1-company", None)
    wizard.company_page.edits["company_name"].setText("Asuntokulma Oy")
    wizard.company_page.edits["business_id"].setText("1234567-8")
    wizard.next()
    shot(wizard, "wizard-1-company-error", None)
    wizard.company_page.edits["business_id"].setText("1572860-0")
    wizard.company_page.edits["contact_person"].setText("Maija Manageri")
    wizard.next()
    shot(wizard, "wizard-2-manager", None)
    page = wizard.manager_page
    page.username.setText("maija")
    page.full_name.setText("Maija Manageri")
    page.password.setText("Kirjahylly-Aurinko-77")
    page.again.setText("Kirjahylly-Aurinko-78")
    wizard.next()
    shot(wizard, "wizard-2-manager-error", None)
    page.again.setText("Kirjahylly-Aurinko-77")
    wizard.next()
    shot(wizard, "wizard-3-recovery", None)
    wizard.hide()

    db = open_database(tmp / "register.sqlite3")
    manager = fill_test_register(db)
    generate(db, manager, 300, seed=2)
    actor = attempt_login(db, "manager", MANAGER_PASSWORD)

    from core.errors import AuthError
    from gui.login import ChangePasswordDialog, LoginDialog

    login = LoginDialog(
        lambda u, p: (_ for _ in ()).throw(AuthError("auth.invalid")), username="manager"
    )
    shot(login, "login", None)
    login.password.setText("x")
    login.try_login()
    shot(login, "login-wrong", None)
    login.hide()
    demo_login = LoginDialog(lambda u, p: None, username="demo", demo_hint="Esittely-Kahvi-2024")
    shot(demo_login, "login-demo", None)
    demo_login.hide()

    from gui.context import AppContext
    from gui.main_window import MainWindow
    from gui.tasks import SyncTaskRunner

    ctx = AppContext(db, actor, SyncTaskRunner())
    shot(ChangePasswordDialog(ctx, lambda s, o, n: None, forced=True), "password-forced", None)
    window = MainWindow(ctx, idle_ms=10**9)
    for key in window.page_keys():
        window.page(key)
        shot(window, f"main-{key}")
    window.lock()
    shot(window, "main-locked")
    window.lock_screen.password.setText("wrong")
    window.lock_screen.try_unlock()
    shot(window, "main-locked-wrong")
    window.lock_screen.password.setText(MANAGER_PASSWORD)
    window.lock_screen.try_unlock()

    from gui.users.view import ResetPasswordDialog, UserDialog

    shot(UserDialog(ctx, lambda s, v: None), "users-add", None)
    shot(ResetPasswordDialog(ctx, lambda s, p: None, "reception"), "users-reset", None)
    from gui.key_dialogs import RecoveryKeyDialog

    shot(RecoveryKeyDialog(lambda k: None, i18n.t("error.key_missing")), "recovery-key", None)
    window.close()
    reception = attempt_login(db, "reception", "Vastaanotto-Kuusi-42")
    rwindow = MainWindow(AppContext(db, reception, SyncTaskRunner()), idle_ms=10**9)
    shot(rwindow, "main-receptionist")
    rwindow.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
