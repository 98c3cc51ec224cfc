"""Erasures and prohibitions applied again: a restore must never bring an erased person back
nor forget an objection (DESIGN.md section 7, [S6], GDPR Art. 21(3)).

The replaced database's erasure records that the backup does not know are applied to the restored
data again with ``core.customers.wipe.wipe_customer``, the one definition of what erasure
removes, in the mode the recorded action stands for. Its prohibitions (``Objection`` rows) that
the backup lacks are set again, with their original date, request and author.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.customers.wipe import MODE_FOR_ACTION, wipe_customer
from core.models import (
    Customer,
    CustomerState,
    ErasureRecord,
    Objection,
    ObjectionKind,
    Request,
)
from core.security import audit


def _wipe_as_recorded(session: Session, customer_id: int, action: str) -> None:
    """Wipe the customer in the mode the recorded action stands for; a customer the restored
    data no longer holds has nothing left to wipe."""
    mode = MODE_FOR_ACTION.get(action)
    if mode is None:
        raise ValueError(f"unknown erasure action {action!r}")
    if session.get(Customer, customer_id) is not None:
        wipe_customer(session, customer_id, mode)


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


def erasure_facts(session: Session) -> list[ErasureFact]:
    return [
        ErasureFact(r.customer_id, r.action, r.request_id, r.performed_at, r.performed_by)
        for r in session.execute(
            select(ErasureRecord).order_by(ErasureRecord.performed_at, ErasureRecord.id)
        ).scalars()
    ]


def reapply_erasures(session: Session, records: list[ErasureFact]) -> list[ErasureFact]:
    """Apply the given erasures to the data in ``session`` when it does not record them yet.

    Each one is recorded again (so a later restore knows it) and audited; returns those applied.
    """
    known = {f.key for f in erasure_facts(session)}
    applied = []
    for fact in sorted(records, key=lambda f: f.performed_at):
        if fact.key in known:
            continue
        _wipe_as_recorded(session, fact.customer_id, fact.action)
        session.add(
            ErasureRecord(
                customer_id=fact.customer_id,
                action=fact.action,
                request_id=fact.request_id,
                performed_at=fact.performed_at,
                performed_by=fact.performed_by,
            )
        )
        audit.record(
            session, None, "backup.erasure_reapplied", "customer", fact.customer_id, [fact.action]
        )
        known.add(fact.key)
        applied.append(fact)
    session.flush()
    return applied


@dataclass(frozen=True)
class ObjectionFact:
    customer_id: int
    kind: str
    set_on: date
    request_id: int | None
    set_by: str


def reapply_objections(session: Session, facts: list[ObjectionFact]) -> list[ObjectionFact]:
    """Set again each prohibition the restored data lacks (one set after the backup was taken).

    A customer the restored data does not hold, or holds anonymised (erasure removes the
    prohibitions with the data), has nothing to set; each one set is audited. Returns them.
    """
    known = {
        (cid, kind) for cid, kind in session.execute(select(Objection.customer_id, Objection.kind))
    }
    kinds = {k.value for k in ObjectionKind}
    applied = []
    for fact in sorted(facts, key=lambda f: (f.set_on, f.customer_id, f.kind)):
        if fact.kind not in kinds or (fact.customer_id, fact.kind) in known:
            continue
        customer = session.get(Customer, fact.customer_id)
        if customer is None or customer.state == CustomerState.ANONYMISED.value:
            continue
        request_id = fact.request_id
        if request_id is not None and not _request_exists(session, request_id):
            request_id = None  # the request came after the backup: the date and author remain
        session.add(
            Objection(
                customer_id=fact.customer_id,
                kind=fact.kind,
                set_on=fact.set_on,
                request_id=request_id,
                set_by=fact.set_by,
            )
        )
        audit.record(
            session,
            None,
            "backup.objection_reapplied",
            "customer",
            fact.customer_id,
            [f"objection.{fact.kind}"],
        )
        known.add((fact.customer_id, fact.kind))
        applied.append(fact)
    session.flush()
    return applied


def _request_exists(session: Session, request_id: int) -> bool:
    return session.get(Request, request_id) is not None
