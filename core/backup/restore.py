"""A verified restore of a SQLite backup (DESIGN.md section 7).

Order of work, nothing replaced until every check has passed:
1. copy the backup aside (online backup API) and check its integrity;
2. check its schema version, migrating it up when older, refusing a newer one;
3. check the login (a manager of the database being replaced, or of the backup when the
   current database is missing or damaged) and that the data key opens the backup;
4. apply again every erasure the replaced database recorded and the backup does not know;
5. keep the replaced database as a backup, then copy the checked data over it in one step.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session, sessionmaker

from core.backup.crypt import SUFFIX, decrypt_file, encrypt_file, is_encrypted, read_header
from core.backup.files import (
    KEEP_REPLACED,
    Progress,
    backup_folder,
    backup_stem,
    copy_sqlite,
    integrity_ok,
    new_private_file,
    postgres_refusal,
    rotate,
    schema_revision_of,
    temporary_copy,
)
from core.backup.replay import (
    ErasureFact,
    ObjectionFact,
    erasure_facts,
    reapply_erasures,
    reapply_objections,
)
from core.clock import now
from core.customers.search import bump_list_version
from core.db import (
    Database,
    head_revision,
    open_database,
    quick_check_path,
    remove_sqlite_files,
    resolve_url,
    run_migrations,
    schema_revision,
    sqlite_path,
)
from core.errors import AppError, KeyUnavailable
from core.files import make_private
from core.models import Customer
from core.security import audit
from core.security.audit import ChainStatus, verify_chain
from core.security.auth import attempt_login
from core.security.crypto import DataKey, load_key
from core.security.permissions import Actor, Permission, require
from core.settings import data_key, get_settings, install_recovery_key
from core.verify import chain_problem


@dataclass(frozen=True)
class RestoreReport:
    path: Path  # the database now holding the restored data
    source: Path  # the backup file restored
    kept: Path | None  # the replaced database, kept as a backup
    migrated_from: str | None  # the backup's schema revision when it had to be migrated
    erasures_reapplied: int
    erasures_unreadable: bool  # the replaced database could not be read for its erasures
    objections_reapplied: int = 0  # prohibitions set after the backup, set again


def _plain_engine(path: Path) -> Engine:
    """An engine on the staged copy: foreign keys on, no WAL (it stays one file)."""
    engine = create_engine(URL.create("sqlite", database=str(path)))

    def pragmas(conn, _record) -> None:  # type: ignore[no-untyped-def]
        conn.execute("PRAGMA foreign_keys=ON")

    event.listen(engine, "connect", pragmas)
    return engine


def _check_schema(engine: Engine) -> str | None:
    """Migrate the staged copy up when older; returns the old revision, None when current."""
    from alembic.script import ScriptDirectory

    revision = schema_revision(engine)
    head = head_revision()
    if revision == head:
        return None
    if revision is None:
        raise AppError("backup.not_a_backup")
    from alembic.config import Config

    from core.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        known = ScriptDirectory.from_config(cfg).get_revision(revision) is not None
    except Exception:
        known = False
    if not known:
        raise AppError("backup.newer_schema", revision=revision)
    run_migrations(engine)
    return revision


def _check_key(session: Session, recovery_key: str | None) -> None:
    """The data key must open the backup: keyring first, else the recovery key given."""
    try:
        key = data_key(session)
    except KeyUnavailable:
        if not recovery_key:
            raise KeyUnavailable("backup.key_needed") from None
        install_recovery_key(session, recovery_key)
        key = data_key(session)
    sample = session.execute(
        select(Customer.id, Customer.hetu_encrypted)
        .where(Customer.hetu_encrypted.is_not(None))
        .order_by(Customer.id.desc())
        .limit(5)
    ).all()
    for cid, blob in sample:
        if blob is not None:  # the query asks for stored ones only
            key.decrypt(blob, cid)


def _read_current(target: Path) -> tuple[Database | None, list[ErasureFact] | None, Path | None]:
    """The database being replaced: open when healthy, its erasures, its backup folder."""
    if not target.exists() or target.stat().st_size == 0:
        return None, [], None
    if quick_check_path(target):
        try:
            db = open_database(target, create=False)
            with db.begin() as s:
                return db, erasure_facts(s), backup_folder(s)
        except Exception:
            pass
    # Damaged: read what can still be read (the erasure records matter most).
    try:
        conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT customer_id, action, request_id, performed_at, "
                "performed_by FROM erasure_records"
            ).fetchall()
        finally:
            conn.close()
        from datetime import datetime

        return (
            None,
            [ErasureFact(c, a, r, datetime.fromisoformat(p), b) for c, a, r, p, b in rows],
            None,
        )
    except (sqlite3.DatabaseError, ValueError, TypeError):
        return None, None, None


def _read_objections(target: Path) -> list[ObjectionFact]:
    """The prohibitions the database being replaced holds, read-only (a damaged file gives what
    can still be read; one that cannot be read gives none, and its erasures warn already)."""
    if not target.is_file() or target.stat().st_size == 0:
        return []
    from datetime import date

    try:
        conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=10)
        try:
            rows = conn.execute(
                "SELECT customer_id, kind, set_on, request_id, set_by FROM objections"
            ).fetchall()
        finally:
            conn.close()
        return [
            ObjectionFact(c, k, date.fromisoformat(str(d)[:10]), r, b or "")
            for c, k, d, r, b in rows
        ]
    except (sqlite3.DatabaseError, ValueError, TypeError):
        return []


def _copy_into_live(staged: Path, target: Path) -> None:
    """Overwrite the live database with the staged one in a single backup step: one write
    transaction, so a crash leaves either the old or the new data, never a mix."""
    source = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
    dest = sqlite3.connect(target, isolation_level=None, timeout=30)
    try:
        source.backup(dest, pages=-1)
        dest.execute("PRAGMA journal_mode=WAL")
        dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        dest.close()
        source.close()
    make_private(target)


def restore(
    db_url: str | URL | None,
    src: Path,
    *,
    actor: Actor | None = None,
    username: str | None = None,
    password: str | None = None,
    recovery_key: str | None = None,
    progress: Progress | None = None,
    accept_broken_audit: bool = False,
) -> RestoreReport:
    """Replace the database at ``db_url`` with the checked backup ``src``.

    A backup whose audit chain is broken is refused with its first bad entry named, unless the
    manager accepts it explicitly (``accept_broken_audit``, then recorded in the audit log)."""
    url = db_url if isinstance(db_url, URL) else resolve_url(db_url)
    target = sqlite_path(url)
    if target is None:
        raise postgres_refusal(url, restore=True)
    src = Path(src).expanduser()
    if not src.is_file():
        raise AppError("backup.missing_file", path=str(src))
    if src.resolve() == target.resolve():
        raise AppError("backup.same_file")
    stamp = now().strftime("%Y%m%d-%H%M%S")
    staged = temporary_copy(target, backup_stem(target), "restore")
    current: Database | None = None
    engine: Engine | None = None
    try:
        _stage(src, staged, target, recovery_key, progress)
        engine = _plain_engine(staged)
        migrated_from = _check_schema(engine)
        current, erasures, folder = _read_current(target)
        objections = _read_objections(target)
        factory = sessionmaker(engine, expire_on_commit=False)
        with factory.begin() as s:
            # The key first: a desk without it cannot even log in (the login is audited).
            audit.hold_anchor(s)
            _check_key(s, recovery_key)
        if actor is None:
            login_db = current or Database(
                URL.create("sqlite", database=str(staged)), engine, factory
            )
            actor = attempt_login(login_db, username or "", password or "")
        require(actor, Permission.BACKUP)
        with factory.begin() as s:
            broken = _check_backup_chain(s, accept_broken_audit)
            applied = reapply_erasures(s, erasures or [])
            objections_applied = reapply_objections(s, objections)
            bump_list_version(s)  # processes that kept the replaced list's order read it anew
            anchor = _record_restore(s, actor, applied, broken)
            folder = folder or backup_folder(s)
        engine.dispose()
        engine = None
        kept = _keep_replaced(target, current, folder, stamp)
        if current is not None:
            current.dispose()
            _copy_into_live(staged, target)
        else:
            remove_sqlite_files(target)
            copy_sqlite(staged, target)
        audit.write_anchor(anchor)  # this desk now expects the restored chain
        if progress:
            progress(1, 1, target.name)
        return RestoreReport(
            target,
            src,
            kept,
            migrated_from,
            len(applied),
            erasures is None,
            objections_reapplied=len(objections_applied),
        )
    finally:
        if engine is not None:
            engine.dispose()
        if current is not None:
            current.dispose()
        remove_sqlite_files(staged)


def _stage(
    src: Path, staged: Path, target: Path, recovery_key: str | None, progress: Progress | None
) -> None:
    """The backup as a checked plain SQLite file at ``staged``: an encrypted one decrypted (and
    authenticated), a plain one from before encryption copied; refuses a damaged file and a
    backup of another register than the one being replaced."""
    current_id = _install_id(target)
    staged.parent.mkdir(parents=True, exist_ok=True)
    encrypted = is_encrypted(src)
    if encrypted:
        header = read_header(src)
        if current_id is not None and header.install_id != current_id:
            raise AppError("backup.other_register")
        decrypt_file(src, staged, _backup_key(header.install_id, recovery_key), progress, src.name)
    else:
        try:
            copy_sqlite(src, staged, progress, message=src.name)
        except sqlite3.DatabaseError:
            raise AppError("backup.not_a_backup") from None
    # An encrypted backup that decrypts is byte for byte the copy checked when it was made
    # (AES-GCM), so the quick check suffices; a plain one from before gets the full check.
    if not integrity_ok(staged, quick=encrypted):
        raise AppError("backup.damaged", path=str(src))
    staged_id = _install_id(staged)
    if current_id is not None and staged_id is not None and staged_id != current_id:
        raise AppError("backup.other_register")


def _install_id(path: Path) -> str | None:
    """The install id of the register in a SQLite file, None when it cannot be read."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            row = conn.execute("SELECT install_id FROM settings WHERE id = 1").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row and row[0] else None


