"""The keyed audit chain against an attacker who can write the database file (issue 13.7).

Every attack edits the file with raw SQL, as someone without the app would; ``verify`` must
then fail with one line naming the first bad entry.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from core.customers import service as customers
from core.db import Database, open_database
from core.errors import AppError
from core.security import audit
from core.security.audit import load_anchor, verify_chain
from core.settings import data_key, get_settings
from core.verify import verify_database
from tests.conftest import alter_backup


def _sqlite_only(db: Database) -> Path:
    if db.path is None:
        pytest.skip("raw SQLite edits")
    return db.path


def _entries(db: Database, manager, count: int = 4) -> None:
    for i in range(count):
        with db.begin() as s:
            customers.create_customer(s, manager, {"first_name": f"A{i}", "last_name": "Testi"})


def _raw(db: Database, *statements: str) -> None:
    path = _sqlite_only(db)
    db.dispose()
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def _rows(db: Database) -> list[tuple]:
    conn = sqlite3.connect(_sqlite_only(db))
    rows = conn.execute(
        "SELECT id, at, user_id, username, action, entity, entity_id, fields, prev_hash, hash "
        "FROM audit_entries ORDER BY id"
    ).fetchall()
    conn.close()
    return rows


def _problem(db: Database, lang: str = "en") -> str:
    report = verify_database(db, lang=lang)
    assert not report.ok
    assert len(report.problems) == 1
    return report.problems[0]


def _newest(db: Database) -> int:
    return _rows(db)[-1][0]


def test_untouched_chain_verifies_against_the_anchor(db, manager) -> None:
    _entries(db, manager)
    with db.begin() as s:
        install_id = get_settings(s).install_id
        status = verify_chain(s)
    assert status.ok and status.anchored
    anchor = load_anchor(install_id)
    assert anchor is not None and anchor.entry_id == _newest(db)
    assert verify_database(db).ok


def test_anchor_file_is_owner_only(db, manager) -> None:
    _entries(db, manager, 1)
    path = audit.anchor_path()
    assert path.is_file() and path.stat().st_mode & 0o077 == 0


def test_an_edited_entry_is_named(db, manager) -> None:
    _entries(db, manager)
    _raw(db, "UPDATE audit_entries SET username = 'mallory' WHERE id = 3")
    assert _problem(db) == "The audit chain is broken: entry 3 was altered."


def test_a_middle_deletion_is_named(db, manager) -> None:
    _entries(db, manager)
    _raw(db, "DELETE FROM audit_entries WHERE id = 3")
    assert "entry 3 is missing or was removed" in _problem(db)


def test_a_middle_deletion_with_the_later_ids_renumbered_is_named(db, manager) -> None:
    _entries(db, manager)
    newest = _newest(db)
    statements = ["DELETE FROM audit_entries WHERE id = 3"]
    statements += [
        f"UPDATE audit_entries SET id = {i - 1} WHERE id = {i}" for i in range(4, newest + 1)
    ]
    statements.append(f"UPDATE audit_head SET last_id = {newest - 1}")
    _raw(db, *statements)
    assert "entry 3 is missing or was removed" in _problem(db)


def test_a_reorder_is_named(db, manager) -> None:
    _entries(db, manager)
    _raw(
        db,
        "UPDATE audit_entries SET id = -1 WHERE id = 4",
        "UPDATE audit_entries SET id = 4 WHERE id = 5",
        "UPDATE audit_entries SET id = 5 WHERE id = -1",
    )
    assert _problem(db) == ("The audit chain is broken: entries were reordered, from entry 4 on.")


def test_newest_entries_deleted_and_head_moved_back_is_named(db, manager) -> None:
    _entries(db, manager)
    rows = _rows(db)
    keep = rows[-3]  # the two newest go
    _raw(
        db,
        f"DELETE FROM audit_entries WHERE id > {keep[0]}",
        f"UPDATE audit_head SET last_id = {keep[0]}, last_hash = '{keep[9]}'",
    )
    assert _problem(db) == (
        f"The audit chain is broken: the newest entries from entry {keep[0] + 1} on were "
        "removed (this computer has seen them)."
    )
    # New work on the truncated file does not make the desk forget what it saw.
    database = open_database(db.path)
    _entries(database, manager, 3)
    problem = _problem(database)
    database.dispose()
    assert problem == (
        f"The audit chain is broken: entry {rows[-1][0]} is not the one this computer has seen."
    )


def test_a_copy_of_the_file_is_checked_against_the_anchor(db, manager, tmp_path) -> None:
    _entries(db, manager)
    rows = _rows(db)
    db.dispose()
    copy = tmp_path / "elsewhere" / "copy.sqlite3"
    copy.parent.mkdir()
    shutil.copyfile(db.path, copy)
    conn = sqlite3.connect(copy)
    conn.execute(f"DELETE FROM audit_entries WHERE id = {rows[-1][0]}")
    conn.execute(f"UPDATE audit_head SET last_id = {rows[-2][0]}, last_hash = '{rows[-2][9]}'")
    conn.commit()
    conn.close()
    database = open_database(copy)
    problem = _problem(database)
    database.dispose()
    assert f"entries from entry {rows[-1][0]} on were removed" in problem


def test_a_deleted_head_row_is_named_and_nothing_more_is_recorded(db, manager) -> None:
    _entries(db, manager)
    newest = _newest(db)
    _raw(db, "DELETE FROM audit_head")
    assert _problem(db) == (
        f"The audit chain is broken: its head row (after entry {newest}) was removed."
    )
    assert "päärivi" in _problem(db, "fi")
    with pytest.raises(AppError) as info:
        with db.begin() as s:
            customers.create_customer(s, manager, {"first_name": "X", "last_name": "Y"})
    assert info.value.code == "audit.head_missing"


def _unkeyed(row: tuple, prev_hash: str) -> str:
    entry_id, at, user_id, username, action, entity, entity_id, fields = row[:8]
    at_text = datetime.fromisoformat(at).isoformat()
    payload = json.dumps(
        [entry_id, at_text, user_id, username, action, entity, entity_id, fields, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def test_a_rewrite_with_every_later_hash_recomputed_unkeyed_is_named(db, manager) -> None:
    _entries(db, manager)
    rows = _rows(db)
    statements = []
    prev = rows[1][9]  # entry 3 is rewritten; 1 and 2 stay
    for row in rows[2:]:
        row = list(row)
        if row[0] == 3:
            row[3] = "mallory"
        digest = _unkeyed(tuple(row), prev)
        statements.append(
            f"UPDATE audit_entries SET username = '{row[3]}', prev_hash = '{prev}', "
            f"hash = '{digest}' WHERE id = {row[0]}"
        )
        prev = digest
    statements.append(f"UPDATE audit_head SET last_hash = '{prev}'")
    _raw(db, *statements)
    assert _problem(db) == (
        "The audit chain is broken: entry 3 and the ones after it were recomputed without the key."
    )


def test_the_chain_is_keyed_not_plain_sha256(db, manager) -> None:
    _entries(db, manager, 1)
    rows = _rows(db)
    assert all(row[9] != _unkeyed(row, row[8]) for row in rows)


# --- entries made before the chain was keyed (schema 0007) ---------------------------------


def test_entries_from_before_the_keyed_chain_verify_the_old_way_up_to_the_boundary(
    db, manager
) -> None:
    """A register made before 0007: its old entries carry plain SHA-256 hashes. They still
    verify below the boundary the migration recorded; new entries are keyed after it."""
    _entries(db, manager, 2)
    rows = _rows(db)
    statements, prev = [], "0" * 64
    for row in rows:  # the chain as the old code wrote it
        digest = _unkeyed(row, prev)
        statements.append(
            f"UPDATE audit_entries SET prev_hash = '{prev}', hash = '{digest}' WHERE id = {row[0]}"
        )
        prev = digest
    boundary = rows[-1][0] + 1
    statements.append(f"UPDATE audit_head SET last_hash = '{prev}', keyed_from = {boundary}")
    _raw(db, *statements)
    audit.anchor_path().unlink()  # the old code kept no anchor
    database = open_database(db.path)
    try:
        _entries(database, manager, 2)
        assert verify_database(database).ok
        newest = _rows(database)[-1]
        assert newest[9] != _unkeyed(newest, newest[8])  # keyed after the boundary
        # An old entry edited is still found, and the boundary moved up is too.
        _raw(database, "UPDATE audit_entries SET username = 'mallory' WHERE id = 2")
        assert "entry 2 was altered" in _problem(database)
    finally:
        database.dispose()


def test_the_boundary_moved_up_to_pass_recomputed_entries_off_as_old_is_caught(db, manager) -> None:
    _entries(db, manager)
    rows = _rows(db)
    statements, prev = [], rows[1][9]
    for row in rows[2:]:
        row = list(row)
        if row[0] == 3:
            row[3] = "mallory"
        digest = _unkeyed(tuple(row), prev)
        statements.append(
            f"UPDATE audit_entries SET username = '{row[3]}', prev_hash = '{prev}', "
            f"hash = '{digest}' WHERE id = {row[0]}"
        )
        prev = digest
    statements.append(f"UPDATE audit_head SET last_hash = '{prev}', keyed_from = 1000")
    _raw(db, *statements)
    assert not verify_database(db).ok


# --- restore (issue 14.10) and the anchor ---------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path, db: Database, manager) -> Path:
    target = tmp_path / "varmuuskopiot"
    with db.begin() as s:
        get_settings(s).backup_folder = str(target)
    return target


def _break_backup(db: Database, path: Path) -> None:
    with db.begin() as s:
        key = data_key(s)
    alter_backup(path, key, "UPDATE audit_entries SET username = 'mallory' WHERE id = 3")


def test_restore_refuses_a_backup_with_a_broken_chain(db, manager, folder) -> None:
    from core.backup.create import backup
    from core.backup.restore import restore

    _sqlite_only(db)
    _entries(db, manager, 1)
    taken = backup(db, manager)
    _break_backup(db, taken)
    _entries(db, manager, 1)
    with db.begin() as s:
        before = verify_chain(s).entries
    with pytest.raises(AppError) as info:
        restore(db.url, taken, actor=manager)
    assert info.value.code == "backup.audit_broken"
    assert "entry 3 was altered" in info.value.message("en") or "merkintää 3" in str(info.value)
    with db.begin() as s:  # nothing replaced
        assert verify_chain(s).entries == before
    assert verify_database(db).ok


def test_restore_accepts_a_broken_chain_only_when_told_and_records_it(db, manager, folder) -> None:
    from sqlalchemy import select

    from core.backup.create import backup
    from core.backup.restore import restore
    from core.models import AuditEntry

    _sqlite_only(db)
    _entries(db, manager, 1)
    taken = backup(db, manager)
    _break_backup(db, taken)
    restore(db.url, taken, actor=manager, accept_broken_audit=True)
    with db.begin() as s:
        actions = list(
            s.execute(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(2)).scalars()
        )
        accepted = s.execute(
            select(AuditEntry).where(AuditEntry.action == "backup.restore_broken_audit")
        ).scalar_one()
    assert actions == ["backup.restore", "backup.restore_broken_audit"]
    assert accepted.username == "manager" and accepted.entity_id == "3"


def test_restore_moves_the_anchor_back_on_purpose(db, manager, folder) -> None:
    from core.backup.create import backup
    from core.backup.restore import restore

    _sqlite_only(db)
    _entries(db, manager, 1)
    taken = backup(db, manager)
    _entries(db, manager, 3)  # the desk has seen newer entries than the backup holds
    restore(db.url, taken, actor=manager)
    with db.begin() as s:
        install_id = get_settings(s).install_id
        status = verify_chain(s)
        newest = audit.newest_anchor(s)
    assert status.ok and status.anchored
    assert load_anchor(install_id) == newest
    assert verify_database(db).ok
