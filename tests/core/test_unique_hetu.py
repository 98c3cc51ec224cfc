"""One person per hetu whatever the timing: the unique index of migration 0006, the refusal to
upgrade a register that already holds the same hetu twice, and what the losing desk sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from core.customers import service as customers
from core.db import MIGRATIONS, head_revision, open_database, run_migrations, schema_revision
from core.errors import AppError, Conflict
from core.models import Customer
from core.transfer import importing
from core.transfer.importing import import_customers
from tests.conftest import valid_hetu

HETU = valid_hetu(5, 6, 1977, 456)
AINO = {"first_name": "Aino", "last_name": "Aaltonen", "hetu": HETU}


def _register_at_0004(path: Path):  # type: ignore[no-untyped-def]
    db = open_database(path, migrate=False)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004_list_order_version")
    return db


def _add_raw(db, first: str, index: str | None) -> int:  # type: ignore[no-untyped-def]
    with db.engine.begin() as conn:
        return conn.execute(
            text(
                "INSERT INTO customers (first_name, last_name, organisation, email, street,"
                " postal_code, city, country, phone, hetu_index, source, state, archived,"
                " search_text, created_at, updated_at, updated_by, version) VALUES"
                " (:f, 'Virtanen', '', '', '', '', '', 'FI', '', :i, 'other', 'active', 0, '',"
                " '2024-01-01', '2024-01-01', 'x', 1) RETURNING id"
            ),
            {"f": first, "i": index},
        ).scalar_one()


def test_upgrade_refused_while_a_hetu_is_stored_twice_naming_the_customers(tmp_path) -> None:
    db = _register_at_0004(tmp_path / "old.sqlite3")
    try:
        a = _add_raw(db, "Anna", "x" * 64)
        _add_raw(db, "Eero", None)
        _add_raw(db, "Erkki", None)  # no hetu twice is not a duplicate
        b = _add_raw(db, "Anni", "x" * 64)
        c = _add_raw(db, "Ville", "y" * 64)
        d = _add_raw(db, "Viljo", "y" * 64)
        e = _add_raw(db, "Vilho", "y" * 64)
        with pytest.raises(AppError) as info:
            run_migrations(db.engine)
        assert info.value.code == "db.duplicate_hetus"
        assert f" {a}, {b}; {c}, {d}, {e})" in info.value.message("en")
        assert "Yhdistä ne" in info.value.message("fi")
        assert schema_revision(db.engine) == "0004_list_order_version"  # nothing changed
        with db.engine.begin() as conn:  # the office merges them
            conn.execute(
                text("UPDATE customers SET hetu_index = NULL WHERE id IN (:b, :d, :e)"),
                {"b": b, "d": d, "e": e},
            )
        run_migrations(db.engine)
        assert schema_revision(db.engine) == head_revision()
        with pytest.raises(IntegrityError):
            _add_raw(db, "Anneli", "x" * 64)
        _add_raw(db, "Eila", None)  # many customers without a hetu
    finally:
        db.dispose()


def _other_desk_checked_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """This desk's check for the hetu ran before the other desk's save was committed."""
    monkeypatch.setattr(customers, "_hetu_in_use", lambda *args, **kwargs: False)


def test_second_desk_adding_the_same_person_at_once_gets_a_conflict(
    db, manager, monkeypatch
) -> None:
    with db.begin() as s:
        customers.create_customer(s, manager, AINO)
    _other_desk_checked_first(monkeypatch)
    with pytest.raises(Conflict) as info, db.begin() as s:
        customers.create_customer(s, manager, {**AINO, "email": "aino@example.fi"})
    assert "samalla henkilötunnuksella" in info.value.message("fi")
    assert "same moment" in info.value.message("en")
    with db.read() as s:
        assert s.execute(select(func.count(Customer.id))).scalar_one() == 1


def test_giving_someone_a_hetu_another_desk_just_stored_gets_a_conflict(
    db, manager, monkeypatch
) -> None:
    with db.begin() as s:
        customers.create_customer(s, manager, AINO)
        other = customers.create_customer(s, manager, {"first_name": "Eino", "last_name": "E"})
        version = other.version
    _other_desk_checked_first(monkeypatch)
    with pytest.raises(Conflict), db.begin() as s:
        customers.update_customer(s, manager, other.id, {"hetu": HETU}, version)
    with db.read() as s:
        assert s.get(Customer, other.id).hetu_index is None


def test_import_leaves_unchanged_whom_another_desk_stored_while_it_ran(
    db, manager, tmp_path, monkeypatch
) -> None:
    path = tmp_path / "tuonti.csv"
    path.write_text(
        f"etunimi;sukunimi;hetu\nAino;Aaltonen;{HETU}\nEino;Eskola;\n", encoding="utf-8"
    )
    other_desk = open_database(db.url)
    original = importing._StoredCheck.__init__

    def register_read_then_other_desk_saves(self, head_id: int) -> None:  # type: ignore[no-untyped-def]
        original(self, head_id)
        with other_desk.begin() as s:
            customers.create_customer(s, manager, AINO)

    monkeypatch.setattr(importing._StoredCheck, "__init__", register_read_then_other_desk_saves)
    try:
        report = import_customers(db, manager, path)
    finally:
        other_desk.dispose()
    assert (report.imported, report.rejected, report.unchanged) == (1, 0, 1)
    with db.read() as s:
        assert s.execute(select(func.count(Customer.id))).scalar_one() == 2
