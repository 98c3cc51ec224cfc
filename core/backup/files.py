"""Backup files: the online copy of a SQLite database, its check, names, rotation and folders.

A backup is a copy made with SQLite's online backup API (never a file copy, so a database in use
is copied consistently), checked with ``PRAGMA integrity_check`` and stored readable by the owner
only. On PostgreSQL backup and restore refuse with a one-line pointer to the server's own tools
(pg_dump/pg_restore).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from core.db import default_data_dir, remove_sqlite_files, resolve_url, sqlite_path
from core.errors import AppError
from core.files import make_private, open_private
from core.models import Settings

Progress = Callable[[int, int, str], None]
ShouldAbort = Callable[[], bool]

KEEP_AUTOMATIC = 10
PAGES_PER_STEP = 1024
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<kind>auto|replaced))?\.sqlite3$")


class BackupAborted(AppError):
    code = "backup.aborted"


# --- helpers ---------------------------------------------------------------------------------


def postgres_refusal(url: URL, restore: bool) -> AppError:
    safe = url.set(drivername="postgresql").render_as_string(hide_password=True)
    return AppError("backup.postgres_restore" if restore else "backup.postgres_backup", url=safe)


def new_private_file(path: Path) -> None:
    """An empty owner-only file at ``path`` (a stale one there is replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    open_private(path, exclusive=True).close()


def backup_folder(session: Session | None = None) -> Path:
    """Settings.backup_folder when set, else ``backups`` in the user's data folder."""
    if session is not None:
        configured = session.execute(select(Settings.backup_folder)).scalar_one_or_none()
        if configured:
            return Path(configured).expanduser()
    return default_data_dir() / "backups"


def backup_stem(db_path: Path) -> str:
    return db_path.stem or "asiakasrekisteri"


def copy_sqlite(
    src: Path,
    dst: Path,
    progress: Progress | None = None,
    should_abort: ShouldAbort | None = None,
    message: str = "",
) -> None:
    """``src`` -> ``dst`` through the online backup API, in steps, inside one read snapshot.

    Holding a read transaction on the source keeps every step on the same snapshot, so a desk
    writing meanwhile neither corrupts the copy nor makes the backup restart forever.
    """
    new_private_file(dst)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, isolation_level=None, timeout=30)
    target = sqlite3.connect(dst, isolation_level=None)
    try:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()

        def step(_status: int, remaining: int, total: int) -> None:
            if should_abort and should_abort():
                raise BackupAborted()
            if progress:
                progress(total - remaining, total, message)

        source.backup(target, pages=PAGES_PER_STEP, progress=step)
        source.execute("COMMIT")
        # A backup is one self-contained file: no WAL beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    except BaseException:
        target.close()
        source.close()
        remove_sqlite_files(dst)
        raise
    target.close()
    source.close()
    make_private(dst)


def integrity_ok(path: Path, quick: bool = False) -> bool:
    """``PRAGMA integrity_check`` (or ``quick_check``) of a SQLite file, read-only."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            pragma = "quick_check" if quick else "integrity_check"
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
            tables = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'"
                ).fetchall()
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return rows == ["ok"] and "settings" in tables


def rotate(folder: Path, stem: str, keep: int = KEEP_AUTOMATIC) -> list[Path]:
    """Delete all but the newest ``keep`` automatic backups of this database; returns them."""
    autos = sorted(p for p in list_backups(folder, stem) if p.name.endswith("-auto.sqlite3"))
    removed = autos[:-keep] if len(autos) > keep else []
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def list_backups(folder: Path, stem: str | None = None) -> list[Path]:
    """Backup files in ``folder`` (of the database named ``stem``), oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and (stem is None or match["stem"] == stem):
            found.append((match["stamp"], path.name, path))
    return [p for _s, _n, p in sorted(found)]


def latest_good_backup(db_url: str | URL | None) -> Path | None:
    """The newest backup of this SQLite database that passes an integrity check (or None).

    Used at startup when ``quick_check`` fails; looks in the configured backup folder (when the
    broken database still tells it) and in the default one.
    """
    url = db_url if isinstance(db_url, URL) else resolve_url(db_url)
    path = sqlite_path(url)
    if path is None:
        return None
    folders = [backup_folder()]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT backup_folder FROM settings WHERE id = 1").fetchone()
        finally:
            conn.close()
        if row and row[0]:
            folders.insert(0, Path(row[0]).expanduser())
    except sqlite3.DatabaseError:
        pass
    candidates: list[Path] = []
    for folder in folders:
        candidates.extend(list_backups(folder, backup_stem(path)))
    candidates.sort(key=lambda p: _NAME.match(p.name)["stamp"], reverse=True)  # type: ignore[index]
    for candidate in candidates:
        if integrity_ok(candidate, quick=True):
            return candidate
    return None
