"""Data-key rotation (issue 13.13): everything the key protects is re-keyed in one transaction."""

from __future__ import annotations

from datetime import date

import pytest

from core.customers import service as customers
from core.customers.search import search_customers
from core.db import Database
from core.errors import AppError, KeyUnavailable, PermissionDenied, ValidationError
from core.key_rotation import RotationAborted, new_recovery_sheet, rotate_data_key
from core.models import RequestItem
from core.security.crypto import KEYRING_SERVICE, DataKey
from core.settings import clear_key_cache, data_key, get_settings, install_recovery_key
from core.verify import verify_database
from tests.conftest import pdf_text, valid_hetu


def _people(db: Database, manager) -> dict[int, str]:
    made = {}
    with db.begin() as s:
        for i in range(3):
            hetu = valid_hetu(1 + i, 2, 1970, 200 + i)
            c = customers.create_customer(
                s, manager, {"first_name": f"Henkilö{i}", "last_name": "Testi", "hetu": hetu}
            )
            made[c.id] = hetu
    return made


def test_after_rotation_every_hetu_reads_back_and_search_finds_the_person(db, manager) -> None:
    made = _people(db, manager)
    with db.begin() as s:
        old = data_key(s)
    steps: list[tuple[int, int, str]] = []
    with db.begin() as s:
        rotation = rotate_data_key(s, manager, progress=lambda d, t, m: steps.append((d, t, m)))
    assert steps and steps[-1][0] == steps[-1][1]
    with db.begin() as s:
        new = data_key(s)
        assert new != old and new.recovery_text() == rotation.recovery_key
        for cid, hetu in made.items():
            assert customers.reveal_hetu(s, manager, cid) == hetu
        cid, hetu = next(iter(made.items()))
        assert [c.id for c in search_customers(s, manager, hetu)] == [cid]
    assert verify_database(db).ok


def test_the_old_key_no_longer_opens_the_data(db, manager, memory_keyring) -> None:
    made = _people(db, manager)
    with db.begin() as s:
        old = data_key(s)
        install_id = get_settings(s).install_id
    with db.begin() as s:
        rotate_data_key(s, manager)
    # The keyring holds the new key; the old one is refused and opens no hetu.
    assert memory_keyring.store[(KEYRING_SERVICE, install_id)] != old.to_text()
    with db.begin() as s:
        from core.models import Customer

        blob = s.get(Customer, next(iter(made))).hetu_encrypted
        with pytest.raises(AppError):
            old.decrypt(blob, next(iter(made)))
        with pytest.raises(ValidationError):
            install_recovery_key(s, old.recovery_text())
    memory_keyring.store[(KEYRING_SERVICE, install_id)] = old.to_text()
    clear_key_cache()
    with db.begin() as s, pytest.raises(KeyUnavailable):
        data_key(s)


def test_a_requested_hetu_is_re_keyed_too(db, manager) -> None:
    from core.requests import intake

    cid = next(iter(_people(db, manager)))
    wanted = valid_hetu(9, 9, 1969, 321)
    with db.begin() as s:
        req = intake.register_request(
            s,
            manager,
            kind="rectification",
            received_on=date(2026, 11, 30),
            channel="email",
            signed_on_file=True,
            original_location="Arkistokaappi 1",
            customer_id=cid,
            items=[intake.ItemInput("hetu", wanted)],
        )
        req_id = req.id
    with db.begin() as s:
        rotate_data_key(s, manager)
    with db.begin() as s:
        from sqlalchemy import select

        item = s.execute(select(RequestItem).where(RequestItem.request_id == req_id)).scalar_one()
        assert intake.requested_value(s, item) == wanted


def test_rotation_is_manager_only_and_an_abort_changes_nothing(db, manager, receptionist) -> None:
    made = _people(db, manager)
    with db.begin() as s:
        old = data_key(s)
    with db.begin() as s, pytest.raises(PermissionDenied):
        rotate_data_key(s, receptionist)
    with pytest.raises(RotationAborted), db.begin() as s:
        rotate_data_key(s, manager, should_abort=lambda: True)
    clear_key_cache()
    with db.begin() as s:
        assert data_key(s) == old
        cid = next(iter(made))
        assert customers.reveal_hetu(s, manager, cid) == made[cid]
    assert verify_database(db).ok


def test_rotation_is_audited_and_the_new_sheet_says_the_old_one_opens_older_backups(
    db, manager
) -> None:
    from core.security import audit

    with db.begin() as s:
        rotation = rotate_data_key(s, manager)
    with db.begin() as s:
        assert audit.list_entries(s, manager, action="key.rotated")
        pdf = new_recovery_sheet(s, manager, rotation, "en")
    text = pdf_text(pdf)
    assert "replaces the earlier recovery sheet" in text
    assert rotation.recovery_key.split("-")[0] in text
    assert "old recovery sheet now opens only the backups" in rotation.notice("en")
    assert "vanha palautusavainlomake" in rotation.notice("fi").lower()
    assert isinstance(DataKey.from_recovery_text(rotation.recovery_key), DataKey)


def test_a_sheet_that_cannot_be_written_leaves_the_old_key(db, manager, tmp_path) -> None:
    from core.key_rotation import rotate_and_write_sheet

    made = _people(db, manager)
    with db.begin() as s:
        old = data_key(s)
    with pytest.raises(OSError), db.begin() as s:
        rotate_and_write_sheet(s, manager, tmp_path / "missing" / "sheet.pdf", "fi")
    clear_key_cache()
    with db.begin() as s:
        assert data_key(s) == old
        cid = next(iter(made))
        assert customers.reveal_hetu(s, manager, cid) == made[cid]
    with db.begin() as s:
        rotate_and_write_sheet(s, manager, tmp_path / "sheet.pdf", "fi")
    assert (tmp_path / "sheet.pdf").stat().st_mode & 0o077 == 0
    assert "korvaa aiemman" in pdf_text((tmp_path / "sheet.pdf").read_bytes())
