"""The audit log as a manager reads it: names instead of codes and ids, a customer filter and
the audited export for the Ombudsman or an auditor."""

from __future__ import annotations

import csv
import re
import stat
from datetime import date

import pytest
from sqlalchemy import select

from core.customers import service as customers
from core.disclosures import record_disclosure
from core.errors import AuthError, PermissionDenied
from core.models import AuditEntry, Order
from core.requests import (
    ItemInput,
    anonymise,
    apply_objection,
    decide_rectification,
    erase,
    extend_deadline,
    finish_access,
    finish_rectification,
    refuse_request,
    withdraw_request,
)
from core.requests.documents import produce_access_report
from core.requests.workflow import get_request
from core.security.audit import list_entries
from core.security.audit_view import readable, readable_entries
from core.transfer.exporting import export_audit, export_customers
from tests.conftest import valid_hetu
from tests.core.requests_helpers import add_order, make_customer, new_request, recipient

PASSWORD = "Pitka-Salasana-2026"
CODE_LIKE = (re.compile(r"[a-z]+_[a-z_]+"), re.compile(r"\w+\.\w+"), re.compile(r"_id"))


def _everything(db, manager, tmp_path) -> dict[str, int]:
    """A register where core has recorded every kind of action it records."""
    from core.backup.create import backup
    from core.customers.duplicates import merge_customers
    from core.orders import set_archived as archive_order
    from core.orders import set_invoice_state
    from core.requests.intake import match_customer, record_identity_check
    from core.security.auth import attempt_login, create_user, set_active, unlock_user
    from core.settings import get_settings, update_settings

    with db.begin() as s:
        get_settings(s).backup_folder = str(tmp_path / "kopiot")
    aino = make_customer(db, manager, first_name="Aino", last_name="Ahonen", hetu=valid_hetu())
    with db.begin() as s:
        customers.update_customer(s, manager, aino, {"city": "Espoo", "phone": ""}, None)
        customers.reveal_hetu(s, manager, aino)
        customers.set_archived(s, manager, aino, True)
        customers.set_archived(s, manager, aino, False)
        customers.set_objections(s, manager, aino, ["publication"])
        entry = recipient(s, manager, "Luottotieto Oy")
        record_disclosure(s, manager, aino, entry, "credit_decision", ["first_name"])
    number = add_order(db, manager, aino, date.today(), invoice_state="paid")
    with db.begin() as s:
        order_id = s.execute(select(Order.id).where(Order.number == number)).scalar_one()
        set_invoice_state(s, manager, order_id, "paid")
        archive_order(s, manager, order_id, True)
    access = new_request(db, manager, "access", customer_id=aino)
    rect = new_request(
        db, manager, "rectification", customer_id=aino, items=(ItemInput("city", "Vantaa", ""),)
    )
    objection = new_request(
        db, manager, "objection", customer_id=aino, objection_kinds=("direct_marketing",)
    )
    refused = new_request(db, manager, "access", customer_id=aino)
    withdrawn = new_request(db, manager, "access", customer_id=aino)
    with db.begin() as s:
        produce_access_report(s, manager, access)
        finish_access(s, manager, access)
        decide_rectification(s, manager, get_request(s, rect).items[0].id, True)
        finish_rectification(s, manager, rect)
        apply_objection(s, manager, objection)
        extend_deadline(s, manager, refused, 1, "Lisäselvitys")
        refuse_request(s, manager, refused, "Ei tunnistettu")
        withdraw_request(s, manager, withdrawn, "Peruttu puhelimessa")
    bertta = make_customer(db, manager, first_name="Bertta", last_name="Poistuva")
    erasure = new_request(db, manager, "erasure", customer_id=bertta)
    cecilia = make_customer(db, manager, first_name="Cecilia", last_name="Nimetön")
    anonymisation = new_request(db, manager, "anonymisation", customer_id=cecilia)
    unmatched = new_request(db, manager, "access")
    twin = make_customer(db, manager, first_name="Aino", last_name="Ahonen", email="a2@example.fi")
    with db.begin() as s:
        record_identity_check(s, manager, unmatched, "Passi")
        match_customer(s, manager, unmatched, aino)
        merge_customers(s, manager, aino, twin)
    with db.begin() as s:
        erase(s, manager, erasure)
        anonymise(s, manager, anonymisation)
        anna = create_user(
            s, manager, "anna", "Anna Apulainen", "receptionist", PASSWORD, date(2024, 1, 3)
        ).id
        set_active(s, manager, anna, False)
        unlock_user(s, manager, anna)
        update_settings(s, manager, city="Espoo")
        export_customers(s, manager, tmp_path / "asiakkaat.csv")
    if db.is_sqlite:  # a server is backed up with its own tools
        backup(db, manager)
    with pytest.raises(AuthError):
        attempt_login(db, "manager", "väärä salasana")
    with db.begin() as s:
        export_audit(s, manager, tmp_path / "loki.csv", "csv")
    return {"aino": aino, "bertta": bertta, "cecilia": cecilia, "objection": objection}


