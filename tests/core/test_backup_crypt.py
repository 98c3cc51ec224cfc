"""Encrypted backups: a lost USB stick reveals nothing, and no altered, cut or foreign backup is
ever restored (issue 13 point 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.backup.create import backup
from core.backup.crypt import CHUNK, decrypt_file, read_header
from core.backup.restore import restore
from core.customers.service import create_customer
from core.db import Database
from core.errors import AppError, KeyUnavailable
from core.models import Customer
from core.settings import (
    clear_key_cache,
    create_register,
    data_key,
    get_settings,
    recovery_key_text,
)
from core.verify import verify_database
from tests.conftest import MANAGER_PASSWORD, valid_hetu

PERSON = {
    "first_name": "Eeva-Liisa",
    "last_name": "Kuusikorpi",
    "email": "eeva.kuusikorpi@esimerkki.fi",
    "street": "Pihlajatie 17 B 5",
    "postal_code": "00270",
    "city": "Helsinki",
}


@pytest.fixture
def taken(db: Database, manager, tmp_path: Path) -> Path:
    if not db.is_sqlite:
        pytest.skip("SQLite backup API")
    with db.begin() as s:
        get_settings(s).backup_folder = str(tmp_path / "usb")
        create_customer(s, manager, {**PERSON, "hetu": valid_hetu(1, 2, 1980, 123)})
    return backup(db, manager)


def _people(db: Database) -> list[tuple[str, str]]:
    with db.begin() as s:
        return list(s.execute(select(Customer.first_name, Customer.email)).all())


def _refused(db: Database, path: Path, code: str, **kwargs) -> None:
    before = _people(db)
    before_bytes = db.path.read_bytes()
    with pytest.raises(AppError) as info:
        restore(db.url, path, **kwargs)
    assert info.value.code == code
    assert "\n" not in info.value.message() and "\n" not in info.value.message("en")
    assert _people(db) == before  # the current database is untouched
    assert db.path.read_bytes() == before_bytes
    assert [p for p in db.path.parent.iterdir() if p.name.startswith(".")] == []


def test_backup_bytes_reveal_no_name_email_or_street(db, manager, taken, tmp_path) -> None:
    raw = taken.read_bytes()
    with db.begin() as s:
        key = data_key(s)
    plain = tmp_path / "avattu.sqlite3"
    decrypt_file(taken, plain, key)
    opened = plain.read_bytes()
    for value in ("Kuusikorpi", "eeva.kuusikorpi@esimerkki.fi", "Pihlajatie"):
        assert value.encode() in opened  # the bytes searched are where the data would be
        for form in (value.encode("utf-8"), value.encode("utf-16-le"), value.lower().encode()):
            assert form not in raw
    header = read_header(taken)
    with db.begin() as s:
        assert header.install_id == get_settings(s).install_id
    assert header.version == 1 and header.revision


def test_restore_of_the_encrypted_backup_brings_the_data_back(db, manager, taken) -> None:
    with db.begin() as s:
        create_customer(s, manager, {"first_name": "Myöhempi", "last_name": "Lisäys"})
    restore(db.url, taken, actor=manager)
    assert _people(db) == [(PERSON["first_name"], PERSON["email"])]
    assert verify_database(db).ok


def test_one_flipped_byte_in_the_middle_is_refused(db, manager, taken) -> None:
    data = bytearray(taken.read_bytes())
    data[len(data) // 2] ^= 0x01
    taken.write_bytes(bytes(data))
    _refused(db, taken, "backup.altered", actor=manager)


def test_an_edited_header_is_refused(db, manager, taken) -> None:
    data = bytearray(taken.read_bytes())
    data[len(data) - 1] ^= 0x80  # the last tag byte
    taken.write_bytes(bytes(data))
    _refused(db, taken, "backup.altered", actor=manager)


@pytest.mark.parametrize("keep", ["half", "all_but_last_chunk", "header"])
def test_a_truncated_backup_is_refused(db, manager, taken, keep) -> None:
    data = taken.read_bytes()
    cut = {"half": len(data) // 2, "all_but_last_chunk": len(data) - 20, "header": 12}[keep]
    taken.write_bytes(data[:cut])
    _refused(db, taken, "backup.truncated", actor=manager)


def test_a_backup_of_another_register_is_refused(db, manager, taken, tmp_path) -> None:
    other_db, _result = create_register(
        tmp_path / "toinen" / "r.sqlite3", "Toinen Oy", "manager", "Maija", MANAGER_PASSWORD
    )
    try:
        foreign = backup(other_db, _result.actor, tmp_path / "toinen" / "kopio.arbak")
    finally:
        other_db.dispose()
    _refused(db, foreign, "backup.other_register", actor=manager)
    # Its header altered to name this register: the key does not open it.
    data = bytearray(foreign.read_bytes())
    mine = read_header(taken).install_id.encode()
    theirs = read_header(foreign).install_id.encode()
    data[: len(data) // 8] = bytes(data[: len(data) // 8]).replace(theirs, mine)
    foreign.write_bytes(bytes(data))
    _refused(db, foreign, "backup.altered", actor=manager)


def test_restore_on_a_new_computer_needs_the_recovery_key(
    db, manager, taken, memory_keyring, tmp_path
) -> None:
    with db.begin() as s:
        recovery = recovery_key_text(s, manager)
    memory_keyring.store.clear()  # another computer: no key in its keyring, no database
    clear_key_cache()
    target = tmp_path / "uusi" / "r.sqlite3"
    with pytest.raises(KeyUnavailable) as info:
        restore(str(target), taken, username="manager", password=MANAGER_PASSWORD)
    assert info.value.code == "backup.key_needed"
    assert not target.exists()
    report = restore(
        str(target), taken, username="manager", password=MANAGER_PASSWORD, recovery_key=recovery
    )
    assert report.path == target
    from core.db import open_database

    fresh = open_database(target)
    try:
        assert _people(fresh) == [(PERSON["first_name"], PERSON["email"])]
        assert verify_database(fresh).ok
    finally:
        fresh.dispose()


def test_a_big_register_is_encrypted_in_chunks(db, manager, taken, tmp_path) -> None:
    """Several chunks (memory stays one chunk), and a reordered pair of chunks is refused."""
    with db.begin() as s:
        for i in range(2500):
            create_customer(
                s,
                manager,
                {
                    "first_name": f"H{i}",
                    "last_name": "X" * 90,
                    "city": "Y" * 90,
                    "street": "Z" * 150,
                },
            )
    big = backup(db, manager, tmp_path / "iso.arbak")
    assert big.stat().st_size > CHUNK  # more than one chunk
    restore(db.url, big, actor=manager)
    data = big.read_bytes()
    header = len(read_header(big).raw)
    first = header + 4 + CHUNK + 16
    second = first + 4 + CHUNK + 16
    assert second < len(data)
    swapped = data[:header] + data[first:second] + data[header:first] + data[second:]
    big.write_bytes(swapped)
    _refused(db, big, "backup.altered", actor=manager)
