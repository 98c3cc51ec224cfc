"""Name and address updates from an update file [S8]: preview, apply, report, CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.customers.service import create_customer, customer_history, update_customer
from core.customers.updates import apply_updates, preview_updates
from core.errors import AppError, Conflict, PermissionDenied
from core.models import Customer
from tests.conftest import valid_hetu
from tests.core.test_cli import cli  # noqa: F401  (the command-line fixture)

HETU_A = valid_hetu(13, 10, 1952, 308)
HETU_B = valid_hetu(1, 2, 1980, 123)


@pytest.fixture
def people(db, manager):
    with db.begin() as s:
        a = create_customer(
            s,
            manager,
            {
                "first_name": "Aino",
                "last_name": "Aalto",
                "street": "Vanhakatu 1",
                "postal_code": "00100",
                "city": "Helsinki",
                "hetu": HETU_A,
            },
        )
        b = create_customer(
            s,
            manager,
            {
                "first_name": "Pekka",
                "last_name": "Puu",
                "email": "pekka@example.fi",
                "street": "Puistotie 2",
                "postal_code": "33100",
                "city": "Tampere",
            },
        )
        c = create_customer(
            s, manager, {"first_name": "Sara", "last_name": "Salo", "hetu": HETU_B, "city": "Oulu"}
        )
        return a.id, b.id, c.id


def write(tmp_path: Path, text: str, name: str = "dvv-2025-03.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_preview_lists_old_and_new_values_per_customer_and_writes_nothing(
    db, manager, people, tmp_path
) -> None:
    path = write(
        tmp_path,
        "henkilötunnus;sukunimi;katuosoite;postinumero;postitoimipaikka\n"
        f"{HETU_A};Aalto-Virta;Uusikatu 5 B 7;00200;Helsinki\n",
    )
    with db.begin() as s:
        preview = preview_updates(s, manager, path)
    assert [u.customer_id for u in preview.updates] == [people[0]]
    changes = {(c.field, c.old, c.new) for c in preview.updates[0].changes}
    assert changes == {
        ("last_name", "Aalto", "Aalto-Virta"),
        ("street", "Vanhakatu 1", "Uusikatu 5 B 7"),
        ("postal_code", "00100", "00200"),
    }
    with db.begin() as s:
        assert s.get(Customer, people[0]).street == "Vanhakatu 1"


def test_apply_changes_customers_with_the_file_and_date_in_history(
    db, manager, people, tmp_path
) -> None:
    path = write(
        tmp_path,
        "hetu;etunimi;sukunimi;sähköposti;katuosoite;postitoimipaikka\n"
        f"{HETU_A};;;;Uusikatu 5;\n"
        ";Pekka;Puu;PEKKA@example.fi;Rantatie 9;Turku\n"
        f"{HETU_B};;;;;Oulu\n",
    )
    with db.begin() as s:
        preview = preview_updates(s, manager, path)
        assert (len(preview.updates), len(preview.unchanged)) == (2, 1)
        assert apply_updates(s, manager, preview) == 2
    with db.begin() as s:
        assert s.get(Customer, people[0]).street == "Uusikatu 5"
        pekka = s.get(Customer, people[1])
        assert (pekka.street, pekka.city) == ("Rantatie 9", "Turku")
        history = customer_history(s, manager, people[1])
    street = next(h for h in history if h.field == "street")
    assert (street.old_value, street.new_value) == ("Puistotie 2", "Rantatie 9")
    assert street.source.startswith("Viranomaisen päivitys, tiedosto dvv-2025-03.csv, ")


def test_unmatched_and_invalid_rows_are_reported_and_nobody_is_created(
    db, manager, people, tmp_path
) -> None:
    path = write(
        tmp_path,
        "hetu;etunimi;sukunimi;sähköposti;postinumero\n"
        f"{valid_hetu(5, 5, 1955, 222)};Outo;Henkilö;;00100\n"  # unknown hetu
        ";Pekka;Puu;toinen@example.fi;00100\n"  # name ok, email not
        ";Pekka;Puu;;00100\n"  # cannot identify
        f"{HETU_A};;;;123\n"  # bad postal code
        "131052-308X;;;;00100\n",
    )  # bad hetu
    with db.begin() as s:
        before = s.execute(select(func.count(Customer.id))).scalar_one()
        preview = preview_updates(s, manager, path)
        apply_updates(s, manager, preview)
        after = s.execute(select(func.count(Customer.id))).scalar_one()
    assert after == before
    assert [r.line for r in preview.unmatched] == [2, 3]
    assert [r.line for r in preview.rejected] == [4, 5, 6]
    assert "rivi 5" in preview.rejected[1].reason and "postinumero" in preview.rejected[1].reason
    assert "308X" not in preview.rejected[2].who  # the hetu is masked in the report
    assert preview.summary() == "päivitetty 0, ennallaan 0, ei löytynyt 2, hylätty 3"
    assert preview.summary("en") == "updated 0, unchanged 0, unmatched 2, rejected 3"


def test_file_without_identifying_columns_is_refused(db, manager, tmp_path) -> None:
    path = write(tmp_path, "etunimi;katuosoite\nAino;Katu 1\n")
    with db.begin() as s, pytest.raises(AppError) as exc:
        preview_updates(s, manager, path)
    assert "henkilötunnus" in exc.value.message()


def test_a_save_between_preview_and_apply_is_not_overwritten(db, manager, people, tmp_path) -> None:
    path = write(tmp_path, f"hetu;katuosoite\n{HETU_A};Uusikatu 5\n")
    with db.begin() as s:
        preview = preview_updates(s, manager, path)
    with db.begin() as s:
        update_customer(s, manager, people[0], {"street": "Käsin muutettu 3"}, None)
    with pytest.raises(Conflict), db.begin() as s:
        apply_updates(s, manager, preview)
    with db.begin() as s:
        assert s.get(Customer, people[0]).street == "Käsin muutettu 3"


def test_update_service_label_and_permissions(db, manager, receptionist, people, tmp_path) -> None:
    path = write(tmp_path, f"hetu;postitoimipaikka\n{HETU_B};Kemi\n", name="posti.csv")
    with db.begin() as s:
        preview = preview_updates(s, receptionist, path)
        apply_updates(s, receptionist, preview, "update_service", "Posti Oy")
        history = customer_history(s, manager, people[2])
    assert history[0].source.startswith("Päivityspalveluyritys, tiedosto posti.csv")
    from core.security.permissions import Actor

    nobody = Actor(99, "x", "guest")
    with db.begin() as s, pytest.raises(PermissionDenied):
        preview_updates(s, nobody, path)


def test_cli_import_updates_prints_summary_and_exits_1_on_unmatched(cli) -> None:  # noqa: F811
    assert cli("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    people = cli.tmp / "asiakkaat.csv"
    people.write_text(
        "etunimi;sukunimi;sähköposti;katuosoite;hetu\n"
        f"Ville;Vallaton;ville@example.fi;Vanha 1;{HETU_A}\n"
        "Tiina;Testi;tiina@example.fi;Vanha 2;\n",
        encoding="utf-8",
    )
    assert cli("import-customers", str(people), "--user", "anna").returncode == 0

    clean = cli.tmp / "paivitys.csv"
    clean.write_text(f"hetu;katuosoite\n{HETU_A};Uusi 1\n", encoding="utf-8")
    ok = cli("import-updates", str(clean), "--user", "anna")
    assert ok.returncode == 0, ok.stderr
    assert "päivitetty 1, ennallaan 0, ei löytynyt 0, hylätty 0" in ok.stdout

    mixed = cli.tmp / "paivitys2.csv"
    mixed.write_text(
        "etunimi;sukunimi;sähköposti;katuosoite\n"
        "Tiina;Testi;tiina@example.fi;Uusi 2\n"
        "Tuntematon;Henkilö;tuntematon@example.fi;Uusi 3\n",
        encoding="utf-8",
    )
    result = cli("--lang", "en", "import-updates", str(mixed), "--user", "anna")
    assert result.returncode == 1
    assert "updated 1, unchanged 0, unmatched 1, rejected 0" in result.stdout
    assert "row 3" in result.stderr and "Traceback" not in result.stderr
    again = cli("import-updates", str(mixed), "--user", "anna")
    assert "päivitetty 0, ennallaan 1, ei löytynyt 1, hylätty 0" in again.stdout


def test_an_update_service_import_names_its_register_entry_and_notices_go_to_it(
    db, manager, people, tmp_path
) -> None:
    """The file name is no addressee: the import names the company, whose register entry
    (picked or made) the changes keep; a later correction's notice goes to that entry once
    its address is complete."""
    from sqlalchemy import select

    from core.errors import ValidationError
    from core.models import FieldChange, Recipient, RequestItem
    from core.recipients import RecipientIncomplete, update_recipient
    from core.requests import ItemInput, decide_rectification, finish_rectification
    from core.requests.documents import produce_correction_notices
    from core.requests.rectification import notification_targets
    from tests.conftest import pdf_text
    from tests.core.requests_helpers import new_request

    path = write(tmp_path, f"hetu;postitoimipaikka\n{HETU_B};Kemi\n", name="posti.csv")
    with db.begin() as s:
        preview = preview_updates(s, manager, path)
        with pytest.raises(ValidationError) as exc:
            apply_updates(s, manager, preview, "update_service")
        assert exc.value.field == "source_name"
    with db.begin() as s:
        apply_updates(s, manager, preview, "update_service", "posti oy")
    with db.begin() as s:
        apply_updates(s, manager, preview_updates(s, manager, path), "update_service", "POSTI OY")
        entries = s.execute(select(Recipient)).scalars().all()
        assert [e.name for e in entries] == ["posti oy"]  # picked again, not made twice
        change = s.execute(select(FieldChange).where(FieldChange.field == "city")).scalar_one()
        assert change.source_recipient_id == entries[0].id
        entry_id = entries[0].id
    rid = new_request(
        db, manager, "rectification", customer_id=people[2], items=(ItemInput("city", "Oulu"),)
    )
    with db.begin() as s:
        item = s.execute(select(RequestItem.id).where(RequestItem.request_id == rid)).scalar()
        decide_rectification(s, manager, item, True)
        finish_rectification(s, manager, rid)
        targets = notification_targets(s, manager, rid)
        assert [(t.relation, t.name, t.recipient_id) for t in targets if t.recipient_id] == [
            ("source", "posti oy", entry_id)
        ]
        assert not any("posti.csv" in t.label() for t in targets)
    with db.begin() as s, pytest.raises(RecipientIncomplete) as refused:
        produce_correction_notices(s, manager, rid)
    assert "posti oy" in refused.value.message()
    with db.begin() as s:
        update_recipient(
            s,
            manager,
            entry_id,
            {
                "name": "Posti Oy",
                "street": "Postintaival 7",
                "postal_code": "00230",
                "city": "Helsinki",
            },
        )
    with db.begin() as s:
        (notice,) = produce_correction_notices(s, manager, rid)
    content = pdf_text(notice.content)
    assert "Posti Oy" in content and "Postintaival 7" in content and "posti.csv" not in content
