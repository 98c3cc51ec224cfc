"""The desktop app: start-up, first run, login, the data key check, the main window.

Start-up is kept light so the login window appears quickly: only Qt and the message catalogue
are loaded before it is shown; the database is opened (SQLAlchemy, migrations, the password
hasher) on a worker thread while the user types, and the login waits for it if needed.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QSettings, QTranslator, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from core import i18n
from core.i18n import t
from gui.messages import show_error
from gui.widgets import app_icon

APP_NAME = "Asiakasrekisteri"  # the same as core.db.APP_NAME (tests check)
DB_FILE = "asiakasrekisteri.sqlite3"  # the same as core.db.default_db_path() (tests check)
DB_ENV = "ASIAKASREKISTERI_DB"
DEMO_FILE = "demo.sqlite3"
BENCH_ENV = "ASIAKASREKISTERI_BENCH_STARTUP"  # print the time to the login window, then quit


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def quick_location(db: str | None, demo: bool = False) -> str:
    """The database to open, as given or by default, without loading SQLAlchemy."""
    if demo:
        return str(data_dir() / DEMO_FILE)
    value = db or os.environ.get(DB_ENV, "")
    return value or str(data_dir() / DB_FILE)


def quick_exists(location: str) -> bool:
    if "://" in location:
        from core.db import database_exists, resolve_url

        return database_exists(resolve_url(location))
    path = Path(location).expanduser()
    return path.exists() and path.stat().st_size > 0


# --- language ---------------------------------------------------------------------------------


def preferences() -> QSettings:
    return QSettings(APP_NAME, APP_NAME)


_qt_translator: QTranslator | None = None


def qt_translation_dirs() -> list[Path]:
    """Where Qt's own translations (qtbase_fi.qm: the file dialog's "Look in:", Cancel) are:
    PySide6's translations folder, which a PyInstaller bundle keeps, then Qt's own idea."""
    import PySide6

    return [
        Path(PySide6.__file__).resolve().parent / "Qt" / "translations",
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]


def apply_language(lang: str, save: bool = True) -> None:
    """The app's texts, Qt's own buttons (qtbase_fi.qm) and the saved preference."""
    global _qt_translator
    i18n.set_language(lang)
    app = QApplication.instance()
    if app is not None:
        if _qt_translator is not None:
            app.removeTranslator(_qt_translator)
            _qt_translator = None
        QLocale.setDefault(
            QLocale(
                QLocale.Language.Finnish if lang == "fi" else QLocale.Language.English,
                QLocale.Country.Finland,
            )
        )
        if lang == "fi":
            translator = QTranslator(app)
            if any(translator.load("qtbase_fi", str(folder)) for folder in qt_translation_dirs()):
                app.installTranslator(translator)
                _qt_translator = translator
    if save:
        preferences().setValue("language", lang)


# --- opening the database in the background ---------------------------------------------------


class Opener:
    """Opens the database (and warms the password hasher) on a thread; ``get()`` waits.

    A SQLite file is first checked with ``PRAGMA quick_check``; a damaged one is not opened
    (``damage`` tells what backup can replace it).
    """

    def __init__(self, location: str, check: bool = True) -> None:
        self.location = location
        self.check = check
        self.db: Any = None
        self.damage: Any = None  # gui.backup.startup.Damage
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._open, name="open-database", daemon=True)
        self.thread.start()

    def _open(self) -> None:
        try:
            if self.check:
                from gui.backup.startup import check_database

                self.damage = check_database(self.location)
                if self.damage is not None:
                    return
            from core.db import open_database

            self.db = open_database(self.location, create=False)
            from core.backup.files import clean_leftovers

            clean_leftovers(self.db)  # copies a killed backup or restore left behind
            import core.security.auth  # noqa: F401  (its import computes a dummy argon2 hash)
        except BaseException as exc:  # handed to the GUI thread by get()
            self.error = exc

    def get(self) -> Any:
        self.thread.join()
        if self.damage is not None:
            from core.errors import AppError

            raise AppError("backup.damaged_refused")
        if self.error is not None:
            raise self.error
        return self.db


class Shell(QObject):
    """Walks the user from start to the main window and back to the login on logout."""

    def __init__(self, location: str, demo: bool = False) -> None:
        super().__init__()
        self.location = location
        self.demo = demo
        self.opener: Opener | None = None
        self.window: Any = None
        self.dialog: Any = None
        self.tasks: Any = None
        self.started_at = float(os.environ.get(BENCH_ENV, "0") or 0)

    # --- start --------------------------------------------------------------------------------

    def start(self) -> None:
        if quick_exists(self.location):
            self.show_login()
        elif self.demo:
            self.create_demo()
        else:
            self.show_wizard()

    @property
    def db(self) -> Any:
        if self.opener is None or self.opener.location != self.location:
            self.opener = Opener(self.location)
        return self.opener.get()

    def show_login(self, username: str = "") -> None:
        from PySide6.QtCore import QTimer

        from gui.login import LoginDialog

        # Open the database once the window is up, so the two do not compete for the GIL.
        QTimer.singleShot(30, self._start_opening)
        demo_user = demo_hint = ""
        if self.demo:
            from core.demo import DEMO_PASSWORD, DEMO_USER

            demo_user, demo_hint = DEMO_USER, DEMO_PASSWORD
        dialog = LoginDialog(self.authenticate, username=username or demo_user, demo_hint=demo_hint)
        dialog.language_changed.connect(lambda lang: apply_language(lang))
        dialog.accepted.connect(lambda: self.logged_in(dialog.actor))
        dialog.rejected.connect(QApplication.quit)
        self.dialog = dialog
        dialog.show()
        if self.started_at:
            QTimer.singleShot(0, self._report_startup)

    def _start_opening(self) -> None:
        if self.started_at:  # the start-up benchmark stops at the shown window
            return
        if self.opener is None or self.opener.location != self.location:
            self.opener = Opener(self.location)
        self._watch_opener()

    def _watch_opener(self) -> None:
        """When the background check finds the file damaged, offer the latest good backup."""
        from PySide6.QtCore import QTimer

        opener = self.opener
        if opener is None:
            return
        if opener.thread.is_alive():
            QTimer.singleShot(100, self, self._watch_opener)
        elif opener.damage is not None:
            self.offer_backup(opener.damage)

    def offer_backup(self, damage: Any) -> None:
        """The damaged-database dialog instead of the login; a restore goes on to the login."""
        from gui.backup.startup import DamagedDatabaseDialog
        from gui.tasks import TaskRunner

        if isinstance(self.dialog, DamagedDatabaseDialog):
            return
        if self.dialog is not None:
            self.dialog.hide()  # the login window (hiding does not quit)
        if self.tasks is None:
            self.tasks = TaskRunner(self)
        dialog = DamagedDatabaseDialog(damage, self.tasks)
        dialog.accepted.connect(lambda: self.restored_at_start(dialog.username.text().strip()))
        dialog.rejected.connect(QApplication.quit)
        self.dialog = dialog
        dialog.show()

    def restored_at_start(self, username: str) -> None:
        self.opener = None  # open the restored file afresh
        self.show_login(username)

    def _report_startup(self) -> None:
        elapsed = time.time() - self.started_at
        from gui.help import app_version

        try:
            # The About box's version too, read as the About box reads it (the bundle's smoke
            # test checks that the package metadata came along).
            print(
                f"login window shown {elapsed:.3f} s after start, version {app_version()}",
                flush=True,
            )
        finally:
            QApplication.quit()

    def authenticate(self, username: str, password: str) -> Any:
        from core.errors import KeyUnavailable
        from core.login import log_in
        from gui.key_dialogs import RECOVERABLE

        try:
            return log_in(self.db, username, password)
        except KeyUnavailable as exc:
            # The login is audited and the audit chain is keyed: a desk without the data key
            # asks for the recovery key first, then logs in.
            if exc.code not in RECOVERABLE or not self.check_key():
                raise
            return log_in(self.db, username, password)

    # --- first run and demo -------------------------------------------------------------------

    def show_wizard(self) -> None:
        from gui.first_run import FirstRunWizard

        wizard = FirstRunWizard(self.create_database)
        wizard.accepted.connect(lambda: self.show_login(wizard.manager_page.values()["username"]))
        wizard.rejected.connect(QApplication.quit)
        self.dialog = wizard
        wizard.show()

    def create_database(self, company: dict[str, str], manager: dict[str, Any]) -> Any:
        return create_database(self.location, company, manager)

    def create_demo(self) -> None:
        """The demonstration database is made on the task runner under a progress dialog;
        the login opens when it is ready (the GUI thread keeps painting meanwhile)."""
        from gui.backup.progress import ProgressRun
        from gui.tasks import TaskRunner

        if self.tasks is None:
            self.tasks = TaskRunner(self)
        location = self.location
        self.dialog = ProgressRun(
            None,
            self.tasks,
            t("app.title"),
            t("app.demo_creating"),
            lambda progress, _abort: make_demo_database(location, progress),
            lambda _result: self.show_login(),
            self._fatal,
            cancellable=False,
        )

    # --- after the login ----------------------------------------------------------------------

    def logged_in(self, actor: Any) -> None:
        if not self.check_key():
            QApplication.quit()
            return
        if actor.must_change_password and not self.force_password_change(actor):
            self.show_login(actor.username)
            return
        self.warn_due(actor)
        self.open_main_window(actor)

    def check_key(self) -> bool:
        from core.errors import KeyUnavailable
        from core.settings import check_key, install_recovery_key
        from gui.key_dialogs import RECOVERABLE, RecoveryKeyDialog, keyring_unavailable

        db = self.db
        try:
            with db.begin() as s:
                check_key(s)
            return True
        except KeyUnavailable as exc:
            if exc.code not in RECOVERABLE:
                keyring_unavailable(None, exc)
                return False
            reason = exc.message()

        def install(text: str) -> None:
            with db.begin() as s:
                install_recovery_key(s, text)

        try:
            return bool(RecoveryKeyDialog(install, reason).exec())
        except KeyUnavailable as exc:
            keyring_unavailable(None, exc)
            return False

    def force_password_change(self, actor: Any) -> bool:
        from core.security.auth import change_own_password
        from gui.context import AppContext
        from gui.login import ChangePasswordDialog
        from gui.tasks import TaskRunner

        if self.tasks is None:
            self.tasks = TaskRunner(self)
        ctx = AppContext(self.db, actor, self.tasks)

        def change(s: Any, old: str, new: str) -> None:
            change_own_password(s, actor, old, new)

        return bool(ChangePasswordDialog(ctx, change, forced=True).exec())

    def warn_due(self, actor: Any) -> None:
        from core.i18n import format_date
        from core.security.permissions import Permission

        if not actor.can(Permission.REQUEST_INTAKE):
            return
        from core.requests import requests_due_within

        with self.db.begin() as s:
            due = requests_due_within(s, actor)
        if not due:
            return
        lines = [
            t(
                "req.due.line",
                number=r.number,
                kind=t(f"term.request.{r.kind}"),
                due=format_date(r.due_on),
            )
            for r in due[:15]
        ]
        if len(due) > 15:
            lines.append(t("req.due.more", count=len(due) - 15))
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            t("req.due.title"),
            t("req.due.text", count=len(due)),
            QMessageBox.StandardButton.Ok,
        )
        box.setInformativeText("\n".join(lines))
        box.setWindowIcon(app_icon())
        box.exec()

    def open_main_window(self, actor: Any) -> None:
        from gui.context import AppContext
        from gui.main_window import MainWindow
        from gui.tasks import TaskRunner

        if self.tasks is None:
            self.tasks = TaskRunner(self)
        ctx = AppContext(self.db, actor, self.tasks)
        window = MainWindow(ctx)
        window.logout_requested.connect(self.logged_out)
        window.closed.connect(QApplication.quit)
        self.window = window
        window.show()
        freeze_startup_objects()

    @Slot()
    def logged_out(self) -> None:
        from core.customers.search import forget_search

        username = self.window.ctx.actor.username if self.window is not None else ""
        if self.window is not None:
            forget_search(self.window.ctx.db)  # no customer's text kept for the login window
        if self.window is not None and getattr(self.window, "database_replaced", False):
            self.window.ctx.db.dispose()  # a restore replaced the file: open it afresh
            self.opener = None
        self.window = None
        self.show_login(username)

    def _fatal(self, exc: BaseException) -> None:
        from core.errors import KeyUnavailable
        from gui.key_dialogs import keyring_unavailable

        if isinstance(exc, KeyUnavailable):
            keyring_unavailable(None, exc)
        else:
            show_error(None, exc)
        QApplication.quit()


# --- creating databases (the wizard and --demo) -----------------------------------------------


def create_database(location: str, company: dict[str, str], manager: dict[str, Any]) -> Any:
    """A new database with the wizard's settings and first manager; nothing left on failure."""
    from core.documents.data import Letterhead
    from core.settings import create_register, get_settings
    from gui.first_run import Created

    values = dict(company)
    company_name = values.pop("company_name")
    db, result = create_register(
        location,
        company_name,
        manager["username"],
        manager["full_name"],
        manager["password"],
        manager["confidentiality_signed_on"],
        manager.get("title", ""),
        **values,
    )
    with db.begin() as s:
        letterhead = Letterhead.from_settings(get_settings(s))
    db.dispose()
    return Created(
        result.recovery_key, result.install_id, company_name, manager["full_name"], letterhead
    )


