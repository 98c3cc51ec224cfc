"""Backups and verified restores (DESIGN.md section 7).

A backup is a copy made with SQLite's online backup API (never a file copy, so a database in use
is copied consistently), checked with ``PRAGMA integrity_check`` and stored readable by the owner
only. Automatic backups (on exit, when the last is older than a day) keep the newest ten.

A restore checks the file's integrity, its schema version (migrating it up when older) and that
the data key opens it before anything is replaced; it keeps the replaced database as a backup and
applies again every erasure and anonymisation that the replaced database recorded and the backup
does not know, so a restore never brings an erased person back.

On PostgreSQL both refuse with a one-line pointer to the server's own tools (pg_dump/pg_restore).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from core import audit
from core.auth import Actor, Permission, require
from core.clock import now
from core.db import Database, default_data_dir, resolve_url, sqlite_path
from core.errors import AppError
from core.models import (
    Customer,
    CustomerState,
    Disclosure,
    Document,
    ErasureRecord,
    FieldChange,
    Objection,
    Order,
    Request,
    Settings,
)

Progress = Callable[[int, int, str], None]
ShouldAbort = Callable[[], bool]

KEEP_AUTOMATIC = 10
AUTO_INTERVAL = timedelta(days=1)
PAGES_PER_STEP = 1024
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<kind>auto|replaced))?\.sqlite3$")


class BackupAborted(AppError):
    code = "backup.aborted"


# --- helpers ---------------------------------------------------------------------------------

def _postgres_refusal(url: URL, restore: bool) -> AppError:
    safe = url.set(drivername="postgresql").render_as_string(hide_password=True)
    return AppError("backup.postgres_restore" if restore else "backup.postgres_backup", url=safe)


def _private(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
    except OSError:  # pragma: no cover - platforms without POSIX modes
        pass


def _new_private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def backup_folder(session: Session | None = None) -> Path:
    """Settings.backup_folder when set, else ``backups`` in the user's data folder."""
    if session is not None:
        configured = session.execute(select(Settings.backup_folder)).scalar_one_or_none()
        if configured:
            return Path(configured).expanduser()
    return default_data_dir() / "backups"


def _stem(db_path: Path) -> str:
    return db_path.stem or "asiakasrekisteri"


def copy_sqlite(src: Path, dst: Path, progress: Progress | None = None,
                should_abort: ShouldAbort | None = None, message: str = "") -> None:
    """``src`` -> ``dst`` through the online backup API, in steps, inside one read snapshot.

    Holding a read transaction on the source keeps every step on the same snapshot, so a desk
    writing meanwhile neither corrupts the copy nor makes the backup restart forever.
    """
    _new_private_file(dst)
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
        _remove_sqlite_files(dst)
        raise
    target.close()
    source.close()
    _private(dst)


def integrity_ok(path: Path, quick: bool = False) -> bool:
    """``PRAGMA integrity_check`` (or ``quick_check``) of a SQLite file, read-only."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            pragma = "quick_check" if quick else "integrity_check"
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'").fetchall()}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return rows == ["ok"] and "settings" in tables


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- backup ----------------------------------------------------------------------------------

def backup(db: Database, actor: Actor, dest: Path | None = None,
           progress: Progress | None = None, should_abort: ShouldAbort | None = None, *,
           automatic: bool = False) -> Path:
    """Write a checked, dated backup; ``dest`` is a folder or a file name. Returns the file."""
    require(actor, Permission.BACKUP)
    if not db.is_sqlite or db.path is None:
        raise _postgres_refusal(db.url, restore=False)
    with db.begin() as s:
        folder = backup_folder(s)
    stamp = now().strftime("%Y%m%d-%H%M%S")
    name = f"{_stem(db.path)}-{stamp}{'-auto' if automatic else ''}.sqlite3"
    if dest is None:
        target = folder / name
    else:
        dest = Path(dest).expanduser()
        target = dest if dest.suffix and not dest.is_dir() else dest / name
    if target.resolve() == db.path.resolve():
        raise AppError("backup.same_file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    copy_sqlite(db.path, partial, progress, should_abort, message=target.name)
    if not integrity_ok(partial):
        _remove_sqlite_files(partial)
        raise AppError("backup.check_failed", path=str(target))
    _fsync(partial)
    os.replace(partial, target)
    with db.begin() as s:
        settings = s.get(Settings, 1)
        if settings is not None:
            settings.last_backup_at = now()
        audit.record(s, actor, "backup.automatic" if automatic else "backup.create",
                     "database", "", ["backup"])
    if automatic:
        rotate(target.parent, _stem(db.path))
    return target


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


def backup_due(db: Database) -> bool:
    if not db.is_sqlite:
        return False
    with db.begin() as s:
        settings = s.get(Settings, 1)
        last = settings.last_backup_at if settings else None
    return last is None or now() - last >= AUTO_INTERVAL


def auto_backup_if_due(db: Database, actor: Actor, progress: Progress | None = None) -> Path | None:
    """The GUI's exit hook: an automatic backup when the last one is older than a day."""
    if not actor.can(Permission.BACKUP) or not backup_due(db):
        return None
    return backup(db, actor, None, progress, automatic=True)


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
        candidates.extend(list_backups(folder, _stem(path)))
    candidates.sort(key=lambda p: _NAME.match(p.name)["stamp"], reverse=True)  # type: ignore[index]
    for candidate in candidates:
        if integrity_ok(candidate, quick=True):
            return candidate
    return None