def test_every_recorded_action_reads_without_codes_in_both_languages(db, manager, tmp_path) -> None:
    _everything(db, manager, tmp_path)
    with db.begin() as s:
        rows = list_entries(s, manager, limit=10_000)
        actions = {r.action for r in rows}
        fi, en = readable(s, rows, "fi"), readable(s, rows, "en")
    for lang, entries in (("fi", fi), ("en", en)):
        for entry in entries:
            for text in (entry.details, entry.action_text):
                for pattern in CODE_LIKE:
                    assert not pattern.search(text), (lang, entry.action, text)
    for finnish, english in zip(fi, en, strict=True):  # no English words on a Finnish screen
        if english.details:
            assert finnish.details != english.details, english.details
    assert {
        "customer.create",
        "customer.update",
        "customer.objections",
        "order.create",
        "request.completed",
        "request.refused",
        "request.withdrawn",
        "request.item_decide",
        "customer.erased",
        "customer.anonymised",
        "user.create",
        "user.deactivate",
        "request.match",
        "request.identity",
        "customer.merge",
        "audit.export",
    } | ({"backup.create"} if db.is_sqlite else set()) <= actions


def test_targets_name_the_customer_and_the_request_number(db, manager, tmp_path) -> None:
    ids = _everything(db, manager, tmp_path)
    with db.begin() as s:
        number = get_request(s, ids["objection"]).number
        entries = readable_entries(s, manager, "fi", limit=10_000)
        en = readable_entries(s, manager, "en", limit=10_000)
    created = [e for e in entries if e.action == "customer.create"][-1]  # the oldest
    assert created.target == f"Asiakas Aino Ahonen (nro {ids['aino']})"
    assert created.action_text == "asiakas lisätty"
    assert "Etunimi" in created.details and "first_name" not in created.details
    applied = [e for e in entries if e.target == f"Pyyntö {number}"]
    assert applied and all(e.request_id == ids["objection"] for e in applied)
    assert any(e.customer_id == ids["aino"] for e in applied)
    objections = next(e for e in entries if e.action == "customer.objections")
    assert "Kielto: Suoramainonta ja -markkinointi" in objections.details
    done = next(e for e in en if e.action == "request.completed")
    assert "State: Completed" in done.details
    identity = next(e for e in entries if e.action == "request.refused")
    assert "Päätöksen tekijä" in identity.details


def test_an_erased_customer_shows_only_by_number(db, manager, tmp_path) -> None:
    ids = _everything(db, manager, tmp_path)
    with db.begin() as s:
        entries = readable_entries(s, manager, "fi", limit=10_000)
    about_bertta = [e for e in entries if e.target.endswith(f"(nro {ids['bertta']})")]
    assert about_bertta
    assert {e.target for e in about_bertta} == {f"poistettu asiakas (nro {ids['bertta']})"}
    assert all(e.customer_id is None for e in about_bertta), [
        (e.action, e.target, e.customer_id) for e in about_bertta
    ]
    shown = " ".join(f"{e.target} {e.details}" for e in entries)
    for erased in ("Bertta", "Poistuva", "Cecilia", "Nimetön"):
        assert erased not in shown
    anonymised = [e for e in entries if e.target.endswith(f"(nro {ids['cecilia']})")]
    assert {e.target for e in anonymised} == {f"anonymisoitu asiakas (nro {ids['cecilia']})"}


def test_customer_filter_finds_the_customer_and_their_requests_and_orders(db, manager) -> None:
    aino = make_customer(db, manager, first_name="Aino", last_name="Ahonen")
    other = make_customer(db, manager, first_name="Olli", last_name="Muu", email="o@example.fi")
    add_order(db, manager, aino, date.today())
    add_order(db, manager, other, date.today())
    rid = new_request(db, manager, "access", customer_id=aino)
    new_request(db, manager, "access", customer_id=other)
    with db.begin() as s:
        mine = list_entries(s, manager, customer_id=aino)
        number = get_request(s, rid).number
        shown = readable(s, mine, "fi")
    assert {"customer.create", "order.create", "request.create"} <= {r.action for r in mine}
    with db.begin() as s:
        order = s.execute(select(Order.number).where(Order.customer_id == aino)).scalar_one()
    assert {e.target for e in shown} == {
        f"Asiakas Aino Ahonen (nro {aino})",
        f"Tilaus {order}",
        f"Pyyntö {number}",
    }


