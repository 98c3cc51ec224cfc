from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core import orders
from core.customers import search as customer_search
from core.customers import service as customers
from core.errors import Conflict, PermissionDenied, ValidationErrors
from core.models import AuditEntry, Customer, FieldChange
from tests.conftest import valid_hetu

MATTI = {
    "first_name": "Matti",
    "last_name": "Meikäläinen",
    "email": "matti@example.fi",
    "phone": "040 123 4567",
    "street": "Kauppakatu 1",
    "postal_code": "00100",
    "city": "Helsinki",
    "hetu": "131052-308T",
    "source": "shop",
    "organisation": "Asunto Oy Esimerkki",
}


def test_create_customer_encrypts_hetu_and_audits_field_names_only(db, manager) -> None:
    with db.begin() as s:
        c = customers.create_customer(s, manager, MATTI)
        cid = c.id
    with db.begin() as s:
        detail = customers.customer_detail(s, manager, cid)
        assert detail.hetu_masked == "131052-****"
        assert detail.phone == "+358401234567"
        entry = s.execute(
            select(AuditEntry).where(AuditEntry.action == "customer.create")
        ).scalar_one()
        assert "hetu" in entry.fields and "Matti" not in entry.fields
        row = s.get(Customer, cid)
        assert b"131052" not in row.hetu_encrypted


def test_no_clear_hetu_anywhere_in_the_database_file(db, manager) -> None:
    if not db.is_sqlite:
        pytest.skip("reads the SQLite file's bytes")
    with db.begin() as s:
        c = customers.create_customer(s, manager, MATTI)
        customers.reveal_hetu(s, manager, c.id)
        customers.update_customer(
            s, manager, c.id, {"hetu": valid_hetu(1, 2, 1960, 111)}, c.version
        )
    db.dispose()
    data = b"".join(
        Path(str(db.path) + suffix).read_bytes()
        for suffix in ("", "-wal")
        if Path(str(db.path) + suffix).exists()
    )
    assert b"131052" not in data
    assert valid_hetu(1, 2, 1960, 111).encode() not in data
    assert b"Meik" in data  # the name is there: the search really read the data


def test_bad_fields_named_and_nothing_saved(db, manager) -> None:
    with db.begin() as s:
        with pytest.raises(ValidationErrors) as err:
            customers.create_customer(
                s, manager, {**MATTI, "hetu": "131052-308X", "email": "bad@", "postal_code": "123"}
            )
        assert set(err.value.by_field()) == {"hetu", "email", "postal_code"}
    with db.begin() as s:
        assert s.execute(select(Customer)).first() is None


def test_same_hetu_twice_is_refused(db, manager) -> None:
    with db.begin() as s:
        customers.create_customer(s, manager, MATTI)
    with db.begin() as s:
        with pytest.raises(ValidationErrors) as err:
            customers.create_customer(s, manager, {**MATTI, "email": "other@example.fi"})
        assert err.value.field == "hetu"


def test_stale_save_raises_conflict_naming_who_saved(db, manager, receptionist) -> None:
    with db.begin() as s:
        cid = customers.create_customer(s, manager, MATTI).id
    with db.begin() as s:
        version = customers.customer_detail(s, manager, cid).version
    with db.begin() as s:  # the receptionist saves first
        customers.update_customer(s, receptionist, cid, {"city": "Espoo"}, version)
    with db.begin() as s:
        with pytest.raises(Conflict) as err:
            customers.update_customer(s, manager, cid, {"city": "Vantaa"}, version)
        assert "reception" in err.value.message("fi")
    with db.begin() as s:
        assert customers.customer_detail(s, manager, cid).city == "Espoo"


def test_update_records_field_history_with_source(db, manager) -> None:
    with db.begin() as s:
        c = customers.create_customer(s, manager, MATTI)
        cid, version = c.id, c.version
    with db.begin() as s:
        customers.update_customer(
            s,
            manager,
            cid,
            {"street": "Uusikatu 5", "hetu": valid_hetu(1, 2, 1960, 111)},
            version,
            history_source="customer_notice",
        )
    with db.begin() as s:
        history = customers.customer_history(s, manager, cid)
        street = next(h for h in history if h.field == "street")
        assert (street.old_value, street.new_value) == ("Kauppakatu 1", "Uusikatu 5")
        assert street.source == "customer_notice"
        hetu = next(h for h in history if h.field == "hetu")
        assert hetu.old_value == "" and hetu.new_value == ""  # never in clear
        values = s.execute(select(FieldChange.old_value, FieldChange.new_value)).all()
        assert all("131052" not in (a + b) for a, b in values)


@pytest.mark.parametrize(
    "query", ["meik", "MATTI meik", "asunto oy", "matti@example", "0401234567", "040 123", "00100"]
)
def test_search_finds_by_name_org_email_phone_postal_code(db, manager, query: str) -> None:
    with db.begin() as s:
        customers.create_customer(s, manager, MATTI)
        customers.create_customer(
            s, manager, {"first_name": "Liisa", "last_name": "Virtanen", "postal_code": "33100"}
        )
    with db.begin() as s:
        rows = customer_search.search_customers(s, manager, query)
    assert [r.last_name for r in rows] == ["Meikäläinen"]


def test_full_hetu_finds_exactly_its_person_partial_does_not(db, manager) -> None:
    with db.begin() as s:
        customers.create_customer(s, manager, MATTI)
        customers.create_customer(
            s,
            manager,
            {"first_name": "Liisa", "last_name": "Virtanen", "hetu": valid_hetu(13, 10, 1952, 310)},
        )
    with db.begin() as s:
        assert [
            r.first_name for r in customer_search.search_customers(s, manager, "131052-308t")
        ] == ["Matti"]
        assert customer_search.search_customers(s, manager, "131052") == []


