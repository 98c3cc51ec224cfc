"""Data-key rotation (manager only, audited): a new data key, everything it protects re-keyed in
one transaction, the new key in the OS keyring and its recovery key returned for a new sheet.

Re-keyed: every customer's encrypted hetu and its blind index, every requested hetu of a request
item, and the audit chain (its HMAC key is derived from the data key; the chain is verified
under the old key first, so a rotation never launders a break). The old recovery key then opens
only the backups made before the rotation.

The suppression list holds nothing but blind indexes of erased people; without their values
those cannot be recomputed under a new key, so the list has an index key of its own
(``core.customers.suppression``), which a rotation keeps and only wraps again under the new key:
an erased person is still recognised after any number of rotations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from core.customers.suppression import rewrap_suppression_key
from core.errors import AppError
from core.i18n import t
from core.models import Customer, RequestItem
from core.requests.intake import ENCRYPTED_PREFIX
from core.security import audit
from core.security.crypto import DataKey, remember_key, store_key
from core.security.permissions import Actor, Permission, require
from core.settings import data_key, get_settings

Progress = Callable[[int, int, str], None]
ShouldAbort = Callable[[], bool]
BATCH = 500
# Plain table updates, many rows a statement: a rotation is no edit of the customer (no version).
_customers: Table = Customer.__table__  # type: ignore[assignment]
_items: Table = RequestItem.__table__  # type: ignore[assignment]
_CUSTOMER_UPDATE = (
    update(_customers)
    .where(_customers.c.id == bindparam("b_id"))
    .values(hetu_encrypted=bindparam("b_blob"), hetu_index=bindparam("b_index"))
)
_ITEM_UPDATE = (
    update(_items)
    .where(_items.c.id == bindparam("b_id"))
    .values(requested_value=bindparam("b_value"))
)


class RotationAborted(AppError):
    code = "key.rotation_aborted"


@dataclass(frozen=True)
class Rotation:
    recovery_key: str  # for the new recovery sheet
    install_id: str
    customers: int
    request_items: int
    audit_entries: int

    def notice(self, lang: str | None = None) -> str:
        return t("key.rotated_notice", lang=lang)


def rotate_data_key(
    session: Session,
    actor: Actor,
    progress: Progress | None = None,
    should_abort: ShouldAbort | None = None,
) -> Rotation:
    require(actor, Permission.SETTINGS)
    session.flush()  # the check below lets go of every loaded object
    old = data_key(session)
    status = audit.verify_chain(session, key=old, use_anchor=False)
    if not status.ok:
        from core.verify import chain_problem

        raise AppError("key.rotation_chain_broken", problem=chain_problem(status))
    row = get_settings(session)
    new = DataKey.generate()
    customers = session.execute(
        select(Customer.id, Customer.hetu_encrypted).where(Customer.hetu_encrypted.is_not(None))
    ).all()
    items = session.execute(
        select(RequestItem.id, RequestItem.requested_value).where(
            RequestItem.field == "hetu", RequestItem.requested_value.startswith(ENCRYPTED_PREFIX)
        )
    ).all()
    entries = status.entries
    total = len(customers) + len(items) + entries
    done = 0

    def step(count: int, message: str) -> None:
        nonlocal done
        if should_abort and should_abort():
            raise RotationAborted()
        done += count
        if progress:
            progress(done, total, message)

    for start in range(0, len(customers), BATCH):
        rows = []
        for cid, blob in customers[start : start + BATCH]:
            hetu = old.decrypt(bytes(blob or b""), cid)
            rows.append(
                {"b_id": cid, "b_blob": new.encrypt(hetu, cid), "b_index": new.blind_index(hetu)}
            )
        session.execute(_CUSTOMER_UPDATE, rows)
        step(len(rows), t("key.rotating_customers"))
    for start in range(0, len(items), BATCH):
        rows = []
        for item_id, value in items[start : start + BATCH]:
            hetu = old.decrypt(bytes.fromhex(value[len(ENCRYPTED_PREFIX) :]), -item_id)
            blob = new.encrypt(hetu, -item_id)
            rows.append({"b_id": item_id, "b_value": ENCRYPTED_PREFIX + blob.hex()})
        session.execute(_ITEM_UPDATE, rows)
        step(len(rows), t("key.rotating_requests"))
    audit.rekey_chain(session, new, lambda count: step(count, t("key.rotating_audit")))
    row.key_check = new.key_check()
    rewrap_suppression_key(session, old, new)  # the list's own key, kept, wrapped anew
    remember_key(row.install_id, new)
    audit.record(
        session,
        actor,
        "key.rotated",
        "settings",
        1,
        ["audit_chain", "hetu_encrypted", "hetu_index", "requested_value"],
    )
    session.flush()
    store_key(row.install_id, new)  # last: anything failing before leaves the old key in use
    return Rotation(new.recovery_text(), row.install_id, len(customers), len(items), entries)


def new_recovery_sheet(session: Session, actor: Actor, rotation: Rotation, lang: str) -> bytes:
    """The recovery sheet of the new key (a PDF), saying it replaces the earlier one."""
    from core.clock import today
    from core.documents.data import Letterhead, RecoverySheetData
    from core.documents.recovery_sheet import build_recovery_sheet

    require(actor, Permission.SETTINGS)
    row = get_settings(session)
    data = RecoverySheetData(
        rotation.recovery_key,
        rotation.install_id,
        row.company_name,
        today(),
        actor.full_name or actor.username,
        replaces_earlier=True,
    )
    return build_recovery_sheet(data, Letterhead.from_settings(row), lang)


def rotate_and_write_sheet(
    session: Session,
    actor: Actor,
    sheet_path: Path,
    lang: str,
    progress: Progress | None = None,
    should_abort: ShouldAbort | None = None,
) -> Rotation:
    """``rotate_data_key`` with the new recovery sheet written (owner-only) to ``sheet_path``
    in the same transaction: when the sheet cannot be written, nothing is changed and the old
    key goes back into the keyring, so the register never holds a key nobody has on paper."""
    from core.files import write_private

    old = data_key(session)
    rotation = rotate_data_key(session, actor, progress, should_abort)
    try:
        write_private(sheet_path, new_recovery_sheet(session, actor, rotation, lang))
    except BaseException:
        store_key(rotation.install_id, old)
        remember_key(rotation.install_id, old)
        raise
    return rotation