# --- erasures applied again ------------------------------------------------------------------

EraseHook = Callable[[Session, int, str], None]
_erase_hook: EraseHook | None = None


def set_erase_hook(hook: EraseHook | None) -> None:
    """The requests module registers its erasure code here (the lead wires it in at startup)."""
    global _erase_hook
    _erase_hook = hook


def erase_customer_data(session: Session, customer_id: int, action: str) -> None:
    """Apply one recorded erasure/anonymisation (``ErasureRecord.action``) to a customer again.

    The interface a restore calls; delegates to the registered hook, else to
    ``fallback_erase_customer_data``.
    """
    (_erase_hook or _wipe_as_recorded)(session, customer_id, action)


def _wipe_as_recorded(session: Session, customer_id: int, action: str) -> None:
    """The default hook: core.erasure_ops.wipe_customer, the one definition of what erasure
    removes, in the mode the recorded action stands for; the fallback for anything else."""
    try:
        from core.erasure_ops import MODE_FOR_ACTION, wipe_customer
    except ImportError:  # pragma: no cover - erasure_ops not present
        fallback_erase_customer_data(session, customer_id, action)
        return
    mode = MODE_FOR_ACTION.get(action)
    if mode is None or session.get(Customer, customer_id) is None:
        fallback_erase_customer_data(session, customer_id, action)
        return
    wipe_customer(session, customer_id, mode)


_PERSONAL_BLANK = {"first_name": "", "last_name": "", "organisation": "", "email": "",
                   "street": "", "postal_code": "", "city": "", "phone": "",
                   "hetu_encrypted": None, "hetu_index": None, "search_text": ""}


def fallback_erase_customer_data(session: Session, customer_id: int, action: str) -> None:
    """Minimal wiping used when no erasure hook is registered (restore only).

    ``erased``/``purged``: the customer, their history, objections and orders are deleted and
    requests keep only their tombstone. ``anonymised``: identifying fields and history go, the
    orders stay for statistics. ``partly_erased``: contact data, hetu and history go, the name,
    address and orders stay for the accounting hold, the customer is restricted.
    """
    customer = session.get(Customer, customer_id)
    session.execute(update(Request).where(Request.customer_id == customer_id)
                    .values(subject_name="", subject_email="", subject_address=""))
    session.execute(delete(FieldChange).where(FieldChange.customer_id == customer_id))
    if customer is None:
        return
    if action in ("erased", "purged", "retention_deleted"):
        session.execute(delete(Objection).where(Objection.customer_id == customer_id))
        session.execute(update(Request).where(Request.customer_id == customer_id)
                        .values(customer_id=None))
        session.execute(update(Disclosure).where(Disclosure.customer_id == customer_id)
                        .values(customer_id=None))
        session.execute(update(Document).where(Document.customer_id == customer_id)
                        .values(customer_id=None))
        session.execute(delete(Order).where(Order.customer_id == customer_id))
        session.expunge(customer)
        session.execute(delete(Customer).where(Customer.id == customer_id))
    elif action == "anonymised":
        session.execute(update(Customer).where(Customer.id == customer_id).values(
            **{**_PERSONAL_BLANK, "first_name": "-", "last_name": "-"},
            state=CustomerState.ANONYMISED.value, version=Customer.version + 1))
    else:  # partly_erased
        session.execute(update(Customer).where(Customer.id == customer_id).values(
            email="", phone="", hetu_encrypted=None, hetu_index=None,
            state=CustomerState.RESTRICTED.value, version=Customer.version + 1))
    session.expire_all()


@dataclass(frozen=True)
class ErasureFact:
    customer_id: int
    action: str
    request_id: int | None
    performed_at: datetime
    performed_by: str

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.customer_id, self.action, self.performed_at.isoformat(timespec="seconds"))


def _erasure_facts(session: Session) -> list[ErasureFact]:
    return [ErasureFact(r.customer_id, r.action, r.request_id, r.performed_at, r.performed_by)
            for r in session.execute(select(ErasureRecord).order_by(ErasureRecord.performed_at,
                                                                    ErasureRecord.id)).scalars()]


def reapply_erasures(session: Session, records: list[ErasureFact]) -> list[ErasureFact]:
    """Apply the given erasures to the data in ``session`` when it does not record them yet.

    Each one is recorded again (so a later restore knows it) and audited; returns those applied.
    """
    known = {f.key for f in _erasure_facts(session)}
    applied = []
    for fact in sorted(records, key=lambda f: f.performed_at):
        if fact.key in known:
            continue
        erase_customer_data(session, fact.customer_id, fact.action)
        session.add(ErasureRecord(customer_id=fact.customer_id, action=fact.action,
                                  request_id=fact.request_id, performed_at=fact.performed_at,
                                  performed_by=fact.performed_by))
        audit.record(session, None, "backup.erasure_reapplied", "customer", fact.customer_id,
                     [fact.action])
        known.add(fact.key)
        applied.append(fact)
    session.flush()
    return applied


from core.restore import RestoreReport, restore  # noqa: E402  (restore lives beside backup)

__all__ = [
    "BackupAborted", "ErasureFact", "RestoreReport", "auto_backup_if_due", "backup",
    "backup_due", "backup_folder", "copy_sqlite", "erase_customer_data",
    "fallback_erase_customer_data", "integrity_ok", "latest_good_backup", "list_backups",
    "reapply_erasures", "restore", "rotate", "set_erase_hook",
]
