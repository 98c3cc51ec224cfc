"""A restore forgets no prohibition set after the backup ([S6], GDPR Art. 21(3); issue 13
point 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core import clock
from core.backup.create import backup
from core.backup.restore import restore
from core.customers.service import create_customer, set_objections
from core.models import AuditEntry, Objection
from core.settings import get_settings


def _kinds(db, customer_id: int) -> set[str]:
    with db.begin() as s:
        return set(
            s.execute(select(Objection.kind).where(Objection.customer_id == customer_id)).scalars()
        )


@pytest.fixture
def people(db, manager, tmp_path: Path) -> tuple[int, int]:
    if not db.is_sqlite:
        pytest.skip("SQLite backup API")
    with db.begin() as s:
        get_settings(s).backup_folder = str(tmp_path / "kopiot")
        early = create_customer(s, manager, {"first_name": "Aino", "last_name": "Aikainen"}).id
        late = create_customer(s, manager, {"first_name": "Bertta", "last_name": "Myohainen"}).id
        set_objections(s, manager, early, ["publication"])
    return early, late


def test_restore_sets_again_the_prohibitions_set_after_the_backup(db, manager, people) -> None:
    early, late = people
    taken = backup(db, manager)
    clock.shift(86400)
    with db.begin() as s:
        set_objections(s, manager, late, ["direct_marketing", "distance_selling"])
        set_objections(s, manager, early, ["publication", "research"])
    report = restore(db.url, taken, actor=manager)
    assert report.objections_reapplied == 3
    assert _kinds(db, late) == {"direct_marketing", "distance_selling"}
    assert _kinds(db, early) == {"publication", "research"}
    with db.begin() as s:
        row = s.execute(
            select(Objection).where(
                Objection.customer_id == late, Objection.kind == "direct_marketing"
            )
        ).scalar_one()
        assert row.set_on == clock.today() and row.set_by == "manager"
        logged = list(
            s.execute(
                select(AuditEntry).where(AuditEntry.action == "backup.objection_reapplied")
            ).scalars()
        )
        assert sorted(e.entity_id for e in logged) == sorted([str(early), str(late), str(late)])
        assert any("direct_marketing" in e.fields for e in logged)
    # Restoring the same old backup again still keeps them.
    again = restore(db.url, taken, actor=manager)
    assert again.objections_reapplied == 3
    assert _kinds(db, late) == {"direct_marketing", "distance_selling"}


def test_a_restore_with_nothing_new_reapplies_no_prohibition(db, manager, people) -> None:
    early, _late = people
    taken = backup(db, manager)
    report = restore(db.url, taken, actor=manager)
    assert report.objections_reapplied == 0
    assert _kinds(db, early) == {"publication"}


def test_the_restore_command_says_how_many_were_set_again(
    db, manager, people, monkeypatch, capsys
) -> None:
    import argparse

    from core.backup.cli import cmd_restore
    from tests.conftest import MANAGER_PASSWORD

    _early, late = people
    taken = backup(db, manager)
    with db.begin() as s:
        set_objections(s, manager, late, ["research"])
    monkeypatch.setenv("ASIAKASREKISTERI_PASSWORD", MANAGER_PASSWORD)
    args = argparse.Namespace(
        db=str(db.path),
        src=str(taken),
        user="manager",
        recovery_key=False,
        accept_broken_audit=False,
    )
    assert cmd_restore(args) == 0
    out = capsys.readouterr().out
    assert "Varmuuskopion jälkeen asetetut kiellot asetettiin uudelleen: 1" in out
    assert _kinds(db, late) == {"research"}
