"""Making a backup: by hand (``backup``) or automatically on exit once a day, rotated."""

from __future__ import annotations

import os
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
    temporary_copy,
)
from core.clock import now
from core.db import Database, remove_sqlite_files
from core.errors import AppError
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
    with db.begin() as s:
        settings = s.get(Settings, 1)
        if settings is not None:
            settings.last_backup_at = now()
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


def auto_backup_if_due(db: Database, actor: Actor, progress: Progress | None = None) -> Path | None:
    """The GUI's exit hook: an automatic backup when the last one is older than a day."""
    if not actor.can(Permission.BACKUP) or not backup_due(db):
        return None
    return backup(db, actor, None, progress, automatic=True)
