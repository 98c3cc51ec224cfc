"""The audit log: append-only, every entry chained to the previous one by an HMAC.

Entries name the action, the entity and the field names, never personal values. They are
written in the same transaction as the change they record. Locking the one-row chain head
serialises writers on PostgreSQL too, so two desks can never fork the chain.

The chain is keyed: each entry's hash is an HMAC-SHA256 under a key derived from the data key
(``DataKey.audit_key``), so whoever can write the file but has not the key cannot recompute
it. Entries made before the chain was keyed (schema 0007) keep their plain SHA-256 hashes and
are checked the old way below ``AuditHead.keyed_from``, the boundary recorded by that
migration. The head row is required: without it nothing is written and ``verify`` fails.

Each desk keeps, outside the database, an anchor per register (by its install id, so a copy of
the file is checked against it too): the newest entry id and hash it has seen committed. The
newest entries deleted and the head moved back then no longer match it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, event, func, or_, select
from sqlalchemy.orm import Session

from core.clock import now
from core.errors import AppError
from core.files import write_private
from core.models import AuditEntry, AuditHead, Settings
from core.security.crypto import DataKey, cached_key

GENESIS = "0" * 64
ANCHOR_FILE = "audit-anchors.json"
_NOTE = "audit_anchor"  # session.info: the anchor to write once this transaction commits
_NO_ANCHOR = "audit_no_anchor"  # session.info: this transaction moves no anchor itself
_REKEYED = "audit_rekeyed"  # session.info: the chain was re-keyed, the anchor follows it


def _digest(
    key: bytes | None,
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
    """The entry's HMAC-SHA256 under ``key``; plain SHA-256 when ``key`` is None (the chain
    before schema 0007)."""
    payload = json.dumps(
        [entry_id, at.isoformat(), user_id, username, action, entity, entity_id, fields, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _entry_digest(key: bytes | None, e: AuditEntry, prev_hash: str | None = None) -> str:
    return _digest(
        key,
        e.id,
        e.at,
        e.user_id,
        e.username,
        e.action,
        e.entity,
        e.entity_id,
        e.fields,
        e.prev_hash if prev_hash is None else prev_hash,
    )


def _register(session: Session) -> Settings:
    row = session.get(Settings, 1)
    if row is None:
        raise AppError("db.not_initialised")
    return row


def chain_key(session: Session) -> DataKey:
    """The data key whose derived audit key chains this register's log."""
    row = _register(session)
    return cached_key(row.install_id, row.key_check)


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
    if head is None:  # the head row is required: its loss is itself a break of the chain
        raise AppError("audit.head_missing")
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
    """Append one entry. ``actor`` is a core.security.permissions.Actor (or None for the system).

    Raises ``KeyUnavailable`` when the data key is not at hand (nothing unkeyed is ever
    appended) and ``AppError("audit.head_missing")`` when the chain's head row is gone."""
    head = lock_head(session)
    register = _register(session)
    key = cached_key(register.install_id, register.key_check).audit_key
    user_id = getattr(actor, "user_id", None)
    username = getattr(actor, "username", "") or ("system" if actor is None else "")
    field_text = ",".join(sorted(set(fields)))
    entry_id = head.last_id + 1
    at = now()
    digest = _digest(
        key,
        entry_id,
        at,
        user_id,
        username,
        action,
        entity,
        str(entity_id),
        field_text,
        head.last_hash,
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
    _note_anchor(session, register.install_id, entry_id, digest, head.keyed_from)
    return entry


# --- the anchor outside the database ---------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    install_id: str
    entry_id: int
    hash: str
    keyed_from: int


def anchor_path() -> Path:
    from platformdirs import user_config_dir

    from core.db import APP_NAME

    return Path(user_config_dir(APP_NAME, appauthor=False)) / ANCHOR_FILE


def _read_anchors() -> dict[str, Any]:
    try:
        data = json.loads(anchor_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_anchor(install_id: str) -> Anchor | None:
    """The newest entry this desk has seen committed in the register ``install_id``."""
    item = _read_anchors().get(install_id)
    if not isinstance(item, dict):
        return None
    try:
        return Anchor(install_id, int(item["id"]), str(item["hash"]), int(item["keyed_from"]))
    except (TypeError, KeyError, ValueError):
        return None


def write_anchor(anchor: Anchor) -> None:
    """Owner-only, atomically: a temporary file beside it, then ``os.replace``."""
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    anchors = _read_anchors()
    anchors[anchor.install_id] = {
        "id": anchor.entry_id,
        "hash": anchor.hash,
        "keyed_from": anchor.keyed_from,
    }
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_private(temporary, json.dumps(anchors, indent=1, sort_keys=True).encode("utf-8"))
    os.replace(temporary, path)


def _note_anchor(
    session: Session, install_id: str, entry_id: int, digest: str, keyed_from: int
) -> None:
    """Remember the new newest entry, to be written to the anchor after the commit.

    The anchor only moves forward along the same chain: when the entry it names is no longer
    in this database as it was (a truncated or rewritten chain, or an older copy), it is kept
    as it is so ``verify`` goes on reporting the break (a restore moves it on purpose)."""
    if session.info.get(_NO_ANCHOR):
        return
    note = session.info.get(_NOTE)
    if note is None and not session.info.get(_REKEYED):
        current = load_anchor(install_id)
        if current is not None and current.entry_id < entry_id:
            kept = session.get(AuditEntry, current.entry_id)
            if kept is None or kept.hash != current.hash:
                session.info[_NO_ANCHOR] = True
                return
        elif current is not None:
            session.info[_NO_ANCHOR] = True
            return
    session.info[_NOTE] = Anchor(install_id, entry_id, digest, keyed_from)


def hold_anchor(session: Session) -> None:
    """This transaction's entries move no anchor by themselves (a restore moves it after the
    file has been replaced, with ``write_anchor``)."""
    session.info[_NO_ANCHOR] = True
    session.info.pop(_NOTE, None)


def newest_anchor(session: Session) -> Anchor:
    """The chain's newest entry as an anchor (a restore moves the desk's anchor to it)."""
    head = session.get(AuditHead, 1)
    if head is None:
        raise AppError("audit.head_missing")
    return Anchor(_register(session).install_id, head.last_id, head.last_hash, head.keyed_from)


@event.listens_for(Session, "after_commit")
def _write_noted_anchor(session: Session) -> None:
    note = session.info.pop(_NOTE, None)
    session.info.pop(_NO_ANCHOR, None)
    session.info.pop(_REKEYED, None)
    if note is not None:
        try:
            write_anchor(note)
        except OSError:
            pass  # the register's data is committed; the next commit writes the anchor again


@event.listens_for(Session, "after_rollback")
def _drop_noted_anchor(session: Session) -> None:
    session.info.pop(_NOTE, None)
    session.info.pop(_NO_ANCHOR, None)
    session.info.pop(_REKEYED, None)


def rekey_chain(
    session: Session, key: DataKey, step: Callable[[int], None] | None = None, batch: int = 1000
) -> None:
    """Chain every entry again under ``key``'s audit key (a data-key rotation, in its
    transaction, after the chain was verified under the old key). The old plain hashes go too:
    the whole chain is keyed from then on, and this desk's anchor follows it."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        raise AppError("audit.head_missing")
    prev = GENESIS
    last_id = 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            break
        for e in rows:
            e.prev_hash = prev
            e.hash = prev = _entry_digest(key.audit_key, e, prev)
            last_id = e.id
        session.flush()
        if step:
            step(len(rows))
    head.last_hash = prev
    head.keyed_from = 1
    session.flush()
    session.info[_REKEYED] = True
    session.info.pop(_NO_ANCHOR, None)
    session.info.pop(_NOTE, None)


# --- the check -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    entries: int
    broken_at: int | None = None
    # "edited", "gap" (removed from the middle), "reorder", "unkeyed" (recomputed without the
    # key), "truncated" (the newest entries removed, as the anchor tells), "anchor" (the
    # anchored entry rewritten), "head_missing", "head" (the head does not name the last entry)
    reason: str = ""
    anchored: bool = False  # checked against this desk's anchor


def verify_chain(
    session: Session, batch: int = 5000, key: DataKey | None = None, use_anchor: bool = True
) -> ChainStatus:
    """Recompute every hash; report the first entry that was edited, removed, reordered or
    recomputed, and check the chain against this desk's anchor (``use_anchor``: a backup is
    older than the anchor by nature and is checked without it)."""
    head = session.get(AuditHead, 1)
    if head is None:
        newest = session.execute(select(func.max(AuditEntry.id))).scalar()
        return ChainStatus(False, 0, newest or 0, "head_missing")
    keyed_from = head.keyed_from
    register = _register(session)
    audit_key = (key or cached_key(register.install_id, register.key_check)).audit_key
    anchor = load_anchor(register.install_id) if use_anchor else None
    known = set(session.execute(select(AuditEntry.hash)).scalars())
    prev = GENESIS
    expected_id = 1
    count = 0
    last_id = 0
    anchor_seen = False
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
            if e.prev_hash != prev:
                reason = "reorder" if e.prev_hash in known else "gap"
                return ChainStatus(False, count, e.id, reason)
            if not hmac.compare_digest(e.hash, _entry_digest(audit_key, e)):
                # Below the boundary the old plain hash holds too (entries made before 0007).
                unkeyed = e.hash == _entry_digest(None, e)
                if not unkeyed:
                    return ChainStatus(False, count, e.id, "edited")
                if e.id >= keyed_from:
                    return ChainStatus(False, count, e.id, "unkeyed")
            if anchor is not None and e.id == anchor.entry_id:
                if not hmac.compare_digest(e.hash, anchor.hash):
                    return ChainStatus(False, count, e.id, "anchor")
                anchor_seen = True
            prev = e.hash
            expected_id += 1
            count += 1
            last_id = e.id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is None or head.last_id != last_id or head.last_hash != prev:
        return ChainStatus(False, count, last_id + 1, "head")
    if anchor is not None:
        if not anchor_seen:
            return ChainStatus(False, count, last_id + 1, "truncated")
        if anchor.keyed_from != keyed_from:
            return ChainStatus(False, count, min(anchor.keyed_from, keyed_from), "unkeyed")
    return ChainStatus(True, count, anchored=anchor is not None)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: str
    fields: str
    user_id: int | None = None
    hash: str = ""


def customer_condition(session: Session, customer_id: int) -> ColumnElement[bool]:
    """The entries that name the customer: the customer itself (a merge names both), their
    requests, orders and documents. An erased customer's requests and orders no longer point
    to them: only the entries naming the customer remain found."""
    from core.models import Document, Order, Request

    cid = str(customer_id)
    linked = [
        (
            entity,
            [
                str(i)
                for i in session.execute(select(model.id).where(column == customer_id)).scalars()
            ],
        )
        for entity, model, column in (
            ("request", Request, Request.customer_id),
            ("order", Order, Order.customer_id),
            ("document", Document, Document.customer_id),
        )
    ]
    named = or_(
        AuditEntry.entity_id == cid,
        AuditEntry.entity_id.like(f"{cid}<-%"),
        AuditEntry.entity_id.like(f"%<-{cid}"),
    )
    return or_(
        and_(AuditEntry.entity == "customer", named),
        *(
            and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids))
            for entity, ids in linked
            if ids
        ),
    )


def list_entries(
    session: Session,
    actor: object,
    *,
    username: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    customer_id: int | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[AuditRow]:
    """The newest entries first, filtered (manager only); ``customer_id``: the entries that
    name the customer or one of their requests, orders or documents."""
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
    if customer_id is not None:
        q = q.where(customer_condition(session, customer_id))
    q = q.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return [
        AuditRow(
            e.id, e.at, e.username, e.action, e.entity, e.entity_id, e.fields, e.user_id, e.hash
        )
        for e in session.execute(q).scalars()
    ]


def distinct_actions(session: Session) -> list[str]:
    return list(
        session.execute(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).scalars()
    )