def make_demo_database(location: str, progress: Any = None, customers: int | None = None) -> None:
    """The demonstration database: an invented company, manager ``demo``, 2000 customers."""
    from core.demo import DEMO_CUSTOMERS, DEMO_PASSWORD, create_demo_register, generate

    Path(location).parent.mkdir(parents=True, exist_ok=True)
    db, result = create_demo_register(location, DEMO_PASSWORD)
    try:
        generate(
            db,
            result.actor,
            DEMO_CUSTOMERS if customers is None else customers,
            seed=1,
            progress=progress,
        )
    finally:
        db.dispose()


GC_INTERVAL_MS = 1000


# How long a thread holding the interpreter runs before another may have it (Python's own
# default is 5 ms). An import on its thread computes for seconds; the window and the searches
# on the task runner wait for the interpreter after every database answer, and at 5 ms a
# keystroke's few answers cost it tens of milliseconds.
SWITCH_INTERVAL = 0.001


def freeze_startup_objects() -> None:
    """What start-up built (modules, widgets, mappings) lives until the app quits: move it out
    of the collector's reach, so that a full collection scans only what came later and never
    stalls a search for tens of milliseconds (gc.freeze). Also hands the interpreter between
    threads more often (``SWITCH_INTERVAL``), so a long import never starves a search."""
    import gc

    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL)


