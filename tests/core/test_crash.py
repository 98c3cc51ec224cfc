"""Crash safety: a process killed at any moment leaves whole batches or nothing.

`demo` commits its customers in batches of 2,000, each batch with its orders and one
``demo.generate`` audit entry in the same transaction. The test kills it with SIGKILL at random
moments and, after every kill, checks that `verify` passes (integrity, audit chain, key) and
that the customers are exactly the committed batches.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import cli_env

ROOT = Path(__file__).resolve().parents[2]
BATCH = 2000  # core.demo.generate's default batch
KILLS = 20

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]


def _state(path: Path) -> tuple[int, int, int, int]:
    conn = sqlite3.connect(path)
    try:
        customers = conn.execute("SELECT count(*) FROM customers").fetchone()[0]
        batches = conn.execute(
            "SELECT count(*) FROM audit_entries WHERE action = 'demo.generate'"
        ).fetchone()[0]
        histories = conn.execute(
            "SELECT count(DISTINCT customer_id) FROM field_changes"
        ).fetchone()[0]
        orphans = conn.execute(
            "SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT id FROM customers)"
        ).fetchone()[0]
    finally:
        conn.close()
    return customers, batches, histories, orphans


def test_killed_demo_leaves_whole_batches_and_a_valid_database(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = cli_env(home, lang="en")
    db = tmp_path / "crash.sqlite3"
    main = [sys.executable, str(ROOT / "main.py"), "--db", str(db)]
    subprocess.run(
        [*main, "init", "--company", "Kaatuu Oy", "--manager", "anna"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20")))
    started = time.monotonic()
    kills = 0
    previous = 0
    for kill in range(KILLS):
        logins = _logins(db)
        proc = subprocess.Popen(
            [*main, "demo", "--customers", "40000", "--seed", str(kill), "--user", "anna"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Wait until it has logged in and starts writing, then kill at a random moment of the
        # next few batches (each takes a second or two).
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline and _logins(db) == logins:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 3.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)

        customers, batches, histories, orphans = _state(db)
        assert customers == batches * BATCH, f"kill {kill}: half a batch is visible"
        assert histories == customers and orphans == 0
        assert customers >= previous
        previous = customers
        report = _verify(db, home)
        assert report.ok, f"kill {kill}: {report.problems}"
    assert kills >= KILLS - 2
    assert previous > 0, "no batch was ever committed"
    print(f"{KILLS} kills, {previous} customers committed, {time.monotonic() - started:.0f} s")


def _logins(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT count(*) FROM audit_entries WHERE action = 'login.success'"
        ).fetchone()[0]
    finally:
        conn.close()


def _verify(db: Path, home: Path):  # type: ignore[no-untyped-def]
    """`verify` in this process, with the data key taken from the throwaway file keyring."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    from core.db import open_database
    from core.security.crypto import KEYRING_SERVICE
    from core.settings import clear_key_cache
    from core.verify import verify_database

    conn = sqlite3.connect(db)
    install_id = conn.execute("SELECT install_id FROM settings").fetchone()[0]
    conn.close()
    files = list(home.rglob("keyring_pass.cfg"))
    source = PlaintextKeyring()
    source.file_path = str(files[0])  # type: ignore[misc]
    keyring.set_password(
        KEYRING_SERVICE, install_id, source.get_password(KEYRING_SERVICE, install_id)
    )
    clear_key_cache()
    database = open_database(db, create=False)
    try:
        return verify_database(database)
    finally:
        database.dispose()
