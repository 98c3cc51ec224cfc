"""Making a backup: by hand (``backup``) or automatically on exit once a day, rotated; to the
backup folder and, when one is set, copied to the second backup folder (a USB stick)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from core.backup.crypt import SUFFIX, encrypt_file
from core.backup.files import (
    Progress,
    ShouldAbort,
    backup_folder,
    backup_stem,
    copy_sqlite,
    integrity_ok,
    postgres_refusal,
    rotate,
    schema_revision_of,
    second_backup_folder,
    temporary_copy,
)
from core.backup.offdisk import counts_off_disk
from core.clock import now
from core.db import Database, remove_sqlite_files
from core.errors import AppError
from core.files import fsync_file, open_private
from core.models import Settings
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.settings import data_key, get_settings

AUTO_INTERVAL = timedelta(days=1)


def backup(
    db: Database,
    actor: Actor,
    dest: Path | None = None,
    progress: Progress | None = None,
    should_abort: ShouldAbort | None = None,
    *,
    automatic: bool = False,
) -> Path:
    """Write a checked, dated backup; ``dest`` is a folder or a file name. Returns the file."""
    require(actor, Permission.BACKUP)
    if not db.is_sqlite or db.path is None:
        raise postgres_refusal(db.url, restore=False)
    with db.begin() as s:
        folder = backup_folder(s)
        second = second_backup_folder(s)
    stamp = now().strftime("%Y%m%d-%H%M%S")
    name = f"{backup_stem(db.path)}-{stamp}{'-auto' if automatic else ''}{SUFFIX}"
    if dest is None:
        target = folder / name
    else:
        dest = Path(dest).expanduser()
        target = dest if dest.suffix and not dest.is_dir() else dest / name
    if target.resolve() == db.path.resolve():
        raise AppError("backup.same_file")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_encrypted_copy(db, target, progress, should_abort)
    off_disk = counts_off_disk(target.parent, db.path, second)
    with db.begin() as s:
        settings = s.get(Settings, 1)
        if settings is not None:
            settings.last_backup_at = now()
            if off_disk:
                settings.last_offdisk_backup_at = settings.last_backup_at
        audit.record(
            s,
            actor,
            "backup.automatic" if automatic else "backup.create",
            "database",
            "",
            ["backup"],
        )
    if automatic:
        rotate(target.parent, backup_stem(db.path))
    return target


@dataclass(frozen=True)
class BackupResult:
    """A backup to the configured folders: the backup, its copy in the second folder (None when
    no second folder is set or the copy failed) and, when it failed, why (a message naming the
    folder). A failed second copy never undoes the backup itself."""

    path: Path
    second: Path | None = None
    second_problem: str = ""


def backup_to_folders(
    db: Database,
    actor: Actor,
    progress: Progress | None = None,
    should_abort: ShouldAbort | None = None,
    *,
    automatic: bool = False,
    folder: Path | None = None,
    second: Path | None = None,
) -> BackupResult:
    """The backup to the backup folder (``folder``, else the configured one), then its copy to
    the second folder (``second``, else the configured one) when there is one."""
    path = backup(db, actor, folder, progress, should_abort, automatic=automatic)
    if second is None:
        with db.begin() as s:
            second = second_backup_folder(s)
    if second is None:
        return BackupResult(path)
    try:
        copied = copy_to_second(db, actor, path, second, automatic=automatic)
    except AppError as exc:
        return BackupResult(path, None, exc.message())
    return BackupResult(path, copied)


def copy_to_second(
    db: Database, actor: Actor, source: Path, folder: Path, *, automatic: bool = False
) -> Path:
    """The checked encrypted backup ``source`` copied into ``folder``, flushed to the medium and
    read back; records the copy off the disk when ``folder`` is on another device. A folder that is not there (a stick not plugged
    in) is never created on the local disk: ``backup.second_missing`` names it instead."""
    require(actor, Permission.BACKUP)
    assert db.path is not None
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise AppError("backup.second_missing", folder=str(folder))
    target = folder / source.name
    partial = target.with_name(target.name + ".partial")
    try:
        written = hashlib.sha256()
        with open(source, "rb") as src, open_private(partial) as out:
            while chunk := src.read(1 << 20):
                written.update(chunk)
                out.write(chunk)
        fsync_file(partial)
        if _sha256(partial) != written.digest():
            raise AppError("backup.second_check_failed", folder=str(folder))
        os.replace(partial, target)
    except OSError as exc:
        raise AppError(
            "backup.second_failed", folder=str(folder), reason=exc.strerror or str(exc)
        ) from exc
    finally:
        try:
            partial.unlink(missing_ok=True)
        except OSError:  # the stick was pulled out: nothing left to remove
            pass
    off_disk = counts_off_disk(folder, db.path)
    with db.begin() as s:
        settings = s.get(Settings, 1)
        if settings is not None and off_disk:
            settings.last_offdisk_backup_at = now()
        audit.record(s, actor, "backup.second_copy", "database", "", ["backup"])
    if automatic:
        rotate(folder, backup_stem(db.path))
    return target


def backup_to_second(
    db: Database,
    actor: Actor,
    progress: Progress | None = None,
    should_abort: ShouldAbort | None = None,
) -> Path:
    """A backup written straight to the second folder (the reminder's "back up to USB stick")."""
    require(actor, Permission.BACKUP)
    with db.begin() as s:
        second = second_backup_folder(s)
    if second is None:
        raise AppError("backup.second_not_set")
    if not second.is_dir():
        raise AppError("backup.second_missing", folder=str(second))
    return backup(db, actor, second, progress, should_abort)


def _sha256(path: Path) -> bytes:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.digest()


def write_encrypted_copy(
    db: Database,
    target: Path,
    progress: Progress | None = None,
    should_abort: ShouldAbort | None = None,
) -> None:
    """The database's checked copy, encrypted, at ``target``.

    The online copy goes to an owner-only temporary file beside the database (never onto the
    backup medium: a USB stick keeps what is deleted from it), is checked, then encrypted to a
    ``.partial`` file renamed into place. The plain copy is removed on success and on failure.
    """
    assert db.path is not None
    with db.begin() as s:
        install_id = get_settings(s).install_id
        key = data_key(s)
    plain = temporary_copy(db.path, backup_stem(db.path), "backup")
    partial = target.with_name(target.name + ".partial")
    try:
        copy_sqlite(db.path, plain, progress, should_abort, message=target.name)
        # quick_check (under 1 s on 100,000 customers, the full check takes 9 s): the copy is
        # made page by page from the live file, and from here on AES-GCM detects any change.
        if not integrity_ok(plain, quick=True):
            raise AppError("backup.check_failed", path=str(target))
        revision = schema_revision_of(plain)
        encrypt_file(plain, partial, key, install_id, revision)
        os.replace(partial, target)
    finally:
        remove_sqlite_files(plain)
        partial.unlink(missing_ok=True)


def backup_due(db: Database) -> bool:
    if not db.is_sqlite:
        return False
    with db.begin() as s:
        settings = s.get(Settings, 1)
        last = settings.last_backup_at if settings else None
    return last is None or now() - last >= AUTO_INTERVAL


def auto_backup_if_due(
    db: Database, actor: Actor, progress: Progress | None = None
) -> BackupResult | None:
    """An automatic backup (to both folders) when the last one is older than a day."""
    if not actor.can(Permission.BACKUP) or not backup_due(db):
        return None
    return backup_to_folders(db, actor, progress, automatic=True)