def test_archived_customer_hidden_from_list_and_export(db, manager, tmp_path) -> None:
    from core.transfer.exporting import export_customers

    with db.begin() as s:
        cid = customers.create_customer(s, manager, MATTI).id
        customers.set_archived(s, manager, cid, True)
    with db.begin() as s:
        assert customer_search.search_customers(s, manager, "") == []
        assert len(customer_search.search_customers(s, manager, "", include_archived=True)) == 1
        assert export_customers(s, manager, tmp_path / "x.csv") == 0


def test_objections_set_with_date_and_audited(db, manager) -> None:
    with db.begin() as s:
        cid = customers.create_customer(s, manager, MATTI).id
        customers.set_objections(s, manager, cid, ["direct_marketing", "publication"])
    with db.begin() as s:
        kinds = [o.kind for o in customers.customer_detail(s, manager, cid).objections]
        assert kinds == ["direct_marketing", "publication"]
        assert (
            s.execute(
                select(AuditEntry.fields).where(AuditEntry.action == "customer.objections")
            ).scalar_one()
            == "objection.direct_marketing,objection.publication"
        )


def test_orders_numbered_and_invoice_state_changes(db, manager, receptionist) -> None:
    with db.begin() as s:
        cid = customers.create_customer(s, manager, MATTI).id
        o1 = orders.create_order(
            s,
            receptionist,
            cid,
            {"item": "Kerrostaloasunto", "amount": "185 000,00", "invoice_state": "open"},
        )
        o2 = orders.create_order(
            s, receptionist, cid, {"item": "Välityspalkkio", "amount": "4 500,50"}
        )
        assert o1.number != o2.number
        orders.set_invoice_state(s, receptionist, o1.id, "paid")
    with db.begin() as s:
        rows = orders.list_orders(s, manager, customer_id=cid)
        assert {r.invoice_state for r in rows} == {"paid", "none"}
        assert sum(r.amount for r in rows) == orders.parse_amount("189500.50")


def test_bad_order_amount_named(db, manager) -> None:
    with db.begin() as s:
        cid = customers.create_customer(s, manager, MATTI).id
        with pytest.raises(ValidationErrors) as err:
            orders.create_order(s, manager, cid, {"item": "", "amount": "paljon"})
        assert set(err.value.by_field()) == {"item", "amount"}


def test_hetu_reveal_is_audited_and_needs_login(db, manager) -> None:
    with db.begin() as s:
        cid = customers.create_customer(s, manager, MATTI).id
    with db.begin() as s:
        assert customers.reveal_hetu(s, manager, cid) == "131052-308T"
        assert (
            s.execute(select(AuditEntry.action).order_by(AuditEntry.id.desc())).scalar()
            == "customer.reveal_hetu"
        )
        with pytest.raises(PermissionDenied):
            customers.reveal_hetu(s, object(), cid)  # type: ignore[arg-type]


def test_two_connections_racing_on_one_customer_second_gets_conflict(db, manager) -> None:
    """Two desks load the same customer; both save: the second is refused, not overwritten."""
    with db.begin() as s:
        cid = customers.create_customer(s, manager, MATTI).id
    first = db.session_factory()
    second = db.session_factory()
    try:
        a = first.get(Customer, cid)
        b = second.get(Customer, cid)
        assert a.version == b.version
        a.city = "Espoo"
        first.commit()
        b.city = "Vantaa"
        from sqlalchemy.exc import OperationalError
        from sqlalchemy.orm.exc import StaleDataError

        # On SQLite a transaction that began reading (DEFERRED) before the other desk's
        # commit cannot write at all (its snapshot is stale); elsewhere the version differs.
        with pytest.raises((StaleDataError, OperationalError)):
            second.commit()
    finally:
        first.close()
        second.close()
    with pytest.raises(Conflict):
        with db.begin() as s:
            c = s.get(Customer, cid)
            s.execute(
                Customer.__table__.update()
                .where(Customer.__table__.c.id == cid)
                .values(version=c.version + 1)
            )
            c.city = "Turku"
    with db.begin() as s:
        assert s.get(Customer, cid).city == "Espoo"


def test_last_contact_date_can_be_given_at_creation(db, manager) -> None:
    from datetime import date

    with db.begin() as s:
        c = customers.create_customer(s, manager, {**MATTI, "last_contact_on": date(2020, 5, 1)})
        assert c.last_contact_on == date(2020, 5, 1)


def test_finding_a_customer_by_email_reads_the_index_not_the_list(db, manager) -> None:
    """Email lookups compare lower(email); the index is on that (both backends), so a request
    by email finds its person without reading every customer, whatever the letter case."""
    with db.begin() as s:
        cid = customers.create_customer(s, manager, MATTI).id
    with db.begin() as s:
        found = customers.find_duplicate(
            s, {"email": "Matti@Example.FI", "first_name": "x", "last_name": "y"}
        )
        assert found is not None and found.id == cid
        lookup = select(Customer.id).where(func.lower(Customer.email) == "matti@example.fi")
        if db.is_sqlite:
            plan = " ".join(
                str(r[-1])
                for r in s.execute(
                    text(
                        "EXPLAIN QUERY PLAN "
                        + str(lookup.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
                    )
                )
            )
        else:
            s.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(
                r[0]
                for r in s.execute(
                    text(
                        "EXPLAIN "
                        + str(lookup.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
                    )
                )
            )
        assert "ix_customers_email_lower" in plan
