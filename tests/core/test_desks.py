"""Several desks writing one register at once: nobody stored twice, no unexpected error, a
whole audit chain; a desk that cannot get its turn says the register is busy."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

import core.db
from core.cli.main import main as cli_main
from core.db import open_database
from core.errors import Busy
from core.models import Customer
from core.security.audit import verify_chain
from tests.conftest import MANAGER_PASSWORD
from tests.core.desks import PEOPLE, desk

DESKS = 6


def _write_same_file(path: Path) -> None:
    lines = ["etunimi;sukunimi;sähköposti;hetu"]
    lines += [f"{f};{la};;{h}" for f, la, h in PEOPLE]
    lines += [f"Henkilö{n};Tuonti;tuonti{n}@example.fi;" for n in range(40)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core.db, "BUSY_TIMEOUT_S", 0.2)


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another desk in the middle of a long save."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_desk_that_cannot_get_its_turn_says_the_register_is_busy(
    db, manager, short_busy_timeout
) -> None:
    from core.customers.service import create_customer

    if not db.is_sqlite:
        pytest.skip("SQLite's write lock (PostgreSQL locks rows)")
    waiting = open_database(db.url)
    other = _hold_write_lock(db.path)
    try:
        with pytest.raises(Busy) as info, waiting.begin() as s:
            create_customer(s, manager, {"first_name": "Aino", "last_name": "Aaltonen"})
        assert info.value.message("en").startswith("The register is busy")
        assert info.value.message("fi").startswith("Rekisteri on varattu")
        with waiting.read() as s:  # reading never waits for the saving desk
            assert s.execute(select(func.count(Customer.id))).scalar_one() == 0
    finally:
        other.rollback()
        other.close()
        waiting.dispose()


def test_command_line_on_a_busy_register_prints_one_line_and_exits_1(
    db, manager, short_busy_timeout, tmp_path: Path, monkeypatch, capsys
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's write lock (PostgreSQL locks rows)")
    monkeypatch.setenv("ASIAKASREKISTERI_PASSWORD", MANAGER_PASSWORD)
    monkeypatch.setenv("ASIAKASREKISTERI_LANG", "en")
    _write_same_file(tmp_path / "same.csv")
    other = _hold_write_lock(db.path)
    try:
        code = cli_main(
            [
                "--db",
                str(db.path),
                "import-customers",
                str(tmp_path / "same.csv"),
                "--user",
                "manager",
            ]
        )
    finally:
        other.rollback()
        other.close()
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("The register is busy")


def test_six_desks_adding_the_same_people_at_once_store_each_once(
    db, manager, memory_keyring, tmp_path: Path
) -> None:
    _write_same_file(tmp_path / "same.csv")
    url = db.url.render_as_string(hide_password=False)
    keys = dict(memory_keyring.store)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(DESKS) as pool:
        results = pool.starmap(
            desk, [(url, keys, MANAGER_PASSWORD, tmp_path, n) for n in range(DESKS)], chunksize=1
        )
    assert results == ["ok"] * DESKS
    with db.read() as s:
        hetus = s.execute(
            select(Customer.hetu_index, func.count())
            .where(Customer.hetu_index.is_not(None))
            .group_by(Customer.hetu_index)
        ).all()
        assert sorted(n for _i, n in hetus) == [1] * len(PEOPLE)
        emails = s.execute(
            select(func.count(), func.count(func.distinct(Customer.email))).where(
                Customer.email != ""
            )
        ).one()
        assert tuple(emails) == (40, 40)
        assert verify_chain(s).ok


def test_two_desks_adding_orders_at_once_get_numbers_of_their_own(db, manager) -> None:
    """The second desk reads the next order number after the first desk's save, not beside
    it (on PostgreSQL both read the same highest number and the second save failed)."""
    import threading

    from core.customers.service import create_customer
    from core.orders import create_order

    with db.begin() as s:
        customer = create_customer(s, manager, {"first_name": "Aino", "last_name": "Aaltonen"})
    order = {"item": "Arviokäynti", "amount": "100,00"}
    other = open_database(db.url)
    second: dict[str, object] = {}

    def second_desk() -> None:
        try:
            with other.begin() as s:
                second["number"] = create_order(s, manager, customer.id, order).number
        except Exception as exc:
            second["error"] = exc

    try:
        with db.begin() as s:
            first = create_order(s, manager, customer.id, order).number
            desk = threading.Thread(target=second_desk)
            desk.start()
            desk.join(0.5)  # the second desk saves while the first one's save is open
        desk.join(10)
    finally:
        other.dispose()
    assert "error" not in second, second.get("error")
    assert second["number"] != first