def collect_by_thresholds() -> None:
    """One collection of the generation the collector's own thresholds call for, if any."""
    import gc

    (young, middle, old), (t0, t1, t2) = gc.get_count(), gc.get_threshold()[:3]
    if old > t2:
        gc.collect(2)
    elif middle > t1:
        gc.collect(1)
    elif young > t0:
        gc.collect(0)


def collect_garbage_on_gui_thread(app: QApplication) -> None:
    """Python's cyclic garbage collector runs on whichever thread allocates; on a worker thread
    it may destroy a widget left in a reference cycle, and Qt crashes (seen in the tests, with
    a restore on the task runner). Automatic collection is switched off and done here, on the
    GUI thread, every second, by the collector's own generation thresholds."""
    import gc

    from PySide6.QtCore import QTimer

    gc.disable()
    timer = QTimer(app)
    timer.timeout.connect(collect_by_thresholds)
    timer.start(GC_INTERVAL_MS)
    app.aboutToQuit.connect(lambda: gc.collect())


def run(db: str | None = None, demo: bool = False) -> int:
    """Start the desktop app (``python main.py [--db ...] [--demo]``)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(app_icon())
    lang = str(preferences().value("language", i18n.DEFAULT_LANGUAGE))
    apply_language(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE, save=False)
    app.setQuitOnLastWindowClosed(False)  # dialogs come and go between login and main window
    collect_garbage_on_gui_thread(app)
    shell = Shell(quick_location(db, demo), demo)
    shell.start()
    code = app.exec()
    if shell.opener is not None:
        shell.opener.thread.join()
    if shell.tasks is not None:
        shell.tasks.wait()
    return int(code)
