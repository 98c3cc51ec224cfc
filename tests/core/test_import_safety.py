"""Issue 14: nothing lost, nothing leaked, whatever arrives (stray quotes, shifted rows,
ignored columns, UTF-16, unreadable bytes, a hetu given later)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.customers.service import (
    clean_customer,
    create_customer,
    customer_history,
    update_customer,
)
from core.customers.updates import preview_updates
from core.errors import AppError, ValidationErrors
from core.i18n import t
from core.models import AuditEntry, Customer
from core.transfer.importing import import_customers
from tests.conftest import valid_hetu
from tests.core.test_cli import cli  # noqa: F401  (the command-line fixture)

HETU = valid_hetu()  # 131052-308T
OTHER_HETU = valid_hetu(individual=309)


def _texts(db) -> list[str]:
    with db.begin() as s:
        rows = s.execute(
            select(
                Customer.first_name,
                Customer.last_name,
                Customer.organisation,
                Customer.email,
                Customer.street,
                Customer.city,
            )
        ).all()
    return [v for row in rows for v in row]


# --- 1. a stray quote --------------------------------------------------------------------------


def _stray_quote_file(tmp_path: Path) -> Path:
    path = tmp_path / "stray.csv"
    path.write_text(
        "etunimi;sukunimi;sähköposti;katuosoite;hetu\n"
        "Aino;Aalto;aino@example.fi;Katu 1;\n"
        'Anna;"Virtanen;anna@example.fi;Katu 2;\n'  # line 3: the quote is never closed
        f"Pekka;Puu;pekka@example.fi;Katu 3;{HETU}\n"
        "Liisa;Laine;liisa@example.fi;Katu 4;\n",
        encoding="utf-8",
    )
    return path


def test_a_stray_quote_rejects_its_row_and_the_rows_it_swallowed_are_read_again(
    db, manager, tmp_path: Path
) -> None:
    path = _stray_quote_file(tmp_path)
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected, report.unchanged, report.updated) == (3, 1, 0, 0)
    assert report.rows == 4
    [row] = report.rejected_rows
    assert row.line == 3
    assert "rivi 3" in row.reason and "lainausmerkkiä" in row.reason and "rivillä 3" in row.reason
    assert row.cells[:2] == ["Anna", '"Virtanen']
    with db.begin() as s:
        people = {c.last_name: c for c in s.execute(select(Customer)).scalars()}
        assert set(people) == {"Aalto", "Puu", "Laine"}
        assert people["Puu"].hetu_index  # the hetu went where it belongs, encrypted
    assert not any(HETU in v for v in _texts(db))
    rejected = report.rejected_path.read_text(encoding="utf-8-sig")  # type: ignore[union-attr]
    assert "Pekka" not in rejected


def test_a_stray_quote_closed_rows_later_loses_no_row(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "closed.csv"
    path.write_text(
        "etunimi;sukunimi;postinumero\n"
        'Anna;"Virtanen;00100\n'  # opened on line 2
        "Pekka;Puu;00200\n"
        'Liisa;Laine";00300\n'  # ... and "closed" on line 4
        "Outi;Oja;00400\n",
        encoding="utf-8",
    )
    report = import_customers(db, manager, path, lang="en")
    assert report.rows == 4
    assert report.imported + report.rejected + report.unchanged + report.updated == 4
    assert [r.line for r in report.rejected_rows] == [2]
    assert "line 2" in report.rejected_rows[0].reason
    with db.begin() as s:
        names = set(s.execute(select(Customer.first_name)).scalars())
    assert {"Pekka", "Liisa", "Outi"} <= names and "Anna" not in names


def test_a_cell_in_two_lines_without_a_separator_is_a_real_cell(db, manager, tmp_path) -> None:
    path = tmp_path / "two_lines.csv"
    path.write_text(
        'etunimi;sukunimi;katuosoite\nAnna;Virtanen;"Kauppakatu 3\nC 12"\n', encoding="utf-8"
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected) == (1, 0)
    with db.begin() as s:
        assert s.execute(select(Customer.street)).scalar_one() == "Kauppakatu 3 C 12"


def test_cli_import_with_a_stray_quote_exits_1_naming_the_line(cli, tmp_path) -> None:  # noqa: F811
    assert cli("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    path = _stray_quote_file(tmp_path)
    result = cli("import-customers", str(path), "--user", "anna")
    assert result.returncode == 1
    assert "tuotu 3, hylätty 1, ennallaan 0, päivitetty 0" in result.stdout
    assert "rivi 3" in result.stderr and HETU not in result.stdout + result.stderr


@pytest.mark.parametrize("field", ["first_name", "last_name", "organisation", "street", "city"])
def test_no_text_field_accepts_a_hetu(field: str) -> None:
    data = {"first_name": "Anna", "last_name": "Virtanen", field: f"Anna x{HETU.lower()}"}
    with pytest.raises(ValidationErrors) as exc:
        clean_customer(data)
    assert [(e.field, e.code) for e in exc.value.errors] == [(field, "validation.hetu_in_text")]
    # A number of the same shape that is no hetu is text like any other.
    assert clean_customer({**data, field: "Asunto 131052-308X"})[field] == "Asunto 131052-308X"


def test_a_hetu_in_a_text_field_is_refused_at_the_desk_and_in_an_import(
    db, manager, tmp_path: Path
) -> None:
    with db.begin() as s, pytest.raises(ValidationErrors):
        create_customer(s, manager, {"first_name": "Anna", "last_name": "V", "city": HETU})
    with db.begin() as s:
        cid = create_customer(s, manager, {"first_name": "Anna", "last_name": "V"}).id
    with db.begin() as s, pytest.raises(ValidationErrors):
        update_customer(s, manager, cid, {"street": f"Katu 1 {HETU}"}, None)
    path = tmp_path / "leak.csv"
    path.write_text(f"etunimi;sukunimi;postitoimipaikka\nPekka;Puu;Espoo {HETU}\n", "utf-8")
    report = import_customers(db, manager, path, lang="en")
    assert report.rejected == 1
    assert "column 'postitoimipaikka'" in report.rejected_rows[0].reason
    assert "personal identity code" in report.rejected_rows[0].reason
    assert HETU not in report.rejected_rows[0].reason
    assert not any(HETU in v for v in _texts(db))


# --- 2. more cells than the header --------------------------------------------------------------


def test_a_row_longer_than_the_header_is_rejected_a_shorter_one_kept(
    db, manager, tmp_path: Path
) -> None:
    path = tmp_path / "shifted.csv"
    path.write_text(
        "etunimi;sukunimi;sähköposti;postinumero\n"
        "Aino;Aalto;aino@example.fi;00100\n"
        "Anna;Virtanen;;anna@example.fi;00200\n"  # one separator too many: shifted
        "Liisa;Laine\n",  # Excel's short row: the missing cells are empty
        encoding="utf-8",
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected) == (2, 1)
    assert report.rejected_rows[0].reason == "rivi 3: rivillä on 5 solua, otsikkorivillä 4"
    assert t("csv.too_many_cells", lang="en", cells=10, header=9) == (
        "the row has 10 cells, the header 9"
    )
    with db.begin() as s:
        people = {c.first_name: c for c in s.execute(select(Customer)).scalars()}
    assert set(people) == {"Aino", "Liisa"}
    assert (people["Liisa"].email, people["Liisa"].postal_code) == ("", "")


# --- 3. ignored and duplicated columns ---------------------------------------------------------


def test_ignored_columns_are_named_in_the_summary(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "columns.csv"
    path.write_text(
        "etunimi;sukunimi;emial;;muistiinpanot;\nAnna;Virtanen;anna@example.fi;x;;\n",
        encoding="utf-8",
    )
    report = import_customers(db, manager, path)
    assert report.summary() == (
        "tuotu 1, hylätty 0, ennallaan 0, päivitetty 0; ohitetut sarakkeet (ei tunnistettu): "
        "'emial', sarake 4 (ei otsikkoa), 'muistiinpanot'"
    )
    assert report.summary("en").endswith(
        "; ignored columns (not recognised): 'emial', column 4 (no header), 'muistiinpanot'"
    )


def test_a_field_given_by_two_columns_refuses_the_file(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "etunimi;sukunimi;email;sähköposti\nAnna;Virtanen;a@example.fi;b@example.fi\n", "utf-8"
    )
    with pytest.raises(AppError) as exc:
        import_customers(db, manager, path)
    assert exc.value.code == "csv.duplicate_column"
    assert "'email'" in exc.value.message() and "'sähköposti'" in exc.value.message()
    with pytest.raises(AppError):
        with db.begin() as s:
            preview_updates(s, manager, path)
    assert _texts(db) == []


def test_cli_names_ignored_columns_and_refuses_a_duplicate_in_one_line(
    cli,  # noqa: F811
    tmp_path,
) -> None:
    assert cli("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    path = tmp_path / "columns.csv"
    path.write_text("etunimi;sukunimi;emial\nAnna;Virtanen;anna@example.fi\n", "utf-8")
    result = cli("import-customers", str(path), "--user", "anna")
    assert result.returncode == 0
    assert "ohitetut sarakkeet (ei tunnistettu): 'emial'" in result.stdout
    path.write_text("etunimi;sukunimi;puhelin;puhelinnumero\nAnna;V;0401234567;\n", "utf-8")
    result = cli("import-customers", str(path), "--user", "anna")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Sarakkeet 'puhelin' ja 'puhelinnumero' ovat sama kenttä: poista toinen niistä ja tuo "
        "tiedosto uudelleen."
    )


# --- 4. encodings ------------------------------------------------------------------------------


def test_excel_unicode_text_utf16_with_tabs_is_read(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    text = "etunimi\tsukunimi\tpostitoimipaikka\r\nVäinö\tMäkelä\tJyväskylä\r\n"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected) == (1, 0)
    with db.begin() as s:
        c = s.execute(select(Customer)).scalar_one()
        assert (c.first_name, c.last_name, c.city) == ("Väinö", "Mäkelä", "Jyväskylä")


def test_a_file_that_cannot_be_decoded_is_refused_naming_the_encoding(
    db, manager, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    # Windows-1252 has no character for 0x81: the file is no text in any encoding we read.
    path.write_bytes(b"etunimi;sukunimi\nAnna;Virtanen\nP\x81ekka;Puu\n")
    with pytest.raises(AppError) as exc:
        import_customers(db, manager, path)
    assert exc.value.code == "csv.bad_encoding"
    assert "Windows-1252" in exc.value.message() and "rivillä 3" in exc.value.message()
    # UTF-16 without its byte order mark
    path.write_bytes("etunimi;sukunimi\nAnna;Virtanen\n".encode("utf-16-le"))
    with pytest.raises(AppError) as exc:
        import_customers(db, manager, path)
    assert exc.value.code == "csv.nul_bytes" and "UTF-16" in exc.value.message()
    # UTF-16 cut in the middle of a character
    path.write_bytes(b"\xff\xfe" + "etunimi;sukunimi\nAnna;V\n".encode("utf-16-le")[:-1])
    with pytest.raises(AppError) as exc:
        import_customers(db, manager, path)
    assert exc.value.code == "csv.bad_encoding" and "UTF-16" in exc.value.message()
    assert _texts(db) == []


# --- 5. a hetu given later -----------------------------------------------------------------------


def test_a_later_file_gives_the_missing_hetu_to_the_person_stored_without_one(
    db, manager, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("etunimi;sukunimi;sähköposti\nAnna;Virtanen;anna@example.fi\n", "utf-8")
    assert import_customers(db, manager, first).imported == 1
    later = tmp_path / "later.csv"
    later.write_text(
        f"etunimi;sukunimi;sähköposti;hetu\nAnna;Virtanen;ANNA@example.fi;{HETU}\n", "utf-8"
    )
    report = import_customers(db, manager, later)
    assert (report.imported, report.rejected, report.unchanged, report.updated) == (0, 0, 0, 1)
    assert report.summary() == "tuotu 0, hylätty 0, ennallaan 0, päivitetty 1"
    with db.begin() as s:
        [customer] = s.execute(select(Customer)).scalars().all()
        assert customer.hetu_index
        history = customer_history(s, manager, customer.id)
        assert [(h.field, h.source) for h in history if h.field == "hetu"] == [
            ("hetu", "import:later.csv")
        ]
        audit = s.execute(
            select(AuditEntry).where(
                AuditEntry.entity == "customer", AuditEntry.entity_id == str(customer.id)
            )
        ).scalar_one()
        assert (audit.action, audit.fields) == ("customer.import", "hetu")
    again = import_customers(db, manager, later)
    assert (again.imported, again.unchanged, again.updated) == (0, 1, 0)


def test_a_hetu_is_not_given_when_the_name_differs_or_in_the_same_file(
    db, manager, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "etunimi;sukunimi;sähköposti;postinumero;hetu\n"
        "Anna;Virtanen;anna@example.fi;00100;\n"
        f"Pekka;Puu;anna@example.fi;00100;{OTHER_HETU}\n"  # the same email, another name
        f"Anna;Virtanen;ANNA@example.fi;00100;{HETU}\n"  # Anna's hetu
        "Aino;Aalto;;00200;\n"
        f"Aino;Aalto;;00200;{valid_hetu(individual=311)}\n",  # a namesake: a new customer
        encoding="utf-8",
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected, report.unchanged, report.updated) == (3, 1, 0, 1)
    assert report.rejected_rows[0].line == 3
    assert report.rejected_rows[0].reason == (
        "rivi 3: sähköpostiosoite on rivin 2 henkilön, jolla ei ole henkilötunnusta, mutta nimi "
        "on eri: riviä ei tuotu; tarkista rivi ja lisää tunnus käsin"
    )
    with db.begin() as s:
        anna = s.execute(select(Customer).where(Customer.first_name == "Anna")).scalar_one()
        assert anna.hetu_index and anna.email == "anna@example.fi"
        # A name and postal code are no ground to give a hetu: two Aino Aaltos in 00200.
        ainos = s.execute(select(Customer.hetu_index).where(Customer.first_name == "Aino"))
        assert sorted(bool(h) for h in ainos.scalars()) == [False, True]


def test_import_updates_rejects_a_stray_quote_and_names_ignored_columns(
    db, manager, tmp_path: Path
) -> None:
    with db.begin() as s:
        create_customer(s, manager, {"first_name": "Anna", "last_name": "V", "hetu": HETU})
    path = tmp_path / "updates.csv"
    path.write_text(
        f'hetu;katuosoite;huomautus\n"{HETU};Uusi katu 1;x\n{OTHER_HETU};Katu 2;y\n', "utf-8"
    )
    with db.begin() as s:
        preview = preview_updates(s, manager, path)
    assert [r.line for r in preview.rejected] == [2]
    assert "rivi 2" in preview.rejected[0].reason
    assert [r.line for r in preview.unmatched] == [3]
    assert preview.summary().endswith("; ohitetut sarakkeet (ei tunnistettu): 'huomautus'")


def test_a_stored_customer_with_another_name_is_not_given_the_hetu(
    db, manager, tmp_path: Path
) -> None:
    with db.begin() as s:
        cid = create_customer(
            s, manager, {"first_name": "Pekka", "last_name": "Puu", "email": "p@example.fi"}
        ).id
    path = tmp_path / "other.csv"
    path.write_text(f"etunimi;sukunimi;sähköposti;hetu\nPaavo;Puu;p@example.fi;{HETU}\n", "utf-8")
    report = import_customers(db, manager, path, lang="en")
    assert (report.imported, report.rejected, report.updated) == (0, 1, 0)
    assert report.rejected_rows[0].reason.startswith(
        f"row 2: the email address is that of customer {cid}, who has no personal identity code"
    )
    with db.begin() as s:
        assert s.execute(select(Customer.hetu_index)).scalar_one() is None


def test_a_stray_quote_before_more_than_a_cell_can_hold_loses_no_row(
    db, manager, tmp_path: Path
) -> None:
    """The swallowed cell grows past the csv module's limit (128 KiB): the row is still
    refused alone and the rows after it imported."""
    body = "".join(
        f"Etu{i};Suku{i};henkilo{i}@example.fi;Pitkä katu {i} A 1\n" for i in range(3000)
    )
    path = tmp_path / "long.csv"
    path.write_text(
        'etunimi;sukunimi;sähköposti;katuosoite\nAnna;"Virtanen;a@example.fi;x\n' + body, "utf-8"
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected, report.unchanged) == (3000, 1, 0)
    assert report.rejected_rows[0].line == 2
