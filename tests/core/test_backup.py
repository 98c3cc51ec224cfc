"""Backups and verified restores: nothing lost, nobody erased comes back."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core import clock
from core.backup import files as backup_files
from core.backup.create import auto_backup_if_due, backup
from core.backup.crypt import decrypt_file, encrypt_file
from core.backup.files import latest_good_backup, list_backups
from core.backup.restore import restore
from core.customers.search import matching_ids, prepare_search
from core.customers.service import create_customer, find_by_hetu, update_customer
from core.customers.wipe import MODE_FOR_ACTION, wipe_customer
from core.db import Database, open_database, quick_check
from core.errors import AppError, KeyUnavailable, PermissionDenied
from core.models import Customer, ErasureRecord, Settings
from core.settings import clear_key_cache, data_key, get_settings
from core.verify import verify_database
from tests.conftest import MANAGER_PASSWORD, valid_hetu


def _sqlite_only(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite backup API")


def _add(db: Database, actor, first: str, hetu: str = "") -> int:
    with db.begin() as s:
        data = {"first_name": first, "last_name": "Virtanen", "email": f"{first.lower()}@ex.fi"}
        if hetu:
            data["hetu"] = hetu
        return create_customer(s, actor, data).id


def _erase(db: Database, actor, customer_id: int, action: str = "erased") -> None:
    """What an erasure leaves: the wiped data and its record (what a restore replays)."""
    with db.begin() as s:
        wipe_customer(s, customer_id, MODE_FOR_ACTION[action])
        s.add(
            ErasureRecord(
                customer_id=customer_id,
                action=action,
                performed_by=actor.username,
                performed_at=clock.now(),
            )
        )


def _plain(db: Database, backup_file: Path) -> Path:
    """The backup decrypted beside it (what a test inspects or alters)."""
    with db.begin() as s:
        key = data_key(s)
    plain = backup_file.with_name(backup_file.name + ".plain.sqlite3")
    decrypt_file(backup_file, plain, key)
    return plain


def _seal(db: Database, plain: Path, backup_file: Path, revision: str) -> None:
    """An altered plain copy encrypted again as the backup (a valid file with that content)."""
    with db.begin() as s:
        settings = get_settings(s)
        install_id = settings.install_id
        key = data_key(s)
    encrypt_file(plain, backup_file, key, install_id, revision)
    plain.unlink()


def _names(db: Database) -> set[str]:
    with db.begin() as s:
        return set(s.execute(select(Customer.first_name)).scalars())


@pytest.fixture
def folder(tmp_path: Path, db: Database, manager) -> Path:
    target = tmp_path / "varmuuskopiot"
    with db.begin() as s:
        get_settings(s).backup_folder = str(target)
    return target


def test_backup_is_a_checked_private_copy_in_the_backup_folder(db, manager, folder) -> None:
    _sqlite_only(db)
    _add(db, manager, "Aino")
    seen = []
    path = backup(db, manager, progress=lambda d, t, m: seen.append((d, t)))
    assert path.parent == folder and path.suffix == ".arbak"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert seen and seen[-1][0] == seen[-1][1]
    # Nothing but the database itself is left beside it, and only the backup in the folder.
    assert sorted(p.name for p in db.path.parent.iterdir() if p.name.startswith(".")) == []
    assert list(folder.iterdir()) == [path]
    conn = sqlite3.connect(_plain(db, path))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT first_name FROM customers").fetchall() == [("Aino",)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    with db.begin() as s:
        assert get_settings(s).last_backup_at is not None


def test_backup_to_a_named_file(db, manager, tmp_path) -> None:
    _sqlite_only(db)
    target = tmp_path / "usb" / "kopio.sqlite3"
    assert backup(db, manager, target) == target
    assert target.exists()


def test_receptionist_may_not_take_a_backup(db, receptionist, folder) -> None:
    _sqlite_only(db)
    with pytest.raises(PermissionDenied):
        backup(db, receptionist)


def test_cancelled_backup_leaves_no_file(db, manager, folder) -> None:
    _sqlite_only(db)
    with pytest.raises(AppError) as info:
        backup(db, manager, should_abort=lambda: True)
    assert info.value.code == "backup.aborted"
    assert list(folder.iterdir()) == []
    assert [p for p in db.path.parent.iterdir() if p.name.startswith(".")] == []


def test_automatic_backup_only_when_a_day_old_and_keeps_ten(db, manager, folder) -> None:
    _sqlite_only(db)
    assert auto_backup_if_due(db, manager) is not None
    assert auto_backup_if_due(db, manager) is None  # taken a moment ago
    for _ in range(12):
        clock.shift(86401)
        assert auto_backup_if_due(db, manager) is not None
    manual = backup(db, manager)
    autos = [p for p in list_backups(folder) if p.name.endswith("-auto.arbak")]
    assert len(autos) == 10
    assert manual.exists()  # rotation never touches backups taken by hand


def test_postgres_backup_points_to_pg_dump(db, manager) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    with pytest.raises(AppError) as info:
        backup(db, manager)
    assert "pg_dump" in info.value.message()
    with pytest.raises(AppError) as info:
        restore(db.url, Path("x.dump"), actor=manager)
    assert "pg_restore" in info.value.message("en")


def test_restore_brings_back_data_and_keeps_the_replaced_database(db, manager, folder) -> None:
    _sqlite_only(db)
    _add(db, manager, "Aino")
    taken = backup(db, manager)
    _add(db, manager, "Bertta")
    report = restore(db.url, taken, actor=manager)
    assert _names(db) == {"Aino"}
    assert report.kept is not None and report.kept.exists()
    assert report.kept.suffix == ".arbak"
    kept = sqlite3.connect(_plain(db, report.kept))
    assert {r[0] for r in kept.execute("SELECT first_name FROM customers")} == {"Aino", "Bertta"}
    kept.close()
    assert verify_database(db).ok


def test_restore_never_brings_an_erased_customer_back(db, manager, folder) -> None:
    _sqlite_only(db)
    hetu = valid_hetu(1, 2, 1980, 123)
    gone = _add(db, manager, "Poistettava", hetu)
    _add(db, manager, "Pysyvä")
    taken = backup(db, manager)
    _erase(db, manager, gone)
    assert _names(db) == {"Pysyvä"}
    report = restore(db.url, taken, actor=manager)
    assert report.erasures_reapplied == 1
    assert _names(db) == {"Pysyvä"}
    with db.begin() as s:
        assert find_by_hetu(s, hetu) is None
        assert s.execute(select(func.count(ErasureRecord.id))).scalar_one() == 1
    # A second restore of the same old backup still knows about the erasure.
    restore(db.url, taken, actor=manager)
    assert _names(db) == {"Pysyvä"}
    assert verify_database(db).ok


def test_restore_applies_an_anonymisation_again(db, manager, folder) -> None:
    _sqlite_only(db)
    cid = _add(db, manager, "Anonyymi", valid_hetu(3, 4, 1975, 222))
    taken = backup(db, manager)
    _erase(db, manager, cid, "anonymised")
    restore(db.url, taken, actor=manager)
    with db.begin() as s:
        c = s.get(Customer, cid)
        assert c.state == "anonymised" and c.email == "" and c.hetu_encrypted is None


def test_restore_refuses_a_damaged_file_and_replaces_nothing(db, manager, folder) -> None:
    _sqlite_only(db)
    _add(db, manager, "Aino")
    taken = backup(db, manager)
    data = bytearray(taken.read_bytes())
    for offset in range(4096, len(data), 4096 * 2):  # scribble over every other page
        data[offset : offset + 4096] = os.urandom(4096)
    taken.write_bytes(bytes(data))
    with pytest.raises(AppError) as info:
        restore(db.url, taken, actor=manager)
    assert info.value.code == "backup.altered"
    assert _names(db) == {"Aino"}


def test_restore_refuses_a_file_that_is_not_a_backup(db, manager, tmp_path) -> None:
    _sqlite_only(db)
    other = tmp_path / "muistio.sqlite3"
    other.write_text("ei tietokanta")
    with pytest.raises(AppError) as info:
        restore(db.url, other, actor=manager)
    assert info.value.code == "backup.not_a_backup"


def test_restore_without_the_key_asks_for_the_recovery_key(
    db, manager, folder, memory_keyring
) -> None:
    _sqlite_only(db)
    _add(db, manager, "Aino", valid_hetu(5, 6, 1990, 111))
    taken = backup(db, manager)
    with db.begin() as s:
        from core.settings import recovery_key_text

        recovery = recovery_key_text(s, manager)
    _add(db, manager, "Bertta")
    memory_keyring.store.clear()  # a new desk: the keyring does not know this database
    clear_key_cache()
    with pytest.raises(KeyUnavailable) as info:
        restore(db.url, taken, actor=manager)
    assert "palautusavain" in info.value.message().lower()
    assert _names(db) == {"Aino", "Bertta"}  # nothing replaced
    restore(db.url, taken, actor=manager, recovery_key=recovery)
    assert _names(db) == {"Aino"}
    assert verify_database(db).ok


def test_restore_logs_in_with_username_and_password(db, manager, folder) -> None:
    _sqlite_only(db)
    taken = backup(db, manager)
    restore(db.url, taken, username="manager", password=MANAGER_PASSWORD)
    with pytest.raises(PermissionDenied):
        restore(db.url, taken, username="reception", password="Vastaanotto-Kuusi-42")


def test_restore_refuses_a_backup_from_a_newer_version(db, manager, folder) -> None:
    _sqlite_only(db)
    taken = backup(db, manager)
    plain = _plain(db, taken)
    conn = sqlite3.connect(plain)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    _seal(db, plain, taken, "9999_future")
    with pytest.raises(AppError) as info:
        restore(db.url, taken, actor=manager)
    assert info.value.code == "backup.newer_schema"


def test_damaged_database_fails_quick_check_and_the_latest_good_backup_is_offered(
    db, manager, folder, monkeypatch
) -> None:
    _sqlite_only(db)
    monkeypatch.setattr(backup_files, "default_data_dir", lambda: folder.parent / "nowhere")
    _add(db, manager, "Aino")
    first = backup(db, manager)
    clock.shift(2)
    second = backup(db, manager)
    second.write_bytes(b"broken" * 1000)  # the newest backup is no good
    assert quick_check(db)
    path = db.path
    db.dispose()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 6] = os.urandom(4096 * 4)
    path.write_bytes(bytes(data))
    assert not quick_check(path)
    assert latest_good_backup(str(path)) == first
    # Restoring onto the damaged file: it is moved aside, the backup's manager logs in.
    report = restore(str(path), first, username="manager", password=MANAGER_PASSWORD)
    assert report.kept is not None and "damaged" in report.kept.name
    fresh = open_database(path)
    try:
        assert _names(fresh) == {"Aino"}
        assert verify_database(fresh).ok
    finally:
        fresh.dispose()


def test_two_connections_editing_one_customer_second_save_conflicts(db, manager) -> None:
    cid = _add(db, manager, "Aino")
    other = open_database(db.url)
    try:
        with db.read() as a, other.read() as b:  # both desks show the customer
            seen_a = a.get(Customer, cid).version
            seen_b = b.get(Customer, cid).version
        with db.begin() as a:
            update_customer(a, manager, cid, {"city": "Espoo"}, expected_version=seen_a)
        from core.errors import Conflict

        with pytest.raises(Conflict) as info, other.begin() as b:
            update_customer(b, manager, cid, {"city": "Vantaa"}, expected_version=seen_b)
        assert "manager" in info.value.message()
        with other.begin() as b:
            assert b.get(Customer, cid).city == "Espoo"
    finally:
        other.dispose()


def test_sqlite_database_on_a_network_drive_is_refused(tmp_path, monkeypatch) -> None:
    import core.db as dbmod

    monkeypatch.setattr(dbmod, "_is_network_path", lambda path: True)
    with pytest.raises(AppError) as info:
        open_database(tmp_path / "jaettu.sqlite3")
    assert info.value.code == "db.network_path"
    assert "PostgreSQL" in info.value.message()
    assert not (tmp_path / "jaettu.sqlite3").exists()


def test_unc_and_nfs_paths_count_as_network(tmp_path, monkeypatch) -> None:
    from core.db import _is_network_path

    assert _is_network_path(Path("//palvelin/jako/rekisteri.sqlite3"))
    monkeypatch.setattr(
        Path,
        "read_text",
        lambda self, *a, **k: "/dev/sda1 / ext4 rw 0 0\nserver:/export /mnt/office nfs4 rw 0 0\n",
    )
    if os.sys.platform.startswith("linux"):
        assert _is_network_path(Path("/mnt/office/rekisteri.sqlite3"))
        assert not _is_network_path(Path("/home/user/rekisteri.sqlite3"))


def test_settings_row_untouched_by_backup_except_timestamp(db, manager, folder) -> None:
    _sqlite_only(db)
    with db.begin() as s:
        before = s.get(Settings, 1).version
    backup(db, manager)
    with db.begin() as s:
        assert s.get(Settings, 1).version == before


def test_restore_migrates_a_backup_from_an_older_version(db, manager, folder) -> None:
    _sqlite_only(db)
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from core.customers.search import search_customers
    from core.db import MIGRATIONS

    _add(db, manager, "Aino")
    taken = backup(db, manager)
    plain = _plain(db, taken)
    engine = create_engine(f"sqlite:///{plain}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    engine.dispose()
    _seal(db, plain, taken, "0001")
    report = restore(db.url, taken, actor=manager)
    assert report.migrated_from == "0001"
    with db.begin() as s:
        assert [r.first_name for r in search_customers(s, manager, "ain")] == ["Aino"]


def test_a_restore_makes_every_desk_read_the_list_order_again(db, manager, folder) -> None:
    """The restored file's list version could equal one a running app read from the data it
    replaces; the restore gives it a new one."""
    _sqlite_only(db)
    _add(db, manager, "Ennen")
    taken = backup(db, manager)
    _add(db, manager, "Jälkeen")
    with db.read() as s:
        version = s.execute(text("SELECT version FROM customer_list_version")).scalar_one()
        prepare_search(s, manager)  # this desk keeps the list with Jälkeen in it
        assert matching_ids(s, manager, "jälkeen").ids
    restore(db.url, taken, actor=manager)
    with db.read() as s:
        assert s.execute(text("SELECT version FROM customer_list_version")).scalar_one() != version
        found = matching_ids(s, manager, "jälkeen")
        assert found.ids == [] and found.unprepared  # the list is read anew
        prepare_search(s, manager)
        assert len(matching_ids(s, manager, "ennen").ids) == 1
