"""Issue 16 points 1 and 2: customers in from .xlsx (typed cells turned into the text the user
meant, or the row rejected naming its row and column), a preview that writes nothing, the
command line taking spreadsheets, and .xlsx written safe for spreadsheets."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader  # noqa: F401  (the test extra is installed)
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from core.errors import AppError
from core.models import AuditEntry, Customer
from core.transfer.exporting import export_customers
from core.transfer.importing import import_customers, preview_import, write_rejected
from core.transfer.sheets import read_sheet, sheet_names
from tests.core.test_cli import cli  # noqa: F401  (the command-line fixture)

HEADERS = ["Etunimi", "Sukunimi", "Postinumero", "Puhelin", "Katuosoite", "Sähköposti"]


def _xlsx(path: Path, rows: list[list[object]], headers: list[str] = HEADERS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Asiakkaat"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    other = book.create_sheet("Muistiinpanot")
    other.append(["ei asiakkaita"])
    book.save(path)
    return path


def _stored(db) -> list[tuple[str, str, str, str]]:
    with db.begin() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(
                    Customer.first_name, Customer.postal_code, Customer.phone, Customer.street
                ).order_by(Customer.first_name)
            )
        ]


def test_typed_cells_become_the_text_the_user_meant(db, manager, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "asiakkaat.xlsx",
        [
            ["Aino", "Ahonen", 100, 401234567, "Kauppakatu 1", "aino@example.fi"],
            ["Bertta", "Berg", 96100.0, 40123456.0, 12, None],
            ["Cecilia", "Carlsson", "00530", "+358 9 123 456", "Satamakatu 2", None],
        ],
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected) == (3, 0), report.rejected_rows
    assert _stored(db) == [
        ("Aino", "00100", "+358401234567", "Kauppakatu 1"),
        ("Bertta", "96100", "+35840123456", "12"),
        ("Cecilia", "00530", "+3589123456", "Satamakatu 2"),
    ]


def test_a_date_cell_in_a_text_field_rejects_its_row_naming_row_and_column(
    db, manager, tmp_path: Path
) -> None:
    path = _xlsx(
        tmp_path / "asiakkaat.xlsx",
        [
            ["Aino", "Ahonen", "00100", None, "Kauppakatu 1", None],
            ["Bertta", "Berg", "00100", None, datetime.date(2024, 3, 1), None],
        ],
    )
    report = import_customers(db, manager, path, lang="fi")
    assert (report.imported, report.rejected) == (1, 1)
    reason = report.rejected_rows[0].reason
    assert reason.startswith("rivi 3:"), reason
    assert "sarakkeessa 'Katuosoite' on päivämäärä" in reason


def test_a_postal_code_of_another_country_is_not_padded(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "a.xlsx", [["Aino", "Ahonen", 1234, None, None, None, "SE"]], [*HEADERS, "Maa"]
    )
    table = read_sheet(path)
    assert table.rows == [(2, ["Aino", "Ahonen", "1234", "", "", "", "SE"])]


def test_sheets_are_listed_and_one_is_chosen(db, manager, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", [["Aino", "Ahonen", "00100", None, None, None]])
    assert sheet_names(path) == ["Asiakkaat", "Muistiinpanot"]
    with pytest.raises(AppError) as exc:
        import_customers(db, manager, path, sheet="Muistiinpanot")
    assert exc.value.code == "import.missing_name_columns"


def test_preview_counts_new_unchanged_rejected_and_writes_nothing(
    db, manager, tmp_path: Path
) -> None:
    rows = [
        ["Aino", "Ahonen", "00100", None, None, "aino@example.fi"],
        ["Bertta", "Berg", "123", None, None, None],
    ]
    import_customers(db, manager, _xlsx(tmp_path / "first.xlsx", rows[:1]))
    path = _xlsx(tmp_path / "a.xlsx", [*rows, ["Cecilia", "Carlsson", None, None, None, None]])
    with db.begin() as s:
        before = s.execute(select(func.count(AuditEntry.id))).scalar_one()
    report = preview_import(db, manager, path)
    assert (report.imported, report.unchanged, report.rejected) == (1, 1, 1)
    assert "Postinumero" in report.rejected_rows[0].reason
    assert [r[0] for r in _stored(db)] == ["Aino"]
    with db.begin() as s:
        assert s.execute(select(func.count(AuditEntry.id))).scalar_one() == before
    assert not (tmp_path / "a.rejected.csv").exists()


def test_a_changed_column_match_and_an_ignored_column_are_used(db, manager, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "a.xlsx",
        [["Aino", "Ahonen", "00100", None, "Kauppakatu 1", None, "Rovaniemi"]],
        [*HEADERS, "Kunta"],
    )
    fields = ["first_name", "last_name", "postal_code", "phone", None, "email", "city"]
    report = import_customers(db, manager, path, fields=fields)
    assert report.imported == 1
    assert report.ignored_columns == [(5, "Katuosoite")]
    with db.begin() as s:
        c = s.execute(select(Customer)).scalar_one()
        assert (c.street, c.city) == ("", "Rovaniemi")
    with pytest.raises(AppError) as exc:
        import_customers(db, manager, path, fields=[*fields[:6], "first_name"])
    assert exc.value.code == "csv.duplicate_column"


def test_cancelled_import_keeps_its_committed_batches(db, manager, tmp_path: Path, monkeypatch):
    import core.transfer.importing as importing

    monkeypatch.setattr(importing, "BATCH", 10)
    rows = [[f"Etu{n:03d}", "Suku", "00100", None, None, None] for n in range(35)]
    path = _xlsx(tmp_path / "a.xlsx", rows)
    seen = iter(range(10_000))
    report = import_customers(db, manager, path, should_abort=lambda: next(seen) >= 25)
    assert report.aborted
    # whole batches only: those committed before the cancel stay, the one waiting is dropped
    assert report.imported in (10, 20)
    assert len(_stored(db)) == report.imported


def test_rejected_rows_are_saved_as_xlsx_for_fixing(db, manager, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", [["+Bertta", "Berg", "123", None, None, None]])
    report = preview_import(db, manager, path)
    out = tmp_path / "hylatyt.xlsx"
    assert write_rejected(out, report, lang="fi") == 1
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][:6] == HEADERS
    assert rows[1][0] == "'+Bertta"  # text, never a formula
    assert "Postinumero" in rows[1][-1]
    book = openpyxl.load_workbook(out)
    assert book.active["A2"].data_type == "s"


def test_export_to_xlsx_has_the_csv_columns_and_harmless_values(
    db, manager, tmp_path: Path
) -> None:
    source = _xlsx(tmp_path / "a.xlsx", [["Aino", "@Ahonen", "00100", None, "+Katu 1", None]])
    import_customers(db, manager, source)
    out = tmp_path / "vienti.xlsx"
    with db.begin() as s:
        assert export_customers(s, manager, out) == 1
        entry = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
        assert entry.action == "customer.export"
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["etunimi", "sukunimi", "yritys"]
    assert "hetu" not in rows[0]
    assert rows[1][1] == "'@Ahonen"
    assert "'+Katu 1" in rows[1]
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_command_line_imports_an_xlsx_file(cli, tmp_path: Path) -> None:  # noqa: F811
    assert cli("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    path = _xlsx(
        tmp_path / "asiakkaat.xlsx",
        [
            ["Aino", "Ahonen", 100, 401234567, None, None],
            ["Bertta", "Berg", 100, None, datetime.datetime(2024, 1, 1, 12, 0), None],
        ],
    )
    result = cli("import-customers", str(path), "--user", "anna")
    assert result.returncode == 1, result.stderr
    assert "tuotu 1, hylätty 1" in result.stdout
    assert "rivi 3:" in result.stderr and "Katuosoite" in result.stderr
    assert (tmp_path / "asiakkaat.rejected.csv").exists()


def test_rows_are_numbered_as_excel_numbers_them_when_the_sheet_starts_lower(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"], sheet["C3"], sheet["D3"] = "Etunimi", "Sukunimi", "Postinumero"
    sheet["B4"], sheet["C4"], sheet["D4"] = "Aino", "Ahonen", 100
    sheet["B6"], sheet["C6"], sheet["D6"] = "Bertta", "Berg", datetime.date(2024, 1, 1)
    book.save(tmp_path / "a.xlsx")
    table = read_sheet(tmp_path / "a.xlsx")
    assert table.rows == [(4, ["Aino", "Ahonen", "00100"])]
    assert [(p.line, p.code, p.params) for p in table.problems] == [
        (6, "import.sheet.date_cell", {"column": "Postinumero"})
    ]
    assert table.blank == 1


def test_a_file_that_is_no_spreadsheet_is_one_clear_error(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "asiakkaat.xlsx"
    path.write_bytes(b"etunimi;sukunimi\nAino;Ahonen\n")
    with pytest.raises(AppError) as exc:
        import_customers(db, manager, path)
    assert exc.value.code == "import.sheet.unreadable"
    assert "ei voi lukea laskentataulukkona" in exc.value.message("fi")


def test_the_head_of_a_big_csv_file_is_its_first_rows_in_any_encoding(tmp_path):
    """The import wizard's column page: the first rows, from the file's first kilobytes, cut
    at a line break even when the cut falls in a two-byte character (UTF-16, ä in UTF-8)."""
    from core.transfer.csvio import HEAD_BYTES
    from core.transfer.sheets import read_customer_file_head

    lines = ["etunimi;sukunimi;postitoimipaikka"] + [
        f"Äijä{i};Öljynen{i};Hämeenlinna" for i in range(20_000)
    ]
    text = "\r\n".join(lines) + "\r\n"
    for name, encoding in (("utf8.csv", "utf-8"), ("utf16.csv", "utf-16"), ("win.csv", "cp1252")):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        assert path.stat().st_size > 2 * HEAD_BYTES
        table = read_customer_file_head(path, rows=8)
        assert table.headers == ["etunimi", "sukunimi", "postitoimipaikka"], name
        assert table.fields == ["first_name", "last_name", "city"]
        assert [cells for _line, cells in table.rows] == [
            [f"Äijä{i}", f"Öljynen{i}", "Hämeenlinna"] for i in range(8)
        ], name
        assert not table.problems


def test_the_head_of_a_sheet_is_its_first_rows(tmp_path):
    import openpyxl

    from core.transfer.sheets import read_customer_file_head

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Etunimi", "Sukunimi", "Postinumero"])
    for i in range(500):
        sheet.append([f"Etu{i}", f"Suku{i}", 100])
    path = tmp_path / "a.xlsx"
    book.save(path)
    table = read_customer_file_head(path, rows=3)
    assert [cells for _line, cells in table.rows] == [
        [f"Etu{i}", f"Suku{i}", "00100"] for i in range(3)
    ]
    assert [line for line, _cells in table.rows] == [2, 3, 4]
