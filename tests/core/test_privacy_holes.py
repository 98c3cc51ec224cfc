"""Holes an auditor finds by trying (issue 13, point 11): erasure without the right, an export
over a readable file, a deactivated user's open window, a password that must be changed, any
ground for a transfer outside the EU/EEA, a receptionist exporting the register."""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import select

from core.customers.service import get_customer
from core.disclosures import record_disclosure
from core.errors import PermissionDenied, ValidationErrors
from core.models import AuditEntry, Customer, User
from core.requests.anonymisation import anonymise_customer
from core.requests.erasure import erase_customer, restrict_customer
from core.security import auth
from core.security.auth import attempt_login, create_user, set_active
from core.transfer.exporting import export_customers
from tests.conftest import CLI_PASSWORD
from tests.core.requests_helpers import make_customer, recipient


@pytest.mark.parametrize(
    "wipe",
    [
        lambda s, a, cid: erase_customer(s, a, cid, None),
        lambda s, a, cid: restrict_customer(s, a, cid, None, date(2030, 1, 1)),
        lambda s, a, cid: anonymise_customer(s, a, cid, None),
    ],
    ids=["erase", "restrict", "anonymise"],
)
def test_receptionist_cannot_erase_restrict_or_anonymise(db, manager, receptionist, wipe):
    cid = make_customer(db, manager)
    with db.begin() as s:
        with pytest.raises(PermissionDenied):
            wipe(s, receptionist, cid)
    with db.begin() as s:
        customer = get_customer(s, cid)
        assert customer.state == "active" and customer.email == "matti@example.fi"


def test_export_over_an_existing_readable_file_leaves_it_owner_only(db, manager, tmp_path):
    make_customer(db, manager)
    target = tmp_path / "asiakkaat.csv"
    target.write_text("old")
    os.chmod(target, 0o644)
    with db.begin() as s:
        assert export_customers(s, manager, target) == 1
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert "Meikäläinen" in target.read_text(encoding="utf-8-sig")


def test_deactivated_user_open_session_is_refused_at_next_call(db, manager, receptionist):
    make_customer(db, receptionist)  # works while active
    with db.begin() as s:
        uid = s.execute(select(User.id).where(User.username == "reception")).scalar_one()
        set_active(s, manager, uid, False)
    with pytest.raises(PermissionDenied) as exc:
        with db.begin() as s:
            make_customer_in(s, receptionist)
    assert "poistettu käytöstä" in exc.value.message()
    with db.begin() as s:
        assert s.execute(select(Customer.id)).scalars().all() == [1]
        # the manager's own calls are untouched by the check
        make_customer_in(s, manager)


def make_customer_in(s, actor):  # type: ignore[no-untyped-def]
    from core.customers.service import create_customer

    return create_customer(s, actor, {"first_name": "Liisa", "last_name": "Laine"})


def _user_who_must_change_password(db, manager) -> None:  # type: ignore[no-untyped-def]
    with db.begin() as s:
        create_user(
            s, manager, "uusi", "Uusi Käyttäjä", "receptionist", CLI_PASSWORD, date(2024, 2, 1)
        )


def test_core_refuses_a_user_who_must_change_password_until_changed(db, manager):
    _user_who_must_change_password(db, manager)
    fresh = attempt_login(db, "uusi", CLI_PASSWORD)
    assert fresh.must_change_password
    with pytest.raises(PermissionDenied) as exc:
        with db.begin() as s:
            make_customer_in(s, fresh)
    assert exc.value.code == "error.password_change_required"
    with db.begin() as s:
        auth.change_own_password(s, fresh, CLI_PASSWORD, "Uusi-Salasana-Talvi-9")
    with db.begin() as s:
        assert make_customer_in(s, fresh).id


def test_cli_refuses_a_user_who_must_change_password(db, manager, monkeypatch):
    from core.cli.common import PASSWORD_ENV, CliError, login

    _user_who_must_change_password(db, manager)
    monkeypatch.setenv(PASSWORD_ENV, CLI_PASSWORD)
    with pytest.raises(CliError) as exc:
        login(db, "uusi")
    assert exc.value.code == 2
    assert str(exc.value) == (
        "Salasana on vaihdettava: kirjaudu sovellukseen ja vaihda salasana ennen "
        "komentorivin käyttöä."
    )


def test_transfer_outside_eea_only_for_technical_implementation(db, manager):
    cid = make_customer(db, manager)
    with db.begin() as s:
        with pytest.raises(ValidationErrors) as exc:
            record_disclosure(
                s,
                manager,
                cid,
                recipient(s, manager, "Cloud Inc"),
                "partner_processing",
                ["email"],
                outside_eea=True,
                justification="Asiakas suostui",
            )
        assert "outside_eea_justification" in exc.value.by_field()
        row = record_disclosure(
            s,
            manager,
            cid,
            recipient(s, manager, "Cloud Inc"),
            "partner_processing",
            ["email"],
            outside_eea=True,
            justification="company_technical_implementation",
        )
        assert row.outside_eea_justification == "company_technical_implementation"


def test_receptionist_cannot_export_the_register_but_keeps_the_lists_page(
    db, manager, receptionist, tmp_path
):
    from gui.pages import pages_for

    make_customer(db, manager)
    target = tmp_path / "kaikki.csv"
    with db.begin() as s:
        with pytest.raises(PermissionDenied):
            export_customers(s, receptionist, target)
    assert not target.exists()
    assert "lists" in [p.key for p in pages_for(receptionist)]
    with db.begin() as s:
        export_customers(s, manager, target)
        actions = s.execute(select(AuditEntry.action)).scalars().all()
    assert "customer.export" in actions
