"""The suppression list [S6][S11][S17]: who was erased at their own request, kept as nothing
but keyed blind indexes (the hetu's, the lower-case email's) and the erasure date.

An erasure or anonymisation request records it (``record_suppression``, before the wipe); an
import rejects a matching row and creating a matching customer by hand needs the user's
confirmation (``find_suppression``), so a later list never adds the person back silently.
"""

from __future__ import annotations

import hmac
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.clock import today
from core.models import Customer, Settings, SuppressionRecord
from core.security.crypto import DataKey
from core.settings import data_key

_LABEL = b"suppression list index key"


class SuppressionKey:
    """The suppression list's index key. It is kept apart from the data key (wrapped under
    it in Settings) because its indexes cannot be recomputed after a key rotation: the values
    are erased. At first use it is the data key's own index key, which the records were made
    under before it existed, so a stored hetu's index and the list's agree until a rotation."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def index(self, value: str) -> str:
        return hmac.digest(self._secret, value.encode("utf-8"), "sha256").hex()

    def email_index(self, email: str) -> str | None:
        clean = (email or "").strip().lower()
        return self.index(clean) if clean else None

    def hetu_index(self, hetu: str) -> str | None:
        return self.index(hetu) if hetu else None


def suppression_key(session: Session) -> SuppressionKey:
    row = session.get(Settings, 1)
    key = data_key(session)
    if row is None:
        return SuppressionKey(key.index_key)
    if row.suppression_key is None:  # never rotated: the data key's own index key
        return SuppressionKey(key.index_key)
    return SuppressionKey(key.unwrap(row.suppression_key, _LABEL))


def rewrap_suppression_key(session: Session, old: DataKey, new: DataKey) -> None:
    """A key rotation: the list's key wrapped again under the new data key (kept as it is)."""
    row = session.get(Settings, 1)
    if row is None:
        return
    secret = (
        old.index_key if row.suppression_key is None else old.unwrap(row.suppression_key, _LABEL)
    )
    row.suppression_key = new.wrap(secret, _LABEL)


def record_suppression(session: Session, customer: Customer) -> None:
    """Keep the blind indexes of ``customer``'s hetu and email (call before the wipe)."""
    key = suppression_key(session)
    hetu = (
        data_key(session).decrypt(customer.hetu_encrypted, customer.id)
        if customer.hetu_encrypted
        else ""
    )
    hetu_index = key.hetu_index(hetu)
    mail_index = key.email_index(customer.email)
    if hetu_index is None and mail_index is None:
        return
    session.add(SuppressionRecord(hetu_index=hetu_index, email_index=mail_index, erased_on=today()))
    session.flush()


def find_suppression(session: Session, hetu: str, email: str) -> SuppressionRecord | None:
    """The newest suppression record matching the hetu or the email, if any."""
    key = suppression_key(session)
    hetu_index = key.hetu_index(hetu)
    mail_index = key.email_index(email)
    conditions = []
    if hetu_index:
        conditions.append(SuppressionRecord.hetu_index == hetu_index)
    if mail_index:
        conditions.append(SuppressionRecord.email_index == mail_index)
    if not conditions:
        return None
    return session.execute(
        select(SuppressionRecord)
        .where(or_(*conditions))
        .order_by(SuppressionRecord.erased_on.desc(), SuppressionRecord.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def suppression_map(session: Session) -> dict[str, date]:
    """Every index on the list with its newest erasure date (an import loads it once)."""
    found: dict[str, date] = {}
    for hetu_index, mail_index, erased_on in session.execute(
        select(
            SuppressionRecord.hetu_index, SuppressionRecord.email_index, SuppressionRecord.erased_on
        )
    ):
        for index in (hetu_index, mail_index):
            if index and (index not in found or found[index] < erased_on):
                found[index] = erased_on
    return found
