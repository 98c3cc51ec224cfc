"""Shared fixtures: an in-memory keyring, a fresh database per test (SQLite, and PostgreSQL
when ASIAKASREKISTERI_TEST_PG_URL names a server), logged-in actors."""

from __future__ import annotations

import atexit
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import keyring
import pytest
from argon2 import PasswordHasher
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("ASIAKASREKISTERI_DB", None)

from core import clock, i18n  # noqa: E402
from core.db import Database, open_database  # noqa: E402
from core.security import auth  # noqa: E402
from core.security.auth import create_user  # noqa: E402
from core.security.permissions import Actor  # noqa: E402
from core.settings import clear_key_cache, initialise  # noqa: E402

# A missing message key or a placeholder that does not fit raises in every test (the app
# itself shows the key or the raw text instead).
i18n.set_strict(True)

# Every fixture logs in and the template makes two users: with the app's argon2 parameters
# (64 MiB, t=3) that is 0.17 s a login. The tests hash with the cheapest parameters instead;
# test_auth checks the app's own parameters and the rehash on login when they rise.
PRODUCTION_HASHER = auth._hasher
auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

PG_URL = os.environ.get("ASIAKASREKISTERI_TEST_PG_URL", "")
MANAGER_PASSWORD = "Kirjahylly-Aurinko-77"
RECEPTIONIST_PASSWORD = "Vastaanotto-Kuusi-42"


class MemoryKeyring(KeyringBackend):
    """The tests' keyring: a dict, never a file."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The desk's config folder (the audit chain's anchors) in the test's own folder, for the
    command-line runs too (cli_env copies the environment)."""
    home = tmp_path / "config-home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    clear_key_cache()
    clock.reset()
    i18n.set_language("fi")
    yield backend
    keyring.set_keyring(previous)
    clear_key_cache()
    clock.reset()
    i18n.set_language("fi")


_template: dict[str, object] = {}


def fill_test_register(db: Database) -> Actor:
    """The register every test starts from: its settings, a manager and a receptionist."""
    with db.begin() as s:
        result = initialise(
            s,
            "Testiasunnot Oy",
            "manager",
            "Maija Manageri",
            MANAGER_PASSWORD,
            date(2024, 1, 2),
            "Toimitusjohtaja",
            business_id="1572860-0",
            street="Esplanadi 1",
            postal_code="00130",
            city="Helsinki",
            email="info@testiasunnot.fi",
            contact_person="Maija Manageri",
        )
        create_user(
            s,
            result.actor,
            "reception",
            "Riitta Vastaanotto",
            "receptionist",
            RECEPTIONIST_PASSWORD,
            date(2024, 1, 3),
            must_change_password=False,
        )
    return result.actor


def _sqlite_template(tmp_root: Path, keyring_backend: MemoryKeyring) -> tuple[Path, dict]:
    """Create the initialised schema once per session, then copy it for each test."""
    if "path" not in _template:
        path = tmp_root / "template.sqlite3"
        db = open_database(path)
        fill_test_register(db)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.dispose()
        _template["path"] = path
        _template["keys"] = dict(keyring_backend.store)
    return _template["path"], _template["keys"]  # type: ignore[return-value]


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("template")


@pytest.fixture(params=_backends())
def db(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    template_dir: Path,
    memory_keyring: MemoryKeyring,
) -> Iterator[Database]:
    """A fresh initialised database with a manager and a receptionist."""
    if request.param == "sqlite":
        path, keys = _sqlite_template(template_dir, memory_keyring)
        target = tmp_path / "register.sqlite3"
        shutil.copyfile(path, target)
        memory_keyring.store.update(keys)
        database = open_database(target)
    else:
        database = _fresh_postgres(memory_keyring)
    yield database
    database.dispose()
    if request.param == "postgresql":
        _drop_postgres(database)


def _postgres_template(memory_keyring: MemoryKeyring) -> tuple[str, dict]:
    """Create the initialised database once per session; tests copy it with TEMPLATE."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if "pg_name" not in _template:
        base = make_url(PG_URL).set(drivername="postgresql+psycopg")
        name = f"tmpl_{uuid.uuid4().hex[:12]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        saved = dict(memory_keyring.store)
        memory_keyring.store.clear()
        database = open_database(base.set(database=name))
        fill_test_register(database)
        database.dispose()  # a template database must have no connections
        _template["pg_name"] = name
        _template["pg_keys"] = dict(memory_keyring.store)
        memory_keyring.store.clear()
        memory_keyring.store.update(saved)
        atexit.register(_drop_postgres_database, base, name)
    return _template["pg_name"], _template["pg_keys"]  # type: ignore[return-value]


def _fresh_postgres(memory_keyring: MemoryKeyring) -> Database:
    """A copy of the session's template database (CREATE DATABASE ... TEMPLATE)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    template, keys = _postgres_template(memory_keyring)
    base = make_url(PG_URL).set(drivername="postgresql+psycopg")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    memory_keyring.store.update(keys)
    return open_database(base.set(database=name))


def _drop_postgres_database(base, name: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _drop_postgres(database: Database) -> None:
    from sqlalchemy import create_engine, text

    name = database.url.database
    admin = create_engine(database.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def manager(db: Database) -> Actor:
    from core.security.auth import attempt_login

    return attempt_login(db, "manager", MANAGER_PASSWORD)


@pytest.fixture
def receptionist(db: Database) -> Actor:
    from core.security.auth import attempt_login

    return attempt_login(db, "reception", RECEPTIONIST_PASSWORD)


def valid_hetu(
    day: int = 13, month: int = 10, year: int = 1952, individual: int = 308, sign: str | None = None
) -> str:
    """A valid hetu for tests (non-temporary individual number)."""
    if sign is None:
        sign = "-" if 1900 <= year < 2000 else ("A" if year >= 2000 else "+")
    digits = f"{day:02d}{month:02d}{year % 100:02d}{individual:03d}"
    return f"{digits[:6]}{sign}{digits[6:]}{'0123456789ABCDEFHJKLMNPRSTUVWXY'[int(digits) % 31]}"


CLI_PASSWORD = "Kirjahylly-Aurinko-77"


def cli_env(home: Path, lang: str = "fi") -> dict[str, str]:
    """The environment of a command-line run in a throwaway home: a plain-text keyring there
    (never the user's), the password from the environment, no database from the caller's."""
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "ASIAKASREKISTERI_PASSWORD": CLI_PASSWORD,
        "ASIAKASREKISTERI_LANG": lang,
    }
    env.pop("ASIAKASREKISTERI_DB", None)
    return env


def pdf_pages(pdf: bytes) -> list[str]:
    """Text of each page of a PDF, whitespace collapsed (wrapped lines join with a space)."""
    import io
    import re

    from pypdf import PdfReader

    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


def alter_backup(backup_file: Path, key: object, *statements: str) -> None:
    """What an attacker holding the key could do: decrypt a backup, change its data with SQL
    and encrypt it again, so that only the register's own checks can notice."""
    import sqlite3

    from core.backup.crypt import decrypt_file, encrypt_file

    plain = backup_file.with_name(backup_file.name + ".plain.sqlite3")
    header = decrypt_file(backup_file, plain, key)  # type: ignore[arg-type]
    conn = sqlite3.connect(plain)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    encrypt_file(plain, backup_file, key, header.install_id, header.revision)  # type: ignore[arg-type]
    plain.unlink()


def recovery_key_of(init_stdout: str) -> str:
    """The recovery key ``init`` prints on its own indented line."""
    return next(
        line.strip() for line in init_stdout.splitlines() if line.startswith("    ") and "-" in line
    )
