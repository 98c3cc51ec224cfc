"""Spreadsheets in and out: .xlsx, .xls and .ods read through python-calamine into the same
table the CSV reader gives (``CsvTable``), .xlsx written through openpyxl.

Spreadsheet cells arrive typed. Each is turned into the text the user meant, by the field its
column maps to: a whole number stored as a float (``40123456.0``) becomes ``40123456``; a
Finnish postal code stored as a number (``100``) is zero-padded to five digits (``00100``); a
phone number that lost its leading 0 (``401234567``) gets it back when that makes a valid
Finnish number. A date, time or true/false cell in a text field refuses its row with a reason
naming the row and the column: no one can tell what text it stood for. Line numbers are the
sheet's own row numbers, the header's row included, as the user sees them in Excel.

Writing applies the CSV writer's rule to every cell (``csvio.safe_cell``: a value that starts
with = + - @ is made harmless) and stores every cell as text, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from core import validation
from core.errors import AppError
from core.files import write_private
from core.transfer.csvio import (
    HEADER_SYNONYMS,
    CsvTable,
    RowProblem,
    field_for_header,
    header_name,
    read_head,
    read_table,
    safe_cell,
    write_table,
)

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CUSTOMER_FILE_SUFFIXES = (".csv", ".txt", *SPREADSHEET_SUFFIXES)


def is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SPREADSHEET_SUFFIXES


def _workbook(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except OSError as exc:
        raise AppError("csv.cannot_read", path=str(path), detail=exc.strerror or str(exc)) from exc
    except Exception as exc:  # calamine's own errors: not a spreadsheet, a damaged one
        raise AppError("import.sheet.unreadable", path=str(path)) from exc


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheets, in their order; a CSV file has none."""
    if not is_spreadsheet(path):
        return []
    return list(_workbook(path).sheet_names)


def read_customer_file(
    path: Path, sheet: str | None = None, fields: Sequence[str | None] | None = None
) -> CsvTable:
    """The table of a customer file: a spreadsheet's sheet (the first when ``sheet`` is None)
    or a CSV file. ``fields`` replaces the matches the headers give (None: the column is
    ignored), as the import wizard's user chose them."""
    if is_spreadsheet(path):
        return read_sheet(path, sheet, fields)
    table = read_table(path)
    if fields is not None:
        chosen = _chosen_fields(table.headers, fields)
        listed = {number for number, _name in table.ignored}
        table.fields = chosen
        table.ignored = [
            (i + 1, header_name(h))
            for i, (h, f) in enumerate(zip(table.headers, chosen, strict=True))
            if f is None and (header_name(h) or i + 1 in listed)
        ]
    return table


def read_customer_file_head(path: Path, sheet: str | None = None, rows: int = 8) -> CsvTable:
    """The header and the first ``rows`` rows of a customer file, for the import wizard's
    column page: a CSV file's first kilobytes (``csvio.read_head``), a sheet's first rows. The
    whole file is read by ``preview_import`` and ``import_customers``."""
    if is_spreadsheet(path):
        return read_sheet(path, sheet, limit=rows)
    return read_head(path, rows)


def _chosen_fields(headers: Sequence[str], fields: Sequence[str | None]) -> list[str | None]:
    if len(fields) != len(headers) or any(
        f is not None and f not in HEADER_SYNONYMS for f in fields
    ):
        raise AppError("import.sheet.bad_columns")
    chosen = list(fields)
    check_fields(headers, chosen)
    return chosen


