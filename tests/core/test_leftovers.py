"""Killed processes leave no copies and no processes behind (issue 14 point 9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.backup import files as backup_files
from core.backup.create import backup
from core.backup.files import clean_leftovers, list_backups
from core.backup.restore import restore
from core.customers.service import create_customer
from core.errors import AppError
from core.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]

_HELPER = """
import sys, time
sys.path.insert(0, {root!r})
from core.transfer.importing import _helper_pool
pool = _helper_pool()
pool.submit(time.sleep, 300)  # the helper busy with a chunk
while not pool._processes:
    time.sleep(0.05)
print(next(iter(pool._processes)), flush=True)
time.sleep(300)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_import_helper_process_dies_with_its_parent() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _HELPER.format(root=str(ROOT))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        helper = int(parent.stdout.readline())
        time.sleep(1.0)  # the helper is running its task
        assert _alive(helper)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(helper) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(helper)
    finally:
        parent.kill()
        try:
            os.kill(helper, signal.SIGKILL)
        except (OSError, UnboundLocalError):
            pass


@pytest.fixture
def folder(db, manager, tmp_path: Path) -> Path:
    if not db.is_sqlite:
        pytest.skip("SQLite backup API")
    target = tmp_path / "kopiot"
    with db.begin() as s:
        get_settings(s).backup_folder = str(target)
        create_customer(s, manager, {"first_name": "Aino", "last_name": "Virtanen"})
    return target


def _hidden(db) -> list[str]:
    return sorted(p.name for p in db.path.parent.iterdir() if p.name.startswith("."))


def test_the_next_start_removes_what_a_killed_backup_or_restore_left(db, folder) -> None:
    from argparse import Namespace

    from core.cli.common import open_db

    folder.mkdir()
    old = time.time() - 3600
    left = [
        db.path.parent / ".register-restore-20260101-120000-4242.sqlite3",
        db.path.parent / ".register-restore-20260101-120000-4242.sqlite3-journal",
        db.path.parent / ".register-backup-20260101-120000-4243.sqlite3",
        db.path.parent / ".register-replaced-20260101-120000-4244.sqlite3",
        folder / "register-20260101-120000.arbak.partial",
    ]
    for path in left:
        path.write_bytes(b"Aino Virtanen")
        os.utime(path, (old, old))
    fresh = folder / "register-20260101-130000.arbak.partial"  # another desk is writing it
    fresh.write_bytes(b"...")
    mine = folder / "register-20260101-110000.arbak"
    mine.write_bytes(b"a backup")
    os.utime(mine, (old, old))
    assert sorted(clean_leftovers(db)) == sorted(left)
    assert not any(p.exists() for p in left)
    assert fresh.exists() and mine.exists()
    # The command line cleans at start too.
    left[0].write_bytes(b"x")
    os.utime(left[0], (old, old))
    open_db(Namespace(db=str(db.path))).dispose()
    assert not left[0].exists()


def test_a_failed_backup_leaves_no_plain_copy_and_no_partial(db, manager, folder, monkeypatch):
    import core.backup.create as create

    def broken(*args, **kwargs):
        Path(args[1]).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(create, "encrypt_file", broken)
    with pytest.raises(OSError):
        backup(db, manager)
    assert _hidden(db) == []
    assert list(folder.iterdir()) == []


def test_a_refused_restore_leaves_no_staged_copy(db, manager, receptionist, folder) -> None:
    taken = backup(db, manager)
    with pytest.raises(AppError):
        restore(db.url, taken, actor=receptionist)
    assert _hidden(db) == []


def test_the_replaced_database_is_kept_encrypted_and_only_the_newest_three(
    db, manager, folder
) -> None:
    from core import clock
    from core.backup.crypt import is_encrypted

    taken = backup(db, manager)
    kept = []
    for _ in range(5):
        clock.shift(2)
        report = restore(db.url, taken, actor=manager)
        assert report.kept is not None and is_encrypted(report.kept)
        assert b"Virtanen" not in report.kept.read_bytes()
        kept.append(report.kept)
    replaced = [p for p in list_backups(folder) if backup_files.backup_kind(p) == "replaced"]
    assert replaced == kept[-3:]
    assert taken.exists()
    assert _hidden(db) == []
    clock.shift(2)
    restore(db.url, kept[-1], actor=manager)  # a kept copy restores like any backup
    from core.verify import verify_database

    assert verify_database(db).ok


def test_an_erasure_removes_the_kept_replaced_databases(db, manager, folder) -> None:
    from sqlalchemy import select

    from core.customers.wipe import wipe_customer
    from core.models import Customer

    taken = backup(db, manager)
    report = restore(db.url, taken, actor=manager)
    assert report.kept is not None and report.kept.exists()
    damaged = folder / "register-20260101-120000-damaged.sqlite3"
    damaged.write_bytes(b"Aino Virtanen")
    other = folder / "toinen-20260101-120000-replaced.arbak"  # another database's
    other.write_bytes(b"x")
    with db.begin() as s:
        cid = s.execute(select(Customer.id)).scalar_one()
        wipe_customer(s, cid, "delete")
    assert not report.kept.exists() and not damaged.exists()
    assert other.exists() and taken.exists()  # a backup re-applies the erasure when restored
