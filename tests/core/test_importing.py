"""CSV import: messy real-world files and arbitrary rows (property test)."""

from __future__ import annotations

import csv
import gc
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.models import Customer
from core.transfer.importing import import_customers


def test_messy_file_windows_1252_commas_english_headers(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    path.write_bytes(
        "First Name,LAST NAME,Company,E-mail,Street,Postal Code,City,Phone,Personal identity code\r\n"
        "Äijö,Öhman,Oy Ab,aijo@example.fi,Kauppakatu 3,00100,Helsinki,+358401112223,\r\n"
        ",,,,,,,,\r\n"
        "Liisa,Virtanen,,liisa@example,,,,,\r\n"
        "Pekka,Puu,,,,,,,131052-308T\r\n".encode("cp1252")
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected, report.unchanged) == (2, 1, 0)
    assert (
        "column 'E-mail'" in report.rejected_rows[0].reason
        or "sarake 'E-mail'" in report.rejected_rows[0].reason
    )
    with db.begin() as s:
        names = set(s.execute(select(Customer.last_name)).scalars())
    assert names == {"Öhman", "Puu"}


def test_utf8_bom_semicolons_finnish_headers(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(
        "\ufeffetunimi;sukunimi;postitoimipaikka;puhelinnumero\n"
        "Väinö;Mäkelä;Jyväskylä;040 111 2222\n".encode()
    )
    report = import_customers(db, manager, path)
    assert report.imported == 1 and report.rejected == 0
    with db.begin() as s:
        c = s.execute(select(Customer)).scalar_one()
        assert (c.first_name, c.city, c.phone) == ("Väinö", "Jyväskylä", "+358401112222")


def test_duplicate_rules_same_hetu_else_email_else_name_and_postcode(
    db, manager, tmp_path: Path
) -> None:
    path = tmp_path / "dups.csv"
    path.write_text(
        "etunimi;sukunimi;sähköposti;postinumero;hetu\n"
        "Anna;A;anna@example.fi;00100;131052-308T\n"
        "Toinen;Nimi;;;131052-308T\n"  # same hetu
        "Anna;Aa;ANNA@example.fi;33100;\n"  # same email
        "Anna;A;;00100;\n",  # same name + postal code
        encoding="utf-8",
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.unchanged) == (1, 3)


def test_rejected_rows_written_beside_the_file(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("etunimi;sukunimi;hetu\nMatti;M;131052-308X\n", encoding="utf-8")
    report = import_customers(db, manager, path)
    assert report.rejected_path == tmp_path / "bad.rejected.csv"
    text = report.rejected_path.read_text(encoding="utf-8-sig")
    assert "rivi 2" in text and "'hetu'" in text and "tarkistusmerkki" in text


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=25)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=7), min_size=1, max_size=8))
def test_arbitrary_rows_import_or_are_rejected_never_raise(
    db, manager, tmp_path_factory, rows
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        ["etunimi", "sukunimi", "sähköposti", "puhelin", "postinumero", "hetu", "yritys"]
    )
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("prop") / "rows.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    with db.begin() as s:
        before = s.execute(select(func.count(Customer.id))).scalar_one()
    report = import_customers(db, manager, path)
    non_empty = [r for r in rows if any(c.strip() for c in r)]
    assert report.imported + report.rejected + report.unchanged == len(non_empty)
    assert all(r.reason for r in report.rejected_rows)
    with db.begin() as s:
        after = s.execute(select(func.count(Customer.id))).scalar_one()
    assert after - before == report.imported


def test_demo_data_passes_every_validation_rule() -> None:
    import random

    from core.customers.service import clean_customer
    from core.demo import make_customer

    rng, used = random.Random(5), set()
    for n in range(500):
        data = make_customer(rng, n, used)
        assert clean_customer(data)["hetu"] == data.get("hetu", "")


