"""Backups copied off this disk: what counts, and the manager's reminder after seven days.

A backup counts as copied off the disk when it was written (and checked) to a folder on another
device than the database file: the second backup folder (a USB stick) or any other. A copy on
the same disk is lost with it, so only these copies set ``Settings.last_offdisk_backup_at`` —
a second folder that is only another folder of the same disk does not silence the reminder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.db import sqlite_path
from core.models import Customer, Settings

# A manager is reminded when no backup has been copied off the disk for this many days.
OFFDISK_REMINDER_DAYS = 7


def on_another_device(folder: Path, db_path: Path) -> bool:
    """``folder`` is on another device (disk, partition, stick) than the file ``db_path``.

    ``st_dev`` is the device number on Linux and macOS; on Windows Python fills it with the
    volume serial number, so two folders on one volume compare equal there in the same way.
    """
    try:
        return device_of(folder) != device_of(db_path.parent)
    except OSError:
        return False


def device_of(path: Path) -> int:
    return os.stat(path).st_dev


def counts_off_disk(folder: Path, db_path: Path, second: Path | None = None) -> bool:
    """A backup written to ``folder`` is a copy off the database's disk. ``second`` (the
    second backup folder) gets no exception: the same disk is the same disk."""
    return on_another_device(folder, db_path)


@dataclass(frozen=True)
class Reminder:
    """``days`` since the last backup copied off the disk; None when there never was one."""

    days: int | None


def offdisk_reminder(session: Session, now: datetime) -> Reminder | None:
    """The reminder to copy a backup off the disk, or None when none is due.

    Due when the last off-disk copy is ``OFFDISK_REMINDER_DAYS`` days old or older, or when there
    never was one and the register holds customers: a new register with no data has nothing to
    lose yet, and a reminder on its first day would only teach the manager to ignore it. A
    database on a server has none (the server's own dumps are its backups).
    """
    if sqlite_path(session.get_bind().engine.url) is None:
        return None
    last = session.execute(select(Settings.last_offdisk_backup_at)).scalar_one_or_none()
    if last is None:
        has_data = session.execute(select(exists().where(Customer.id.is_not(None)))).scalar()
        return Reminder(None) if has_data else None
    age = now - last
    if age < timedelta(days=OFFDISK_REMINDER_DAYS):
        return None
    return Reminder(age.days)
