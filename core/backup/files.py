"""Backup files: the online copy of a SQLite database, its check, names, rotation and folders.

A backup is a copy made with SQLite's online backup API (never a file copy, so a database in use
is copied consistently), checked with ``PRAGMA integrity_check`` and stored readable by the owner
only. On PostgreSQL backup and restore refuse with a one-line pointer to the server's own tools
(pg_dump/pg_restore).
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from core.backup.crypt import decrypt_file, is_encrypted, read_header
from core.clock import now
from core.db import Database, default_data_dir, remove_sqlite_files, resolve_url, sqlite_path
from core.errors import AppError, KeyUnavailable
from core.files import make_private, open_private
from core.models import Settings
from core.security.crypto import load_key

Progress = Callable[[int, int, str], None]
ShouldAbort = Callable[[], bool]

KEEP_AUTOMATIC = 10
PAGES_PER_STEP = 1024
KEEP_REPLACED = 3
# Encrypted backups end in .arbak; plain .sqlite3 ones made before encryption are still read.
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<kind>auto|replaced))?\.(?:sqlite3|arbak)$"
)


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


def second_backup_folder(session: Session) -> Path | None:
    """Settings.second_backup_folder (a USB stick, say) when set, else None."""
    configured = session.execute(select(Settings.second_backup_folder)).scalar_one_or_none()
    return Path(configured).expanduser() if configured else None


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


def backup_kind(path: Path) -> str | None:
    """``auto``, ``replaced`` or None (taken by hand) for a backup file's name."""
    match = _NAME.match(path.name)
    return match["kind"] if match else None


def schema_revision_of(path: Path) -> str:
    """The schema revision recorded in a SQLite file ("" when none), read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        row = None
    finally:
        conn.close()
    return str(row[0]) if row else ""


def rotate(folder: Path, stem: str, keep: int = KEEP_AUTOMATIC, kind: str = "auto") -> list[Path]:
    """Delete all but the newest ``keep`` backups of this kind (automatic ones, or the kept
    replaced databases) of this database; returns them."""
    autos = [p for p in list_backups(folder, stem) if backup_kind(p) == kind]
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
        if backup_opens(candidate):
            return candidate
    return None


def backup_opens(path: Path) -> bool:
    """A plain backup passes ``quick_check``; an encrypted one is whole and authentic under the
    key this computer's keyring holds for its register (without that key, a well-formed header
    is all that can be checked: the restore asks for the recovery key)."""
    if not is_encrypted(path):
        return integrity_ok(path, quick=True)
    try:
        header = read_header(path)
    except (AppError, OSError):
        return False
    try:
        key = load_key(header.install_id)
    except (KeyUnavailable, ValueError):
        return True
    try:
        decrypt_file(path, None, key)
    except (AppError, OSError):
        return False
    return True


# --- leftovers of a killed process -----------------------------------------------------------

# Old enough that no running backup or restore still writes it (each rewrites its file within
# seconds, so a fresh modification time means a live process, perhaps another desk's).
LEFTOVER_AGE = 15 * 60
_LEFTOVER = re.compile(
    r"^\..+-(?:restore|backup|replaced)-\d{8}-\d{6}-\d+\.sqlite3(?:-journal|-wal|-shm)?$"
    r"|^.+\.partial(?:-journal|-wal|-shm)?$"
)


def temporary_copy(beside: Path, stem: str, kind: str) -> Path:
    """The name of a plain temporary copy (``kind``: restore, backup or replaced) in the folder
    of ``beside``, hidden; ``remove_leftovers`` knows the pattern."""
    stamp = now().strftime("%Y%m%d-%H%M%S")
    return beside.parent / f".{stem}-{kind}-{stamp}-{os.getpid()}.sqlite3"


def remove_leftovers(folders: list[Path], older_than: float = LEFTOVER_AGE) -> list[Path]:
    """Delete the temporary copies a killed backup or restore left in ``folders``."""
    removed = []
    limit = time.time() - older_than
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if not _LEFTOVER.match(path.name) or not path.is_file():
                continue
            try:
                if path.stat().st_mtime <= limit:
                    path.unlink()
                    removed.append(path)
            except OSError:
                continue
    return removed


def clean_leftovers(db: Database) -> list[Path]:
    """At start (GUI and command line): the leftovers beside the database and in its backup
    folders removed, so a later erasure has no forgotten copy to miss."""
    if db.path is None:
        return []
    folders = [db.path.parent, backup_folder()]
    try:
        with db.begin() as s:
            folders.append(backup_folder(s))
    except Exception:  # a database not initialised yet, or damaged: the default folders only
        pass
    return remove_leftovers(list(dict.fromkeys(folders)))


# --- kept copies and erasure ------------------------------------------------------------------

_KEPT = re.compile(
    r"^(?P<stem>.+)-\d{8}-\d{6}-(?:replaced|damaged)\.(?:sqlite3|arbak)(?:-wal|-shm|-journal)?$"
)


def kept_copy_folders(session: Session) -> tuple[Path, str] | None:
    """Where the kept replaced (and damaged) copies of the session's SQLite database are, and
    its stem; None on a server database (it keeps none)."""
    path = sqlite_path(session.get_bind().engine.url)
    if path is None:
        return None
    return backup_folder(session), backup_stem(path)


def remove_kept_copies(folders: list[Path], stem: str) -> list[Path]:
    """Delete the replaced and damaged databases a restore kept for this database: an erasure
    cannot be applied to them, so it removes them."""
    removed = []
    for folder in dict.fromkeys(folders):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            match = _KEPT.match(path.name)
            if match and match["stem"] == stem and path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
