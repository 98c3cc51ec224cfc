"""Backups copied off this disk: what counts, the second folder (a USB stick), the reminder."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from core import clock
from core.backup import offdisk
from core.backup.create import auto_backup_if_due, backup, backup_to_folders, backup_to_second
from core.backup.files import list_backups
from core.backup.offdisk import OFFDISK_REMINDER_DAYS, Reminder, offdisk_reminder
from core.customers.service import create_customer
from core.db import Database
from core.errors import AppError
from core.settings import get_settings
from tests.conftest import cli_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folders(tmp_path: Path, db: Database) -> tuple[Path, Path]:
    if not db.is_sqlite:
        pytest.skip("SQLite backups (PostgreSQL uses pg_dump)")
    main, stick = tmp_path / "varmuuskopiot", tmp_path / "usb"
    stick.mkdir()
    with db.begin() as s:
        get_settings(s).backup_folder = str(main)
    return main, stick


def _set_second(db: Database, folder: Path | str) -> None:
    with db.begin() as s:
        get_settings(s).second_backup_folder = str(folder)


def _last_offdisk(db: Database):
    with db.begin() as s:
        return get_settings(s).last_offdisk_backup_at


def _devices(monkeypatch, other: Path | None) -> None:
    """Every folder on the database's disk (device 1), except ``other`` (device 2)."""

    def device(path: Path) -> int:
        return 2 if other is not None and Path(path) == other else 1

    monkeypatch.setattr(offdisk, "device_of", device)


def _add_customer(db: Database, actor) -> None:
    with db.begin() as s:
        create_customer(s, actor, {"first_name": "Aino", "last_name": "Virtanen"})


def test_a_backup_on_the_database_disk_is_not_off_the_disk(db, manager, folders, monkeypatch):
    _devices(monkeypatch, None)
    backup(db, manager)
    assert _last_offdisk(db) is None


def test_a_backup_to_another_device_is_off_the_disk(db, manager, folders, monkeypatch):
    main, _stick = folders
    main.mkdir()
    _devices(monkeypatch, main)
    backup(db, manager)
    assert _last_offdisk(db) is not None


def test_a_copy_in_the_second_folder_is_off_the_disk(db, manager, folders, monkeypatch):
    main, stick = folders
    _devices(monkeypatch, stick)
    _set_second(db, stick)
    result = backup_to_folders(db, manager)
    assert result.second == stick / result.path.name and result.second_problem == ""
    assert result.second.read_bytes() == result.path.read_bytes()
    assert _last_offdisk(db) is not None


def test_a_second_folder_on_the_same_disk_is_not_off_the_disk(db, manager, folders, monkeypatch):
    """A second folder that is only another folder of the database's disk is lost with it:
    its copy is made, but it does not silence the reminder."""
    main, stick = folders
    _devices(monkeypatch, None)
    _set_second(db, stick)
    result = backup_to_folders(db, manager)
    assert result.second == stick / result.path.name
    assert _last_offdisk(db) is None


def test_a_missing_second_folder_keeps_the_backup_and_names_the_folder(
    db, manager, folders, monkeypatch
):
    main, stick = folders
    _devices(monkeypatch, None)
    unplugged = stick.parent / "media" / "USB"
    _set_second(db, unplugged)
    result = backup_to_folders(db, manager)
    assert result.path.is_file() and list_backups(main) == [result.path]
    assert result.second is None
    assert str(unplugged) in result.second_problem and "USB" in result.second_problem
    assert not unplugged.exists()  # never created on the local disk
    assert _last_offdisk(db) is None
    with pytest.raises(AppError) as info:
        backup_to_second(db, manager)
    assert info.value.code == "backup.second_missing"


def test_the_newest_ten_are_kept_in_each_folder(db, manager, folders, monkeypatch):
    main, stick = folders
    _set_second(db, stick)
    for _ in range(12):
        clock.shift(86401)
        assert auto_backup_if_due(db, manager) is not None
    for folder in (main, stick):
        autos = [p for p in list_backups(folder) if p.name.endswith("-auto.arbak")]
        assert len(autos) == 10
    assert [p.name for p in list_backups(main)] == [p.name for p in list_backups(stick)]


def test_reminder_from_the_seventh_day_after_the_last_copy_off_the_disk(
    db, manager, folders, monkeypatch
):
    _main, stick = folders
    _devices(monkeypatch, stick)
    _add_customer(db, manager)
    _set_second(db, stick)
    backup_to_folders(db, manager)
    with db.begin() as s:
        assert offdisk_reminder(s, clock.now()) is None
    clock.shift(6 * 86400)
    with db.begin() as s:
        assert offdisk_reminder(s, clock.now()) is None
    clock.shift(86400)
    with db.begin() as s:
        assert offdisk_reminder(s, clock.now()) == Reminder(OFFDISK_REMINDER_DAYS)
    clock.shift(86400)
    with db.begin() as s:
        assert offdisk_reminder(s, clock.now()) == Reminder(8)
    backup_to_second(db, manager)
    with db.begin() as s:
        assert offdisk_reminder(s, clock.now()) is None


def test_a_new_register_without_customers_needs_no_reminder(db, manager, folders):
    with db.begin() as s:
        assert offdisk_reminder(s, clock.now() + timedelta(days=30)) is None
    _add_customer(db, manager)
    with db.begin() as s:
        assert offdisk_reminder(s, clock.now()) == Reminder(None)


def test_cli_backup_without_dest_writes_both_folders_and_a_missing_stick_is_one_line(
    tmp_path,
) -> None:
    env = cli_env(tmp_path / "home")
    db_path = tmp_path / "r.sqlite3"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--db", str(db_path), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )

    assert run("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    stick = tmp_path / "usb"
    stick.mkdir()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "UPDATE settings SET backup_folder = ?, second_backup_folder = ?",
        (str(tmp_path / "kopiot"), str(stick)),
    )
    conn.commit()
    conn.close()
    made = run("backup", "--user", "anna")
    assert made.returncode == 0, made.stderr
    assert len(list(stick.glob("r-*.arbak"))) == 1
    assert len(list((tmp_path / "kopiot").glob("r-*.arbak"))) == 1
    assert str(stick) in made.stdout
    stick.rename(tmp_path / "usb-out")
    again = run("backup", "--user", "anna")
    assert again.returncode == 1
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and str(stick) in lines[0] and "USB-muisti" in lines[0]
    assert len(list((tmp_path / "kopiot").glob("r-*.arbak"))) == 2
