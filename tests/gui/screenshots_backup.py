"""Screenshots of the backup screens, offscreen, for a person to look at.

python -m tests.gui.screenshots_backup [FOLDER] [--lang fi|en]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, timedelta
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

    from tests.conftest import MANAGER_PASSWORD, MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    from PySide6.QtWidgets import QApplication, QMessageBox, QScrollArea, QWidget

    from core import clock
    from core.backup import files as backup_files
    from core.backup.create import backup
    from core.db import open_database
    from core.errors import AuthError
    from core.i18n import t
    from core.security.auth import attempt_login
    from core.settings import get_settings, initialise
    from gui.app import apply_language

    app = QApplication.instance() or QApplication(sys.argv)
    apply_language(args.lang, save=False)
    tmp = Path(tempfile.mkdtemp())
    backup_files.default_data_dir = lambda: tmp / "user-data"  # type: ignore[assignment]

    def shot(widget: QWidget, name: str, size: tuple[int, int] | None = (1280, 800)) -> None:
        if size:
            widget.resize(*size)
        widget.show()
        app.processEvents()
        widget.grab().save(str(out / f"{name}-{args.lang}.png"))
        print(out / f"{name}-{args.lang}.png")

    db = open_database(tmp / "register.sqlite3")
    with db.begin() as s:
        initialise(
            s,
            "Testiasunnot Oy",
            "manager",
            "Maija Manageri",
            MANAGER_PASSWORD,
            date(2024, 1, 2),
            "Toimitusjohtaja",
            business_id="1572860-0",
        )
        get_settings(s).backup_folder = str(tmp / "varmuuskopiot")
    actor = attempt_login(db, "manager", MANAGER_PASSWORD)
    taken = backup(db, actor)

    from gui.backup.progress import ProgressRun
    from gui.backup.startup import Damage, DamagedDatabaseDialog, backup_time
    from gui.context import AppContext
    from gui.main_window import MainWindow
    from gui.tasks import SyncTaskRunner

    with db.begin() as s:
        get_settings(s).last_offdisk_backup_at = clock.now() - timedelta(days=8)
    ctx = AppContext(db, actor, SyncTaskRunner())
    window = MainWindow(ctx, idle_ms=10**9)
    shot(window, "offdisk-reminder")
    bar = window.statusBar()
    print("reminder shown: status bar", bar.height(), "page", window.top.geometry().getRect())
    window.offdisk.later_button.click()
    app.processEvents()
    print("reminder hidden: status bar", bar.height(), "page", window.top.geometry().getRect())
    page = window.page("settings")
    shot(window, "backup-settings")
    group = page.backup_group
    page.findChildren(QScrollArea)[0].ensureWidgetVisible(group)
    shot(window, "backup-settings-group")
    (tmp / "usb").mkdir()
    page.second_backup_folder.setText(str(tmp / "usb"))
    page.save()
    no_box = QMessageBox.exec
    QMessageBox.exec = lambda box: 0  # type: ignore[assignment]
    group.backup_button.click()
    page.findChildren(QScrollArea)[0].ensureWidgetVisible(group)
    shot(window, "backup-settings-both")
    page.second_backup_folder.setText(str(tmp / "media" / "USB"))
    group.backup_button.click()
    page.findChildren(QScrollArea)[0].ensureWidgetVisible(group.status)
    shot(window, "backup-settings-unplugged")
    QMessageBox.exec = no_box  # type: ignore[method-assign]
    group = page.backup_group
    group.status.setText(t("backup.done", path=str(taken)))
    page.findChildren(QScrollArea)[0].ensureWidgetVisible(group)
    shot(window, "backup-settings-done")

    class _Pending:  # a task runner that never finishes: the dialog as it looks mid-way
        def run(self, fn, on_done=None, on_error=None, background=False):
            pass

    run = ProgressRun(
        window,
        _Pending(),
        t("backup.backup_title"),
        t("backup.backing_up"),
        lambda p, a: None,
        print,
        print,
    )
    run.dialog.setWindowTitle(t("backup.backup_title"))
    run.dialog.setLabelText(t("backup.backing_up"))
    run._show(37, 100, "")
    shot(run.dialog, "backup-progress", None)
    run._close()

    QMessageBox.exec = lambda box: shot(box, "backup-confirm", None)  # type: ignore[assignment]
    from gui.backup.group import confirm_replace

    confirm_replace(window, taken)
    damage = Damage(str(tmp / "register.sqlite3"), taken, backup_time(taken))
    dialog = DamagedDatabaseDialog(damage, SyncTaskRunner())
    shot(dialog, "backup-damaged", None)
    dialog.username.setText("manager")
    dialog.show_message(AuthError("auth.invalid").message())
    shot(dialog, "backup-damaged-wrong", None)
    none = DamagedDatabaseDialog(Damage(damage.location, None, None), SyncTaskRunner())
    shot(none, "backup-damaged-none", None)
    window.database_replaced = True  # no automatic backup for a screenshot run
    window._leaving = True
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