class _TypedCell(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _plain(value: Any) -> str:
    """A cell's text where no field rule applies."""
    if isinstance(value, bool):
        raise _TypedCell("import.sheet.boolean_cell")
    if isinstance(value, datetime | date):
        raise _TypedCell("import.sheet.date_cell")
    if isinstance(value, time | timedelta):
        raise _TypedCell("import.sheet.time_cell")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return "" if value is None else str(value)


def _postal_code(value: Any, country: str) -> str:
    text = _plain(value)
    if isinstance(value, int | float) and country == "FI" and text.isdigit() and len(text) < 5:
        return text.zfill(5)
    return text


def _phone(value: Any, country: str) -> str:
    text = _plain(value)
    if not isinstance(value, int | float) or not text.isdigit():
        return text
    if text.startswith("358") and validation.is_finnish_national(text[3:]):
        return "+" + text
    if country == "FI" and validation.is_finnish_national(text):
        return "0" + text
    return text


_FIELD_RULES = {"postal_code": _postal_code, "phone": _phone}


def typed_cells(
    values: Sequence[Any], fields: Sequence[str | None], headers: Sequence[str]
) -> tuple[list[str], list[tuple[str, str]]]:
    """A row's cells as text, and the headers of the cells that cannot be (a date cell in a
    text field)."""
    country = "FI"
    if "country" in fields:
        i = fields.index("country")
        if i < len(values) and isinstance(values[i], str) and values[i].strip():
            country = values[i].strip().upper()
    cells: list[str] = []
    bad: list[tuple[str, str]] = []
    for i, value in enumerate(values):
        fld = fields[i] if i < len(fields) else None
        rule = _FIELD_RULES.get(fld or "")
        try:
            cells.append(rule(value, country) if rule else _plain(value))
        except _TypedCell as exc:
            cells.append(str(value))
            if fld is not None:  # an ignored column's cells are never read
                name = header_name(headers[i]) if i < len(headers) else ""
                bad.append((exc.code, name or str(i + 1)))
    return cells, bad


def read_sheet(
    path: Path,
    sheet: str | None = None,
    fields: Sequence[str | None] | None = None,
    limit: int | None = None,
) -> CsvTable:
    """The rows of one sheet (the first when ``sheet`` is None) as ``CsvTable``: the header
    is the first row that is not blank; each cell is text by its field's rule, and a row with
    a cell no rule can turn into text is a ``RowProblem`` naming the row and the column.
    ``limit``: only the first rows after the header (the import wizard's sample)."""
    book = _workbook(path)
    names = list(book.sheet_names)
    if not names:
        raise AppError("csv.empty", path=str(path))
    if sheet is not None and sheet not in names:
        raise AppError("import.sheet.not_found", path=str(path), sheet=sheet)
    try:
        chosen_sheet = book.get_sheet_by_name(sheet or names[0])
        # Streamed row by row: the sheet's values are never all in memory at once. The rows
        # come from the sheet's first row on, so they are numbered as Excel numbers them.
        rows = iter(chosen_sheet.iter_rows())
        line = 0
    except Exception as exc:
        raise AppError("import.sheet.unreadable", path=str(path)) from exc
    raw_headers: list[Any] | None = None
    for values in rows:
        line += 1
        if any(_blank_or_text(v).strip() for v in values):
            raw_headers = list(values)
            break
    if raw_headers is None:
        raise AppError("csv.empty", path=str(path))
    while raw_headers and not _blank_or_text(raw_headers[-1]).strip():
        raw_headers = raw_headers[:-1]
    headers = [_blank_or_text(h) for h in raw_headers]
    chosen = _fields_checked(headers) if fields is None else _chosen_fields(headers, fields)
    table = CsvTable(headers, chosen, [], "sheet")
    try:
        return fill_table(table, rows if limit is None else islice(rows, limit), line + 1)
    except AppError:
        raise
    except Exception as exc:  # calamine failing part-way through a damaged file
        raise AppError("import.sheet.unreadable", path=str(path)) from exc
    finally:
        del rows, chosen_sheet, book
        _return_freed_heap()


def _return_freed_heap() -> None:
    """Give the C heap that calamine freed back to the system. The parsed sheet (about 60 MB
    for 100,000 rows) lies in the C heap under the table's rows, so glibc cannot shrink the
    heap and would keep those pages for the whole import: ``malloc_trim`` releases them (the
    import's peak memory, DESIGN.md section 9). Nothing to do off glibc."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # musl and others: no malloc_trim
        return


def _blank_or_text(value: Any) -> str:
    try:
        return _plain(value)
    except _TypedCell:
        return str(value)


def _fields_checked(headers: Sequence[str]) -> list[str | None]:
    fields = [field_for_header(h) for h in headers]
    check_fields(headers, fields)
    return fields


def check_fields(headers: Sequence[str], fields: Sequence[str | None]) -> None:
    """``csv.duplicate_column`` when two columns give the same field."""
    first: dict[str, str] = {}
    for header, fld in zip(headers, fields, strict=True):
        if fld is None:
            continue
        if fld in first:
            raise AppError(
                "csv.duplicate_column", first=header_name(first[fld]), second=header_name(header)
            )
        first[fld] = header


def fill_table(table: CsvTable, rows: Iterable[Sequence[Any]], first_line: int) -> CsvTable:
    """Put a sheet's rows (typed values) into ``table``, numbered from ``first_line``."""
    width = len(table.headers)
    used: set[int] = set()
    seen: dict[str, str] = {}
    for line, values in enumerate(rows, start=first_line):
        table.lines += 1
        cells, bad = typed_cells(values, table.fields, table.headers)
        if not any(c.strip() for c in cells):
            table.blank += 1
            continue
        extra = [c for c in cells[width:] if c.strip()]
        cells = [seen.setdefault(c, c) for c in cells[:width]]
        used.update(i for i, c in enumerate(cells) if c.strip())
        if bad:
            code, column = bad[0]
            table.problems.append(RowProblem(line, cells, code, {"column": column}))
        elif extra:
            table.problems.append(
                RowProblem(
                    line,
                    cells,
                    "csv.too_many_cells",
                    {"cells": width + len(extra), "header": width},
                )
            )
        else:
            table.rows.append((line, cells))
    table.ignored = [
        (i + 1, header_name(h))
        for i, (h, f) in enumerate(zip(table.headers, table.fields, strict=True))
        if f is None and (header_name(h) or i in used)
    ]
    return table


def write_xlsx(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """An .xlsx file of one sheet, readable by the owner only; every cell is text made safe
    for spreadsheets (``safe_cell``), never a formula. Returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet()

    def text_cell(value: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet)
        # Set after the cell exists: openpyxl's setter would take "=..." for a formula.
        text = "" if value is None else safe_cell(str(value))
        cell._value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
        cell.data_type = "s"
        return cell

    sheet.append([text_cell(h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([text_cell(v) for v in row])
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, buffer.getvalue())
    return count


def write_customer_table(
    path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """The one writer of customer tables: .xlsx by ``write_xlsx``, anything else as CSV."""
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(path, headers, rows)
    return write_table(path, headers, rows)
