"""Open a database: engine, session factory, SQLite pragmas, migrations run at open."""

from __future__ import annotations

import operator
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, insert, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import AppError, Busy
from core.files import make_private, open_private

APP_NAME = "Asiakasrekisteri"
DB_ENV = "ASIAKASREKISTERI_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WAL_AUTOCHECKPOINT = 1000  # pages (SQLite's default): the log is copied back every ~4 MB


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return default_data_dir() / "asiakasrekisteri.sqlite3"


def resolve_url(url_or_path: str | os.PathLike[str] | None) -> URL:
    """A database URL from ``--db``, ``ASIAKASREKISTERI_DB`` or the default SQLite file."""
    value = str(url_or_path) if url_or_path else os.environ.get(DB_ENV, "")
    if not value:
        value = str(default_db_path())
    if "://" in value:
        url = make_url(value)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    return URL.create("sqlite", database=str(Path(value).expanduser().resolve()))


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: URL) -> Path | None:
    if is_sqlite(url) and url.database and url.database != ":memory:":
        return Path(url.database)
    return None


def database_exists(url: URL) -> bool:
    path = sqlite_path(url)
    if path is not None:
        return path.exists() and path.stat().st_size > 0
    if url.drivername == "postgresql+psycopg":
        return _server_register_exists(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return inspect(conn).has_table("settings")
    finally:
        engine.dispose()


def _server_register_exists(url: URL) -> bool:
    """Whether the server database has a register, asked through psycopg alone: the app asks
    before its login window is shown, and an SQLAlchemy engine's first connection (its
    dialect reading the server's settings) cost that window about 0.1 s. A failure to connect
    is SQLAlchemy's OperationalError, as from an engine."""
    import psycopg

    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            row = conn.execute("SELECT to_regclass('settings') IS NOT NULL").fetchone()
    except psycopg.Error as exc:
        raise OperationalError("connect", None, exc) from exc
    return bool(row and row[0])


def _is_network_path(path: Path) -> bool:
    """SQLite's locking is unreliable on network shares: refuse them, point to PostgreSQL."""
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return True
    if sys.platform.startswith("linux"):
        try:
            mounts = Path("/proc/mounts").read_text().splitlines()
        except OSError:
            return False
        best = ("", "")
        for line in mounts:
            parts = line.split()
            if len(parts) >= 3 and text.startswith(parts[1]) and len(parts[1]) > len(best[0]):
                best = (parts[1], parts[2])
        return best[1] in {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p"}
    return False


def quick_check_path(path: Path) -> bool:
    """``PRAGMA quick_check`` of a SQLite file without opening it for writing."""
    import sqlite3

    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return rows == ["ok"]


def quick_check(target: Database | URL | str | os.PathLike[str] | None) -> bool:
    """Startup safety: False when the SQLite file is damaged (then offer the latest good
    backup, ``core.backup.latest_good_backup``). A server database answers True when reachable.
    A SQLite file that does not exist yet is fine (it will be created)."""
    url = (
        target.url
        if isinstance(target, Database)
        else (target if isinstance(target, URL) else resolve_url(target))
    )
    path = sqlite_path(url)
    if path is None:
        if not is_sqlite(url):
            engine = create_engine(url)
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql("SELECT 1")
            except Exception:
                return False
            finally:
                engine.dispose()
        return True
    if not path.exists() or path.stat().st_size == 0:
        return True
    return quick_check_path(path)


def is_busy(exc: BaseException) -> bool:
    """A database error that says another desk held the lock longer than the busy timeout
    (SQLite), or that the server gave up waiting for a lock (PostgreSQL)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).lower()
    if "database is locked" in text or "database is busy" in text:
        return True
    return getattr(orig, "sqlstate", None) in {"55P03", "40P01"}  # lock_not_available, deadlock


def remove_sqlite_files(path: Path) -> None:
    """Delete a SQLite file with its WAL, shared-memory and journal files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _create_private_file(path: Path) -> None:
    """Create the database file readable by the owner only, before SQLite touches it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        open_private(path, exclusive=True).close()
    make_private(path)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cur.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    # Deleted and overwritten content is zeroed, so an erased person's data does not linger in
    # free pages of the file (DESIGN.md 3, erasure).
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def checkpoint_wal(engine: Engine) -> None:
    """Copy the whole WAL into the database file and truncate the WAL to nothing, so that
    overwritten page versions (an erased person's, say) are no longer in either file. SQLite
    only; waits for readers up to the busy timeout."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# How a transaction begins on SQLite, as the ``sqlite_begin`` execution option of its
# connection: ``Database.begin`` takes the write lock at once (IMMEDIATE), so whatever a
# service reads before it writes (the audit chain's head, the next ids, a hetu already stored)
# is read under the lock and no other desk can write in between; ``Database.read`` begins
# DEFERRED and never waits for a writer (WAL: readers see the last commit).
BEGIN_IMMEDIATE = "IMMEDIATE"
BEGIN_DEFERRED = "DEFERRED"
BUSY_TIMEOUT_S = 10
# Each SQLite connection's page cache, in KiB: the customers of a big office stay cached.
CACHE_KIB = 32_000


def _sqlite_autocommit_driver(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    """pysqlite's own transaction handling off: SQLAlchemy emits BEGIN itself (below)."""
    dbapi_conn.isolation_level = None


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", BEGIN_DEFERRED)
    conn.exec_driver_sql(f"BEGIN {mode}")
    driver = conn.connection.driver_connection
    conn.info["changes_at_begin"] = getattr(driver, "total_changes", 0)


def has_written(session: Session) -> bool:
    """Whether the session's SQLite transaction has changed a row yet (what it sees may then
    still be rolled back)."""
    conn = session.connection()
    changes = getattr(conn.connection.driver_connection, "total_changes", 0)
    return bool(changes != conn.info.get("changes_at_begin", changes))


def begin_writing(session: Session) -> None:
    """Begin the session's transaction as one that writes (SQLite: BEGIN IMMEDIATE, waiting
    for the lock up to the busy timeout); elsewhere nothing to do. Call before the first
    statement of the transaction."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        session.connection(execution_options={"sqlite_begin": BEGIN_IMMEDIATE})


def make_engine(url: URL) -> Engine:
    if is_sqlite(url):
        # SQLAlchemy's documented pysqlite recipe for real BEGINs ("Serializable isolation /
        # Savepoints / Transactional DDL"): the driver begins nothing, the "begin" event does.
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", _sqlite_autocommit_driver)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def run_migrations(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.connect() as conn:
            conn.execution_options(sqlite_begin=BEGIN_IMMEDIATE)  # two desks opening at once
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    except OperationalError as exc:
        if is_busy(exc):
            raise Busy() from exc
        raise


def schema_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


@dataclass
class Database:
    url: URL
    engine: Engine
    session_factory: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    def display_location(self) -> str:
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One transaction that may write: commits on success, rolls back on any error.

        On SQLite it begins IMMEDIATE: desks take turns, each waiting up to the busy timeout;
        one that waits longer gets ``Busy`` ("the register is busy, try again"). A row changed
        by another desk between this transaction's read and its write raises ``Conflict``
        (the version column did not match), never a silent overwrite.
        """
        from sqlalchemy.orm.exc import StaleDataError

        from core.errors import Conflict

        try:
            with self.session_factory.begin() as session:
                begin_writing(session)
                yield session
        except StaleDataError as exc:
            raise Conflict("error.conflict_concurrent") from exc
        except OperationalError as exc:
            if is_busy(exc):
                raise Busy() from exc
            raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only transaction (search, lists): never waits for a writing desk, and
        rolls back at the end, so nothing read here can be written by mistake."""
        session = self.session_factory()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(
    url_or_path: str | os.PathLike[str] | URL | None = None,
    *,
    create: bool = True,
    migrate: bool = True,
) -> Database:
    url = url_or_path if isinstance(url_or_path, URL) else resolve_url(url_or_path)
    path = sqlite_path(url)
    if path is not None:
        if _is_network_path(path):
            raise AppError("db.network_path", path=str(path))
        if not path.exists() and not create:
            raise AppError("db.missing", path=str(path))
        _create_private_file(path)
    engine = make_engine(url)
    if migrate:
        run_migrations(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    return Database(url=url, engine=engine, session_factory=factory)


def bulk_insert(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], per_statement: int = 500
) -> None:
    """Insert many rows that each give the same columns (all that need a value: Python-side
    column defaults are not applied here).

    On SQLite the rows go as multi-row ``INSERT ... VALUES (...), (...)`` statements, values
    converted by the dialect's own bind processors: one statement per few hundred rows instead
    of one per row, which also lets the search index's trigger fill it without a flush per row
    (about three times faster for an import of 100,000 customers). On PostgreSQL one ``COPY``:
    a multi-row INSERT of 500 customers is a 270,000-character statement that psycopg parses
    anew for each batch (7 of an import's 30 s), and an executemany fires the statement
    triggers (migrations 0014, 0016) once a row."""
    if not rows:
        return
    names = list(rows[0])
    dialect = conn.dialect
    # (position, processor, its results so far): a batch repeats its time stamps and dates.
    converting: list[tuple[int, Any, dict[Any, Any]]] = [
        (i, p, {})
        for i, p in enumerate(
            table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names
        )
        if p is not None
    ]
    values_of = operator.itemgetter(*names)
    quote = dialect.identifier_preparer.quote
    if dialect.name == "postgresql":
        columns = ", ".join(quote(n) for n in names)
        driver: Any = conn.connection.driver_connection
        cursor = driver.cursor()
        with cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = list(values_of(row)) if len(names) > 1 else [row[names[0]]]
                for i, process, _done in converting:
                    values[i] = process(values[i])
                copy.write_row(values)
        return
    if dialect.name != "sqlite":
        conn.execute(insert(table), list(rows))
        return
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES "
    one = "(" + ", ".join("?" * len(names)) + ")"
    per = max(1, min(per_statement, 30000 // len(names)))  # SQLite's 32,766 variables
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        params: list[Any] = []
        for row in chunk:
            values = list(values_of(row)) if len(names) > 1 else [row[names[0]]]
            for i, process, done in converting:
                value = values[i]
                if value in done:
                    values[i] = done[value]
                else:
                    values[i] = done[value] = process(value)
            params.extend(values)
        conn.exec_driver_sql(head + ", ".join([one] * len(chunk)), tuple(params))
