"""CSV import: messy real-world files and arbitrary rows (property test)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.importing import import_customers
from core.models import Customer


def test_messy_file_windows_1252_commas_english_headers(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    path.write_bytes(
        "First Name,LAST NAME,Company,E-mail,Street,Postal Code,City,Phone,Personal identity code\r\n"
        "Äijö,Öhman,Oy Ab,aijo@example.fi,Kauppakatu 3,00100,Helsinki,+358401112223,\r\n"
        ",,,,,,,,\r\n"
        "Liisa,Virtanen,,liisa@example,,,,,\r\n"
        "Pekka,Puu,,,,,,,131052-308T\r\n".encode("cp1252"))
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected, report.unchanged) == (2, 1, 0)
    assert "column 'E-mail'" in report.rejected_rows[0].reason or \
        "sarake 'E-mail'" in report.rejected_rows[0].reason
    with db.begin() as s:
        names = set(s.execute(select(Customer.last_name)).scalars())
    assert names == {"Öhman", "Puu"}


def test_utf8_bom_semicolons_finnish_headers(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffetunimi;sukunimi;postitoimipaikka;puhelinnumero\n"
                     "Väinö;Mäkelä;Jyväskylä;040 111 2222\n".encode())
    report = import_customers(db, manager, path)
    assert report.imported == 1 and report.rejected == 0
    with db.begin() as s:
        c = s.execute(select(Customer)).scalar_one()
        assert (c.first_name, c.city, c.phone) == ("Väinö", "Jyväskylä", "+358401112222")


def test_duplicate_rules_same_hetu_else_email_else_name_and_postcode(db, manager,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "dups.csv"
    path.write_text(
        "etunimi;sukunimi;sähköposti;postinumero;hetu\n"
        "Anna;A;anna@example.fi;00100;131052-308T\n"
        "Toinen;Nimi;;;131052-308T\n"          # same hetu
        "Anna;Aa;ANNA@example.fi;33100;\n"       # same email
        "Anna;A;;00100;\n",                      # same name + postal code
        encoding="utf-8")
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


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=7), min_size=1, max_size=8))
def test_arbitrary_rows_import_or_are_rejected_never_raise(db, manager, tmp_path_factory,
                                                           rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["etunimi", "sukunimi", "sähköposti", "puhelin", "postinumero", "hetu",
                     "yritys"])
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("prop") / "rows.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    with db.begin() as s:
        before = s.execute(select(func.count(Customer.id))).scalar_one()
    report = import_customers(db, manager, path)
    non_empty = [r for r in rows if any(c.strip() for c in r)]
    assert report.imported + report.rejected + report.unchanged <= len(non_empty)
    assert all(r.reason for r in report.rejected_rows)
    with db.begin() as s:
        after = s.execute(select(func.count(Customer.id))).scalar_one()
    assert after - before == report.imported


def test_demo_data_passes_every_validation_rule() -> None:
    import random

    from core.customers import clean_customer
    from core.demo import make_customer

    rng, used = random.Random(5), set()
    for n in range(500):
        data = make_customer(rng, n, used)
        assert clean_customer(data)["hetu"] == data.get("hetu", "")
