"""Backups in the desktop app: back up now, restore, the automatic backup on exit, and a
damaged database at start-up."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from core import clock
from core.backup import create as backup_create
from core.backup import files as backup_files
from core.backup.create import backup
from core.backup.files import BackupAborted, list_backups
from core.customers.service import create_customer
from core.customers.wipe import wipe_customer
from core.models import Customer, ErasureRecord
from core.security import audit
from core.settings import data_key, get_settings
from gui.backup.progress import ProgressRun
from gui.backup.startup import DamagedDatabaseDialog, check_database
from gui.main_window import MainWindow
from gui.settings.view import SettingsPage
from tests.conftest import MANAGER_PASSWORD, alter_backup


@pytest.fixture(autouse=True)
def _no_blocking_boxes(message_boxes):
    return message_boxes


@pytest.fixture
def folder(tmp_path: Path, db, monkeypatch) -> Path:
    if not db.is_sqlite:
        pytest.skip("SQLite backups (PostgreSQL uses pg_dump)")
    monkeypatch.setattr(backup_files, "default_data_dir", lambda: tmp_path / "nowhere")
    target = tmp_path / "varmuuskopiot"
    with db.begin() as s:
        get_settings(s).backup_folder = str(target)
    return target


def _add(db, actor, first: str) -> int:
    with db.begin() as s:
        return create_customer(s, actor, {"first_name": first, "last_name": "Virtanen"}).id


def _names(db) -> set[str]:
    with db.begin() as s:
        return set(s.execute(select(Customer.first_name)).scalars())


def _watch_progress(monkeypatch, cancel: bool = False) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    original = ProgressRun._show

    def show(self, done, total, message):
        original(self, done, total, message)
        seen.append((self.dialog.value(), self.dialog.maximum()))
        if cancel:
            self.dialog.findChild(QPushButton).click()  # Cancel while the bar moves

    monkeypatch.setattr(ProgressRun, "_show", show)
    return seen


def test_backup_now_writes_a_checked_file_and_shows_progress(
    qtbot, gui_ctx_manager, folder, monkeypatch, _no_blocking_boxes
):
    monkeypatch.setattr(backup_files, "PAGES_PER_STEP", 4)
    seen = _watch_progress(monkeypatch)
    page = SettingsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    assert page.backup_group.last_label.text() != ""
    page.backup_group.backup_button.click()
    files = list_backups(folder)
    assert len(files) == 1
    assert str(files[0]) in page.backup_group.status.text()
    assert any(str(files[0]) in text for text in _no_blocking_boxes)
    assert len(seen) > 1 and seen[-1][0] == seen[-1][1]  # the bar moved and reached its end
    assert page.backup_group.last_label.text() != page.backup_group.__class__.__name__
    with gui_ctx_manager.session() as s:
        assert get_settings(s).last_backup_at is not None


def test_cancelled_backup_leaves_no_file(qtbot, gui_ctx_manager, folder, monkeypatch):
    monkeypatch.setattr(backup_files, "PAGES_PER_STEP", 1)
    _watch_progress(monkeypatch, cancel=True)
    page = SettingsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    page.backup_group.backup_button.click()
    assert list_backups(folder) == []
    assert not folder.exists() or not any(folder.iterdir())
    assert page.backup_group.backup_button.isEnabled()
    assert page.backup_group.status.text() == BackupAborted().message()


def test_restore_brings_back_the_backup_and_an_erased_customer_stays_gone(
    qtbot, gui_ctx_manager, folder, monkeypatch
):
    ctx = gui_ctx_manager
    db, manager = ctx.db, ctx.actor
    gone = _add(db, manager, "Aino")
    _add(db, manager, "Bertta")
    taken = backup(db, manager)
    _add(db, manager, "Cecilia")  # after the backup: the restore loses it
    with db.begin() as s:  # Aino erased after the backup
        wipe_customer(s, gone, "delete")
        s.add(
            ErasureRecord(
                customer_id=gone, action="erased", performed_by="manager", performed_at=clock.now()
            )
        )
    window = MainWindow(ctx, idle_ms=3_600_000)
    qtbot.addWidget(window)
    page = window.page("settings")
    asked: list[Path] = []
    page.backup_group.choose_backup_file = lambda: str(taken)
    page.backup_group.confirm_restore = lambda path: asked.append(path) or True
    with qtbot.waitSignal(window.logout_requested, timeout=5000):
        page.backup_group.restore_button.click()
    assert asked == [taken]
    assert _names(db) == {"Bertta"}
    assert window.database_replaced


def test_restore_not_confirmed_replaces_nothing(qtbot, gui_ctx_manager, folder):
    ctx = gui_ctx_manager
    _add(ctx.db, ctx.actor, "Aino")
    taken = backup(ctx.db, ctx.actor)
    _add(ctx.db, ctx.actor, "Bertta")
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.backup_group.choose_backup_file = lambda: str(taken)
    page.backup_group.confirm_restore = lambda path: False
    page.backup_group.restore_button.click()
    assert _names(ctx.db) == {"Aino", "Bertta"}


def test_restore_on_a_new_desk_asks_for_the_recovery_key(
    qtbot, gui_ctx_manager, folder, memory_keyring
):
    from core.settings import clear_key_cache, recovery_key_text

    ctx = gui_ctx_manager
    from tests.conftest import valid_hetu

    with ctx.session() as s:
        create_customer(
            s,
            ctx.actor,
            {"first_name": "Aino", "last_name": "Virtanen", "hetu": valid_hetu(5, 6, 1990, 111)},
        )
        key = recovery_key_text(s, ctx.actor)
    taken = backup(ctx.db, ctx.actor)
    _add(ctx.db, ctx.actor, "Bertta")
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    memory_keyring.store.clear()
    clear_key_cache()
    reasons: list[str] = []
    page.backup_group.choose_backup_file = lambda: str(taken)
    page.backup_group.confirm_restore = lambda path: True
    page.backup_group.ask_recovery_key = lambda reason: reasons.append(reason) or key
    page.backup_group.restore_button.click()
    assert len(reasons) == 1
    assert _names(ctx.db) == {"Aino"}


def test_restore_of_a_backup_with_a_broken_audit_log_asks_first(qtbot, gui_ctx_manager, folder):

    ctx = gui_ctx_manager
    _add(ctx.db, ctx.actor, "Aino")
    taken = backup(ctx.db, ctx.actor)
    with ctx.db.begin() as s:
        key = data_key(s)
    alter_backup(taken, key, "UPDATE audit_entries SET username = 'mallory' WHERE id = 2")
    _add(ctx.db, ctx.actor, "Bertta")
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    asked: list[str] = []
    answers = [False, True]
    group = page.backup_group
    group.choose_backup_file = lambda: str(taken)
    group.confirm_restore = lambda path: True
    group.accept_broken_audit = lambda problem: asked.append(problem) or answers.pop(0)
    group.restore_button.click()  # declined: nothing replaced
    assert len(asked) == 1 and "2" in asked[0]
    assert _names(ctx.db) == {"Aino", "Bertta"}
    group.restore_button.click()  # accepted: restored, and the acceptance is in the log
    assert len(asked) == 2
    assert _names(ctx.db) == {"Aino"}
    with ctx.session() as s:
        assert audit.list_entries(s, ctx.actor, action="backup.restore_broken_audit")


def test_receptionist_does_not_back_up_on_exit(qtbot, gui_ctx_receptionist, folder):
    window = MainWindow(gui_ctx_receptionist, idle_ms=3_600_000)
    qtbot.addWidget(window)
    window.close()
    assert list_backups(folder) == []


def test_closing_takes_the_automatic_backup_when_the_last_is_a_day_old(
    qtbot, gui_ctx_manager, folder
):
    ctx = gui_ctx_manager
    with ctx.session() as s:
        get_settings(s).last_backup_at = clock.now() - timedelta(days=1, minutes=1)
    window = MainWindow(ctx, idle_ms=3_600_000)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
    files = list_backups(folder)
    assert len(files) == 1 and files[0].name.endswith("-auto.arbak")


def test_closing_takes_no_backup_when_the_last_is_recent(qtbot, gui_ctx_manager, folder):
    ctx = gui_ctx_manager
    with ctx.session() as s:
        get_settings(s).last_backup_at = clock.now() - timedelta(hours=20)
    window = MainWindow(ctx, idle_ms=3_600_000)
    qtbot.addWidget(window)
    window.close()
    assert list_backups(folder) == []


def test_a_failing_automatic_backup_is_shown_and_closing_goes_on(
    qtbot, gui_ctx_manager, folder, monkeypatch, _no_blocking_boxes
):
    def broken(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(backup_create, "backup", broken)
    window = MainWindow(gui_ctx_manager, idle_ms=3_600_000)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
    assert _no_blocking_boxes  # the error was shown


def _damage(db) -> Path:
    path = db.path
    db.dispose()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 6] = os.urandom(4096 * 4)
    path.write_bytes(bytes(data))
    return path


def test_healthy_database_opens_without_a_question(db, folder):
    assert check_database(str(db.path)) is None


def test_damaged_database_at_start_offers_the_latest_good_backup_and_restores_it(
    qtbot, db, manager, folder
):
    from gui.tasks import SyncTaskRunner

    _add(db, manager, "Aino")
    first = backup(db, manager)
    clock.shift(2)
    second = backup(db, manager)
    second.write_bytes(b"broken" * 1000)  # the newest backup is no good
    path = _damage(db)
    damage = check_database(str(path))
    assert damage is not None and damage.latest == first
    dialog = DamagedDatabaseDialog(damage, SyncTaskRunner())
    qtbot.addWidget(dialog)
    assert str(first) in dialog.offer.text()
    dialog.username.setText("manager")
    dialog.password.setText("wrong password")
    dialog.restore_button.click()
    assert dialog.message.isVisibleTo(dialog) and dialog.message.text()  # refused: ask again
    assert dialog.result() == 0 and dialog.restore_button.isEnabled()
    dialog.password.setText(MANAGER_PASSWORD)
    dialog.restore_button.click()
    assert dialog.result() == DamagedDatabaseDialog.DialogCode.Accepted
    assert "damaged" in dialog.report.kept.name
    assert check_database(str(path)) is None
    from core.db import open_database

    fresh = open_database(path)
    try:
        assert _names(fresh) == {"Aino"}
    finally:
        fresh.dispose()


def test_damaged_database_without_backups_lets_the_user_choose_a_file(
    qtbot, db, manager, folder, tmp_path
):
    from gui.tasks import SyncTaskRunner

    elsewhere = backup(db, manager, tmp_path / "usb" / "kopio.sqlite3")
    path = _damage(db)
    damage = check_database(str(path))
    assert damage is not None and damage.latest is None
    dialog = DamagedDatabaseDialog(damage, SyncTaskRunner())
    qtbot.addWidget(dialog)
    assert not dialog.restore_button.isEnabled()
    dialog.choose_file = lambda: str(elsewhere)
    dialog.other_button.click()
    assert dialog.restore_button.isEnabled() and str(elsewhere) in dialog.offer.text()
    dialog.quit_button.click()
    assert dialog.result() == DamagedDatabaseDialog.DialogCode.Rejected


def test_app_start_on_a_damaged_file_shows_the_backup_offer_instead_of_the_login(
    qtbot, db, manager, folder
):
    from gui.app import Shell
    from gui.login import LoginDialog

    _add(db, manager, "Aino")
    first = backup(db, manager)
    path = _damage(db)
    shell = Shell(str(path))
    shell.start()
    qtbot.addWidget(shell.dialog)  # the login shows at once; the check runs meanwhile
    qtbot.waitUntil(lambda: isinstance(shell.dialog, DamagedDatabaseDialog), timeout=10000)
    offer = shell.dialog
    qtbot.addWidget(offer)
    assert offer.damage.latest == first
    offer.username.setText("manager")
    offer.password.setText(MANAGER_PASSWORD)
    offer.restore_button.click()
    qtbot.waitUntil(lambda: isinstance(shell.dialog, LoginDialog), timeout=10000)
    qtbot.addWidget(shell.dialog)
    assert shell.dialog.username.text() == "manager"  # the login again, on the restored file
    qtbot.waitUntil(
        lambda: shell.opener is not None and not shell.opener.thread.is_alive(), timeout=10000
    )
    assert shell.authenticate("manager", MANAGER_PASSWORD).username == "manager"
    shell.tasks.wait()
    shell.db.dispose()


def test_a_slow_automatic_backup_gives_up_at_the_time_limit_and_leaves_no_file(
    qtbot, gui_ctx_manager, folder, monkeypatch
):
    import time

    from gui.backup.exit import backup_on_exit
    from gui.context import AppContext
    from gui.tasks import TaskRunner

    original = backup_files.copy_sqlite

    def slow(src, dst, progress=None, should_abort=None, message=""):
        def step(done, total, text):
            time.sleep(0.05)
            progress(done, total, text)

        return original(src, dst, step, should_abort, message)

    monkeypatch.setattr(backup_files, "PAGES_PER_STEP", 1)
    monkeypatch.setattr(backup_create, "copy_sqlite", slow)
    runner = TaskRunner()
    ctx = AppContext(gui_ctx_manager.db, gui_ctx_manager.actor, runner)
    started = time.monotonic()
    assert backup_on_exit(None, ctx, limit_ms=300, delay_ms=0) is None
    assert time.monotonic() - started < 5
    runner.wait()
    assert list_backups(folder) == []
    assert not folder.exists() or not any(folder.iterdir())


def test_automatic_backup_on_the_worker_thread_writes_the_file(qtbot, gui_ctx_manager, folder):
    from gui.backup.exit import backup_on_exit
    from gui.context import AppContext
    from gui.tasks import TaskRunner

    runner = TaskRunner()
    ctx = AppContext(gui_ctx_manager.db, gui_ctx_manager.actor, runner)
    path = backup_on_exit(None, ctx)
    runner.wait()
    assert path is not None and path.is_file() and path.name.endswith("-auto.arbak")


def test_on_postgresql_both_buttons_say_to_use_pg_dump_and_pg_restore(
    qtbot, gui_ctx_manager, _no_blocking_boxes
):
    from types import SimpleNamespace

    from sqlalchemy.engine import make_url

    from gui.context import AppContext

    page = SettingsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    server = SimpleNamespace(
        is_sqlite=False,
        path=None,
        url=make_url("postgresql+psycopg://toimisto:salasana@palvelin/rek"),
    )
    page.backup_group.ctx = AppContext(server, gui_ctx_manager.actor, gui_ctx_manager.tasks)
    page.backup_group.choose_backup_file = lambda: pytest.fail("no file is asked")
    page.backup_group.backup_button.click()
    page.backup_group.restore_button.click()
    assert len(_no_blocking_boxes) == 2
    assert "pg_dump" in _no_blocking_boxes[0] and "pg_restore" in _no_blocking_boxes[1]
    assert "salasana" not in "".join(_no_blocking_boxes)


def test_restore_summary_names_the_prohibitions_set_again(tmp_path) -> None:
    from core.backup.restore import RestoreReport
    from gui.backup.group import restore_summary

    report = RestoreReport(tmp_path, tmp_path, None, None, 0, False, objections_reapplied=2)
    assert (
        restore_summary(report) == "Varmuuskopion jälkeen asetetut kiellot asetettiin uudelleen: 2"
    )
