"""The audit log: append-only, every entry hashes the previous one.

Entries name the action, the entity and the field names, never personal values. They are
written in the same transaction as the change they record. Locking the one-row chain head
serialises writers on PostgreSQL too, so two desks can never fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import now
from core.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _digest(
    entry_id: int,
    at: datetime,
    user_id: int | None,
    username: str,
    action: str,
    entity: str,
    entity_id: str,
    fields: str,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [entry_id, at.isoformat(), user_id, username, action, entity, entity_id, fields, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def lock_head(session: Session) -> AuditHead:
    """The chain's head, locked until the transaction ends: on PostgreSQL a row lock (FOR
    UPDATE), on SQLite the write lock the transaction began with (core.db). Read again from
    the database, never from the session's copy, so the next id is the database's."""
    head = session.execute(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS)
        session.add(head)
        session.flush()
    return head


def last_id(session: Session) -> int:
    """The newest entry's id as this transaction sees it (0 for an empty chain), unlocked."""
    return session.execute(select(AuditHead.last_id).where(AuditHead.id == 1)).scalar() or 0


def record(
    session: Session,
    actor: object | None,
    action: str,
    entity: str = "",
    entity_id: object = "",
    fields: Iterable[str] = (),
) -> AuditEntry:
    """Append one entry. ``actor`` is a core.security.permissions.Actor (or None for the system)."""
    head = lock_head(session)
    user_id = getattr(actor, "user_id", None)
    username = getattr(actor, "username", "") or ("system" if actor is None else "")
    field_text = ",".join(sorted(set(fields)))
    entry_id = head.last_id + 1
    at = now()
    digest = _digest(
        entry_id, at, user_id, username, action, entity, str(entity_id), field_text, head.last_hash
    )
    entry = AuditEntry(
        id=entry_id,
        at=at,
        user_id=user_id,
        username=username,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        fields=field_text,
        prev_hash=head.last_hash,
        hash=digest,
    )
    session.add(entry)
    head.last_id = entry_id
    head.last_hash = digest
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    entries: int
    broken_at: int | None = None
    reason: str = ""  # "edited", "gap", "head"


def verify_chain(session: Session, batch: int = 5000) -> ChainStatus:
    """Recompute every hash; report the first entry that was edited, removed or inserted."""
    prev = GENESIS
    expected_id = 1
    count = 0
    last_id = 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.id >= expected_id)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            break
        for e in rows:
            if e.id != expected_id:
                return ChainStatus(False, count, expected_id, "gap")
            if e.prev_hash != prev or e.hash != _digest(
                e.id,
                e.at,
                e.user_id,
                e.username,
                e.action,
                e.entity,
                e.entity_id,
                e.fields,
                e.prev_hash,
            ):
                return ChainStatus(False, count, e.id, "edited")
            prev = e.hash
            expected_id += 1
            count += 1
            last_id = e.id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id != last_id or head.last_hash != prev):
        return ChainStatus(False, count, last_id + 1, "gap")
    return ChainStatus(True, count)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: str
    fields: str


def list_entries(
    session: Session,
    actor: object,
    *,
    username: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[AuditRow]:
    """The newest entries first, filtered (manager only)."""
    from core.security.permissions import Permission, require

    require(actor, Permission.AUDIT_LOG)
    q = select(AuditEntry)
    if username:
        q = q.where(func.lower(AuditEntry.username) == username.lower())
    if action:
        q = q.where(AuditEntry.action == action)
    if since:
        q = q.where(AuditEntry.at >= since)
    if until:
        q = q.where(AuditEntry.at <= until)
    q = q.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return [
        AuditRow(e.id, e.at, e.username, e.action, e.entity, e.entity_id, e.fields)
        for e in session.execute(q).scalars()
    ]


def distinct_actions(session: Session) -> list[str]:
    return list(
        session.execute(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).scalars()
    )