def _mixed_file(tmp_path: Path, name: str) -> Path:
    lines = ["etunimi;sukunimi;sähköposti;postinumero;hetu"]
    for i in range(23):
        lines.append(f"Henkilö{i};Suku{i % 7};h{i}@example.fi;{i % 90:02d}100;")
    lines[5] = "Huono;Rivi;ei-osoite;00100;"  # bad email
    lines[12] = "Toinen;Huono;;1234;"  # bad postal code
    lines[17] = "Henkilö3;Suku3;H3@example.fi;03100;"  # the same email as row 4
    lines.append("Pekka;Puu;;;131052-308T")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _people(db) -> list[tuple[str, str, str]]:
    with db.begin() as s:
        return sorted(
            (r[0], r[1], r[2])
            for r in s.execute(select(Customer.first_name, Customer.last_name, Customer.email))
        )


def test_a_big_import_validated_in_a_helper_process_gives_the_same_result(
    db, manager, tmp_path: Path, monkeypatch
) -> None:
    """Big files are validated in a second process, a few rows at a time, while batches are
    written on a thread; the outcome is the same as validating everything here."""
    from core.transfer import importing

    path = _mixed_file(tmp_path, "big.csv")
    monkeypatch.setattr(importing, "PARALLEL_FROM", 1)
    monkeypatch.setattr(importing, "CHUNK", 3)
    monkeypatch.setattr(importing, "BATCH", 4)
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected, report.unchanged) == (21, 2, 1)
    assert [r.line for r in report.rejected_rows] == [6, 13]
    assert "'sähköposti'" in report.rejected_rows[0].reason
    assert "'postinumero'" in report.rejected_rows[1].reason
    parallel = _people(db)
    with db.begin() as s:
        hetu_index = s.execute(
            select(Customer.hetu_index).where(Customer.last_name == "Puu")
        ).scalar_one()
    assert hetu_index
    assert len(parallel) == 21 and ("Henkilö3", "Suku3", "h3@example.fi") in parallel
    # The same file again adds nobody: every row is a known person now (or still bad).
    again = import_customers(db, manager, path)
    assert (again.imported, again.rejected, again.unchanged) == (0, 2, 22)


def test_a_failing_batch_stops_the_import_with_its_error(
    db, manager, tmp_path: Path, monkeypatch
) -> None:
    from core.transfer import importing

    path = _mixed_file(tmp_path, "fails.csv")
    monkeypatch.setattr(importing, "BATCH", 4)
    calls = []

    def broken(session, actor, batch, label):
        calls.append(len(batch.rows))
        if len(calls) == 2:
            raise OSError("disk full")
        return real(session, actor, batch, label)

    real = importing.insert_prepared
    monkeypatch.setattr(importing, "insert_prepared", broken)
    try:
        import_customers(db, manager, path)
    except OSError as exc:
        assert "disk full" in str(exc)
    else:
        raise AssertionError("the writer's error was not raised")
    assert len(_people(db)) == 4  # the first batch is committed whole, the second not at all
    assert gc.isenabled()  # paused during the import only, also when it fails


def test_an_aborted_import_keeps_the_committed_batches_only(
    db, manager, tmp_path: Path, monkeypatch
) -> None:
    from core.transfer import importing

    path = _mixed_file(tmp_path, "abort.csv")
    monkeypatch.setattr(importing, "BATCH", 4)
    rows_seen = []
    report = import_customers(
        db, manager, path, should_abort=lambda: rows_seen.append(1) or len(rows_seen) > 12
    )
    assert report.aborted
    assert report.imported % 4 == 0 and report.imported == len(_people(db))
    assert gc.isenabled()


def test_hetus_encrypted_for_other_ids_are_encrypted_again(db, manager) -> None:
    """An import encrypts each batch's hetus under the ids it expects the rows to get; if a
    desk added someone meanwhile, the rows get other ids and their hetus must still open."""
    from core.customers import service as customers
    from core.settings import data_key
    from core.transfer import importing
    from tests.conftest import valid_hetu

    hetu = valid_hetu(individual=321)
    with db.begin() as s:
        batch = importing.prepare_customers(
            manager, [({"first_name": "Outi", "last_name": "Oksanen"}, hetu)]
        )
        batch.seal(data_key(s), 500)  # the ids the import expected
        [cid] = importing.insert_prepared(s, manager, batch, "test")
    assert cid != 500
    with db.begin() as s:
        assert customers.reveal_hetu(s, manager, cid) == hetu