def _backup_key(install_id: str, recovery_key: str | None) -> DataKey:
    """The data key of the backup's register: this computer's keyring, else the recovery key
    (the same 32 bytes, so the backup key derived from it is the same)."""
    try:
        return load_key(install_id)
    except KeyUnavailable:
        if not recovery_key:
            raise KeyUnavailable("backup.key_needed") from None
    return DataKey.from_recovery_text(recovery_key)


def _check_backup_chain(session: Session, accept_broken: bool) -> ChainStatus | None:
    """The backup's audit chain must hold (without this desk's anchor: a backup is older by
    nature). Broken: refused with the first bad entry named, unless accepted; returns the
    accepted broken status."""
    audit.hold_anchor(session)
    status = verify_chain(session, use_anchor=False)
    if status.ok:
        return None
    if not accept_broken:
        raise AppError("backup.audit_broken", problem=chain_problem(status), entry=status.broken_at)
    return status


def _record_restore(
    session: Session, actor: Actor, applied: list[ErasureFact], broken: ChainStatus | None
) -> audit.Anchor:
    """The restore in the restored log; the desk's anchor moves to it once the file is in place
    (a restore goes back in time on purpose). A broken chain accepted is recorded too."""
    audit.hold_anchor(session)
    fields = ["erasures_reapplied"] if applied else []
    if broken is not None:
        audit.record(session, actor, "backup.restore_broken_audit", "audit", broken.broken_at or 0)
    audit.record(session, actor, "backup.restore", "database", "", fields)
    return audit.newest_anchor(session)


