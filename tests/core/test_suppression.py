"""An erased person never comes back silently (issue 13, point 9): the suppression list keeps
only keyed blind indexes and the date; an import rejects the person, adding them by hand needs
a confirmation and sets every prohibition; the statement and the decision say why."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from core.clock import today
from core.customers.service import create_customer
from core.errors import Suppressed
from core.i18n import format_date
from core.models import Customer, SuppressionRecord
from core.requests import erase
from core.requests.anonymisation import anonymise
from core.settings import data_key
from core.transfer.importing import import_customers
from tests.conftest import pdf_text, valid_hetu
from tests.core.requests_helpers import make_customer, new_request

HETU = valid_hetu(5, 6, 1971, 456)


def _erase_person(db, manager, **over) -> None:  # type: ignore[no-untyped-def]
    cid = make_customer(db, manager, email="Matti.M@Example.fi", hetu=HETU, **over)
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        assert erase(s, manager, rid).outcome == "erased"


def test_erasure_keeps_only_blind_indexes_and_the_date(db, manager):
    _erase_person(db, manager)
    with db.begin() as s:
        (row,) = s.execute(select(SuppressionRecord)).scalars().all()
        key = data_key(s)
        assert row.hetu_index == key.blind_index(HETU)
        assert row.email_index == key.blind_index("matti.m@example.fi")
        assert row.erased_on == today()
        columns = {c["name"] for c in inspect(s.get_bind()).get_columns("suppression_records")}
        assert columns == {"id", "hetu_index", "email_index", "erased_on"}
        dump = " ".join(
            str(v) for r in s.execute(text("SELECT * FROM suppression_records")) for v in r
        )
        assert "matti" not in dump.lower() and HETU not in dump


def test_import_rejects_an_erased_person_by_email_or_hetu(db, manager, tmp_path):
    _erase_person(db, manager)
    path = tmp_path / "lista.csv"
    path.write_text(
        "etunimi;sukunimi;sähköposti;hetu\n"
        "Matti;Meikäläinen;MATTI.M@example.FI;\n"
        "M.;Meikäläinen;;" + HETU + "\n"
        "Liisa;Laine;liisa@example.fi;\n",
        encoding="utf-8",
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected) == (1, 2)
    reasons = [r.reason for r in report.rejected_rows]
    when = format_date(today(), "fi")
    assert all(f"poistettu hänen pyynnöstään {when}" in r for r in reasons)
    english = import_customers(db, manager, path, lang="en").rejected_rows[0].reason
    assert f"erased at their request on {format_date(today(), 'en')}" in english
    with db.begin() as s:
        assert s.execute(select(Customer.last_name)).scalars().all() == ["Laine"]


def test_adding_an_erased_person_by_hand_asks_and_then_sets_every_prohibition(db, manager):
    _erase_person(db, manager)
    data = {"first_name": "Matti", "last_name": "Meikäläinen", "email": "matti.m@example.fi"}
    with pytest.raises(Suppressed) as exc:
        with db.begin() as s:
            create_customer(s, manager, data)
    assert "poistettu hänen pyynnöstään" in exc.value.message()
    with db.begin() as s:
        assert s.execute(select(Customer.id)).first() is None
        customer = create_customer(s, manager, data, confirmed_suppressed=True)
        assert {o.kind for o in customer.objections} == {
            "direct_marketing",
            "distance_selling",
            "research",
            "publication",
        }
        other = create_customer(s, manager, {"first_name": "Liisa", "last_name": "Laine"})
        assert not other.objections


def test_anonymisation_puts_the_person_on_the_suppression_list(db, manager):
    cid = make_customer(db, manager, email="anna@example.fi")
    rid = new_request(db, manager, "anonymisation", customer_id=cid)
    with db.begin() as s:
        anonymise(s, manager, rid)
    with pytest.raises(Suppressed):
        with db.begin() as s:
            create_customer(
                s, manager, {"first_name": "A", "last_name": "B", "email": "anna@example.fi"}
            )


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [("fi", "ainoastaan poistokirjauksen"), ("en", "we keep only a suppression record")],
)
def test_erasure_decision_says_the_suppression_record_is_kept_and_why(db, manager, lang, phrase):
    from core.requests.documents import produce_erasure_decision

    cid = make_customer(db, manager)
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        outcome = erase(s, manager, rid)
        content = pdf_text(
            produce_erasure_decision(s, manager, rid, outcome.decision, lang).content
        )
    assert phrase in content
    assert ("17 ja 21" if lang == "fi" else "17 and 21") in content


@pytest.mark.parametrize(
    ("lang", "phrase"), [("fi", "poistokirjaus"), ("en", "suppression record")]
)
def test_privacy_statement_explains_the_suppression_record(lang, phrase):
    from core.documents import samples
    from core.documents.statement import build_statement

    content = pdf_text(build_statement(samples.statement(), samples.letterhead(), lang))
    assert phrase in content
    assert ("oikeutettu etu" if lang == "fi" else "legitimate interest") in content


def test_migration_0005_downgrades_and_upgrades_again(db, manager):
    """Revision 0005 adds the suppression list and the end of the financial year; it goes
    back to 0004 and up again with the settings row intact."""
    from alembic import command
    from alembic.config import Config

    from core.db import MIGRATIONS, run_migrations

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004_list_order_version")
    names = inspect(db.engine)
    assert "suppression_records" not in names.get_table_names()
    assert "financial_year_end_day" not in {c["name"] for c in names.get_columns("settings")}
    run_migrations(db.engine)
    names = inspect(db.engine)
    assert "suppression_records" in names.get_table_names()
    with db.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT company_name, financial_year_end_day, financial_year_end_month FROM settings"
            )
        ).one()
    assert tuple(row) == ("Testiasunnot Oy", 31, 12)


def test_an_erased_person_is_still_recognised_after_two_key_rotations(db, manager, tmp_path):
    """The list keeps its own index key through rotations (wrapped under each new data key):
    the blind indexes of erased people cannot be recomputed, their values are gone."""
    from core.key_rotation import rotate_data_key

    _erase_person(db, manager)
    for _ in range(2):
        with db.begin() as s:
            rotate_data_key(s, manager)
    path = tmp_path / "lista.csv"
    path.write_text(
        "etunimi;sukunimi;sähköposti;hetu\n"
        "Matti;Meikäläinen;matti.m@example.fi;\n"
        "M.;Meikäläinen;;" + HETU + "\n",
        encoding="utf-8",
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected) == (0, 2)
    with pytest.raises(Suppressed), db.begin() as s:
        create_customer(s, manager, {"first_name": "M.", "last_name": "M", "hetu": HETU})
    with db.begin() as s:  # a person erased after the rotations is on the same list
        customer = create_customer(
            s, manager, {"first_name": "Liisa", "last_name": "Laine", "email": "liisa@example.fi"}
        )
    from core.customers.suppression import record_suppression
    from core.customers.wipe import wipe_customer

    with db.begin() as s:
        record_suppression(s, customer)
        wipe_customer(s, customer.id, "delete")
    with pytest.raises(Suppressed), db.begin() as s:
        create_customer(
            s, manager, {"first_name": "L", "last_name": "L", "email": "LIISA@example.fi"}
        )
