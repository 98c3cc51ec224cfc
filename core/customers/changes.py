"""Whether the customer list changed since a desk last looked: another desk added, archived,
renamed or erased someone (DESIGN.md section 7: within 2 s in an open list).

``ListWatch.changed()`` is cheap enough to ask twice a second. It holds a connection of its
own, which never takes part in a transaction of the app:

* SQLite: ``PRAGMA data_version`` of that connection moves whenever any other connection
  (this desk's own included) commits anything; only then the list's fingerprint is read:
  the list order version (migration 0004's triggers: removals and renames), the number of
  customers and the highest id (additions) and the sum of their row versions (every update
  through the services adds one: an archive, an address, an anonymisation). Unchanged, a look
  takes about 0.01 ms; the fingerprint is one scan of the table (30-100 ms for 100,000
  customers on the busy benchmark machine), on the worker, only after some desk committed.
* PostgreSQL: a ``LISTEN`` on ``CHANNEL``; migration 0014's trigger sends a ``NOTIFY`` from
  every statement that writes the customers table (imports, merges and erasures included),
  delivered when that transaction commits.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from core.db import Database

CHANNEL = "customers_changed"


class ListWatch:
    """Tells whether the customer list changed since the previous call (the first call
    takes the baseline and answers False). Safe to call from any one thread at a time."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._conn: Any = None
        self._data_version: int | None = None
        self._fingerprint: tuple[Any, ...] | None = None

    def changed(self) -> bool:
        if self._db.is_sqlite and self._db.path is None:
            return False  # a database in memory has no other desk
        with self._lock:
            if self._conn is None:
                self._open()
                return False
            if self._db.is_sqlite:
                return self._sqlite_changed()
            return self._notified()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # --- SQLite --------------------------------------------------------------------------------
    def _open(self) -> None:
        if self._db.is_sqlite:
            # Only ever reads, outside any transaction (WAL: never waits for a writer).
            self._conn = sqlite3.connect(
                str(self._db.path), timeout=1, check_same_thread=False, isolation_level=None
            )
            self._data_version = self._read_data_version()
            self._fingerprint = self._read_fingerprint()
            return
        raw = self._db.engine.raw_connection()
        driver: Any = raw.driver_connection
        raw.detach()  # never returned to the pool: it keeps listening
        driver.autocommit = True
        driver.execute(f"LISTEN {CHANNEL}")
        self._conn = driver

    def _read_data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _read_fingerprint(self) -> tuple[Any, ...]:
        conn = self._conn
        row = conn.execute("SELECT count(id), max(id), total(version) FROM customers").fetchone()
        version = conn.execute("SELECT max(version) FROM customer_list_version").fetchone()
        return (version[0] if version else None, *row)

    def _sqlite_changed(self) -> bool:
        data_version = self._read_data_version()
        if data_version == self._data_version:
            return False
        self._data_version = data_version
        fingerprint = self._read_fingerprint()
        if fingerprint == self._fingerprint:
            return False  # something else was committed (the audit log, an order)
        self._fingerprint = fingerprint
        return True

    # --- PostgreSQL ---------------------------------------------------------------------------
    def _notified(self) -> bool:
        import psycopg

        # timeout=0: only what has already arrived, never a wait on the server.
        try:
            return any(True for _ in self._conn.notifies(timeout=0))
        except psycopg.OperationalError:
            # The server went away: listen again on a new connection next time, and have the
            # list read again now, since a change may have been missed meanwhile.
            self._conn = None
            return True
