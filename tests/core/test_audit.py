from __future__ import annotations

from sqlalchemy import delete, select, update

from core.customers import service as customers
from core.models import AuditEntry
from core.security import audit
from core.security.audit import verify_chain


def _some_entries(db, manager) -> None:
    with db.begin() as s:
        for i in range(3):
            customers.create_customer(
                s, manager, {"first_name": f"Asiakas{i}", "last_name": "Testinen"}
            )


def test_chain_verifies_when_untouched(db, manager) -> None:
    _some_entries(db, manager)
    with db.begin() as s:
        status = verify_chain(s)
    assert status.ok and status.entries >= 5


def test_edited_entry_is_detected_at_its_number(db, manager) -> None:
    _some_entries(db, manager)
    with db.begin() as s:
        target = (
            s.execute(
                select(AuditEntry.id)
                .where(AuditEntry.action == "customer.create")
                .order_by(AuditEntry.id)
            )
            .scalars()
            .first()
        )
        s.execute(update(AuditEntry).where(AuditEntry.id == target).values(username="mallory"))
    with db.begin() as s:
        status = verify_chain(s)
    assert not status.ok and status.broken_at == target and status.reason == "edited"


def test_removed_entry_is_detected_as_a_gap(db, manager) -> None:
    _some_entries(db, manager)
    with db.begin() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.id == 3))
    with db.begin() as s:
        status = verify_chain(s)
    assert not status.ok and status.broken_at == 3 and status.reason == "gap"


def test_removed_newest_entry_is_detected(db, manager) -> None:
    _some_entries(db, manager)
    with db.begin() as s:
        last = s.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc())).scalars().first()
        s.execute(delete(AuditEntry).where(AuditEntry.id == last))
    with db.begin() as s:
        assert not verify_chain(s).ok


def test_audit_entries_hold_no_personal_values(db, manager) -> None:
    with db.begin() as s:
        c = customers.create_customer(
            s,
            manager,
            {
                "first_name": "Salainen",
                "last_name": "Henkilö",
                "email": "salainen@example.fi",
                "hetu": "131052-308T",
            },
        )
        customers.reveal_hetu(s, manager, c.id)
    with db.begin() as s:
        text = " ".join(
            " ".join(str(v) for v in row)
            for row in s.execute(
                select(
                    AuditEntry.username,
                    AuditEntry.action,
                    AuditEntry.entity,
                    AuditEntry.entity_id,
                    AuditEntry.fields,
                )
            )
        )
    for value in ("Salainen", "Henkilö", "salainen@example.fi", "131052"):
        assert value not in text


def test_list_entries_is_manager_only(db, manager, receptionist) -> None:
    import pytest

    from core.errors import PermissionDenied

    with db.begin() as s:
        assert audit.list_entries(s, manager, action="login.success")
        with pytest.raises(PermissionDenied):
            audit.list_entries(s, receptionist)