def _keep_replaced(target: Path, current: Database | None, folder: Path, stamp: str) -> Path | None:
    if not target.exists() or target.stat().st_size == 0:
        return None
    if current is not None:
        kept = folder / f"{backup_stem(target)}-{stamp}-replaced{SUFFIX}"
        _encrypt_replaced(target, current, kept)
        rotate(folder, backup_stem(target), KEEP_REPLACED, kind="replaced")
        return kept
    # A damaged file cannot be copied page by page: move it aside as it is.
    kept = folder / f"{backup_stem(target)}-{stamp}-damaged.sqlite3"
    new_private_file(kept)
    os.replace(target, kept)
    for suffix in ("-wal", "-shm"):
        extra = Path(str(target) + suffix)
        if extra.exists():
            os.replace(extra, Path(str(kept) + suffix))
    return kept


def _encrypt_replaced(target: Path, current: Database, kept: Path) -> None:
    """The replaced database kept as an encrypted backup, like any other.

    The live file is encrypted as it is, inside a read transaction begun on an empty WAL: no
    checkpoint may then write into the file, so its bytes are that snapshot (saves a copy of
    the whole file, 2 s on 100,000 customers). When a write slipped in meanwhile, an online
    copy beside the database is encrypted instead and removed on success and on failure."""
    with current.begin() as s:
        install_id = get_settings(s).install_id
        key = data_key(s)
        revision = schema_revision(current.engine) or ""
    current.dispose()
    kept.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(target, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        wal = Path(str(target) + "-wal")
        if not wal.exists() or wal.stat().st_size == 0:
            encrypt_file(target, kept, key, install_id, revision)
            return
    finally:
        conn.close()
    plain = temporary_copy(target, backup_stem(target), "replaced")
    try:
        copy_sqlite(target, plain)
        encrypt_file(plain, kept, key, install_id, schema_revision_of(plain))
    finally:
        remove_sqlite_files(plain)
