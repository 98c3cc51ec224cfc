"""The suppression list [S6][S11][S17]: who was erased at their own request, kept as nothing
but keyed blind indexes (the hetu's, the lower-case email's) and the erasure date.

An erasure or anonymisation request records it (``record_suppression``, before the wipe); an
import rejects a matching row and creating a matching customer by hand needs the user's
confirmation (``find_suppression``), so a later list never adds the person back silently.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.clock import today
from core.models import Customer, SuppressionRecord
from core.security.crypto import DataKey
from core.settings import data_key


def email_index(key: DataKey, email: str) -> str | None:
    clean = (email or "").strip().lower()
    return key.blind_index(clean) if clean else None


def record_suppression(session: Session, customer: Customer) -> None:
    """Keep the blind indexes of ``customer``'s hetu and email (call before the wipe)."""
    key = data_key(session)
    hetu_index = customer.hetu_index  # the same keyed index, already stored with the hetu
    mail_index = email_index(key, customer.email)
    if hetu_index is None and mail_index is None:
        return
    session.add(SuppressionRecord(hetu_index=hetu_index, email_index=mail_index, erased_on=today()))
    session.flush()


def find_suppression(
    session: Session, hetu_index: str | None, email: str
) -> SuppressionRecord | None:
    """The newest suppression record matching the hetu's index or the email, if any."""
    mail_index = email_index(data_key(session), email)
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