def test_audit_export_is_refused_for_a_receptionist(db, receptionist, tmp_path) -> None:
    target = tmp_path / "loki.xlsx"
    with db.begin() as s, pytest.raises(PermissionDenied):
        export_audit(s, receptionist, target, "xlsx")
    assert not target.exists()


def test_audit_export_writes_readable_rows_and_is_audited(db, manager, tmp_path) -> None:
    from core.security.auth import attempt_login, create_user

    aino = make_customer(db, manager, first_name="Aino", last_name="Ahonen")
    make_customer(db, manager, first_name="Olli", last_name="Muu", email="o@example.fi")
    with db.begin() as s:
        create_user(s, manager, "anna", "=SUM(1)", "receptionist", PASSWORD, date(2024, 1, 3))
    attempt_login(db, "anna", PASSWORD)
    target = tmp_path / "tapahtumaloki.csv"
    with db.begin() as s:
        count = export_audit(s, manager, target, "csv", customer_id=aino)
    assert count == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["Nro", "Aika", "Käyttäjä", "Tapahtuma", "Kohde", "Tiedot", "Tiiviste"]
    with db.begin() as s:
        entry = (
            s.execute(select(AuditEntry).where(AuditEntry.action == "customer.create"))
            .scalars()
            .first()
        )
        shown = readable(s, list_entries(s, manager, action="audit.export"), "fi")[0]
    assert rows[1][0] == str(entry.id) and rows[1][6] == entry.hash
    assert rows[1][2:5] == [
        "Maija Manageri (manager)",
        "asiakas lisätty",
        f"Asiakas Aino Ahonen (nro {aino})",
    ]
    assert shown.action_text == "Tapahtumaloki viety" and shown.user == "Maija Manageri (manager)"
    assert "Rivejä: 1" in shown.details
    assert f"Rajattu asiakkaaseen: Asiakas Aino Ahonen (nro {aino})" in shown.details

    whole = tmp_path / "koko.xlsx"
    with db.begin() as s:
        export_audit(s, manager, whole, "xlsx")
    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(whole).active.iter_rows() for c in row]
    assert "'=SUM(1) (anna)" in cells  # a name that looks like a formula stays text


def test_a_number_given_again_never_names_the_erased_customer(db, manager, monkeypatch) -> None:
    from core import clock

    bertta = make_customer(db, manager, first_name="Bertta", last_name="Poistuva")
    rid = new_request(db, manager, "erasure", customer_id=bertta)
    with db.begin() as s:
        erase(s, manager, rid)
    monkeypatch.setattr(clock, "_offset_seconds", clock._offset_seconds + 2)
    newcomer = make_customer(
        db, manager, first_name="Uusi", last_name="Asiakas", email="uusi@example.fi"
    )
    # SQLite gives the removed last row's number again; PostgreSQL's sequence never does.
    assert (newcomer == bertta) == db.is_sqlite
    with db.begin() as s:
        entries = readable_entries(s, manager, "fi")
    targets = [e.target for e in entries if e.action.startswith("customer.")]
    assert targets[0] == f"Asiakas Uusi Asiakas (nro {newcomer})"
    assert set(targets[1:]) == {f"poistettu asiakas (nro {bertta})"}
    assert [e.customer_id for e in entries if e.action == "customer.erased"] == [None]


def test_a_page_is_resolved_in_a_fixed_number_of_queries(db, manager) -> None:
    from sqlalchemy import event

    def statements(limit: int) -> int:
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            with db.begin() as s:
                rows = list_entries(s, manager, limit=limit)
                seen.clear()
                shown = readable(s, rows, "fi")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert len(shown) == limit
        return len(seen)

    for i in range(30):
        cid = make_customer(db, manager, first_name=f"Asiakas{i}", email=f"a{i}@example.fi")
        add_order(db, manager, cid, date.today())
    new_request(db, manager, "access", customer_id=cid)
    many, few = statements(60), statements(5)
    assert many == few <= 5  # one per kind of thing named, not per row
