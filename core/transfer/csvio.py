"""CSV reading and writing shared by every import and export (one path for all of them).

Reading: ``;``, tab or ``,``; UTF-8 with or without BOM, UTF-16 with its BOM (Excel's
"Unicode text"), else Windows-1252, never with bytes replaced; headers matched
case-insensitively in Finnish or English with the usual synonyms, a field given by two columns
refused. A row with more cells than the header, or one whose stray quote swallowed the rows
after it, is refused by itself (the swallowed lines are read again as rows); every line of the
file is accounted for. Writing: UTF-8 with BOM and
``;``, which Finnish Excel opens correctly.
"""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import AppError
from core.files import write_private
from core.i18n import t

# field -> accepted header names (lower case)
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("etunimi", "etunimet", "first name", "firstname", "first_name", "given name"),
    "last_name": ("sukunimi", "last name", "lastname", "last_name", "surname", "family name"),
    "organisation": ("yritys", "organisaatio", "organisation", "organization", "company", "yhtiö"),
    "email": (
        "sähköposti",
        "sahkoposti",
        "sähköpostiosoite",
        "email",
        "e-mail",
        "email address",
        "s-posti",
    ),
    "street": ("katuosoite", "osoite", "lähiosoite", "street", "street address", "address"),
    "postal_code": ("postinumero", "postal code", "postcode", "zip", "zip code", "postal_code"),
    "city": ("postitoimipaikka", "kaupunki", "paikkakunta", "city", "town", "post office"),
    "country": ("maa", "country", "maakoodi", "country code"),
    "phone": (
        "puhelin",
        "puhelinnumero",
        "matkapuhelin",
        "phone",
        "phone number",
        "telephone",
        "mobile",
    ),
    "hetu": (
        "hetu",
        "henkilötunnus",
        "henkilotunnus",
        "personal identity code",
        "ssn",
        "personal id",
    ),
    "source": ("lähde", "lahde", "source"),
}

# The headers an export writes (the import reads them back), per language.
EXPORT_HEADERS = {
    "fi": {
        "first_name": "etunimi",
        "last_name": "sukunimi",
        "organisation": "yritys",
        "email": "sähköposti",
        "street": "katuosoite",
        "postal_code": "postinumero",
        "city": "postitoimipaikka",
        "country": "maa",
        "phone": "puhelin",
        "hetu": "hetu",
        "source": "lähde",
    },
    "en": {
        "first_name": "first name",
        "last_name": "last name",
        "organisation": "organisation",
        "email": "email",
        "street": "street",
        "postal_code": "postal code",
        "city": "city",
        "country": "country",
        "phone": "phone",
        "hetu": "personal identity code",
        "source": "source",
    },
}


def field_for_header(header: str) -> str | None:
    key = " ".join(header.strip().lstrip("\ufeff").lower().replace("_", " ").split())
    for name, names in HEADER_SYNONYMS.items():
        if key in names or key.replace(" ", "_") in names:
            return name
    return None


# Byte order marks: UTF-16 is what Excel saves as "Unicode text" (tab-separated).
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_ENCODING_NAMES = {
    "utf-8-sig": "UTF-8",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def encoding_of(raw: bytes) -> str:
    """The encoding a byte order mark names (UTF-8 or UTF-16); else UTF-8 when the bytes are
    UTF-8, else Windows-1252: what Excel on a Finnish Windows saves."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode(raw: bytes, path: Path) -> str:
    """The file's text, or ``AppError`` naming the encoding problem: bytes that are not valid
    in the file's encoding, or NUL characters all over it (UTF-16 without its byte order mark,
    or not a text file at all; a stray NUL in a cell rejects its row only). Nothing is
    replaced silently."""
    encoding = encoding_of(raw)
    name = _ENCODING_NAMES[encoding]
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = len(_LINE_BREAK.findall(raw[: exc.start].decode(encoding, errors="replace"))) + 1
        raise AppError("csv.bad_encoding", path=str(path), encoding=name, line=line) from exc
    # NULs all over the text: UTF-16 without its byte order mark
    head = text[:4096]
    if head and head.count("\x00") * 4 >= len(head):
        line = len(_LINE_BREAK.findall(text, 0, text.find("\x00"))) + 1
        raise AppError("csv.nul_bytes", path=str(path), line=line)
    return text


def sniff_delimiter(text: str) -> str:
    """The separator the header line uses most: ``;``, tab or ``,`` (in that order on a tie)."""
    first = text.split("\n", 1)[0]
    counts = [(first.count(d), -n, d) for n, d in enumerate((";", "\t", ","))]
    best = max(counts)
    return best[2] if best[0] else ","


@dataclass
class RowProblem:
    """A row the reader could not take apart safely (a stray quote, too many cells): the
    catalogue code and its parameters say why."""

    line: int
    cells: list[str]
    code: str
    params: dict[str, Any]


@dataclass
class CsvTable:
    headers: list[str]
    fields: list[str | None]  # the field each column maps to (None: ignored)
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    delimiter: str
    problems: list[RowProblem] = field(default_factory=list)  # rows refused while reading
    # the columns no field is read from: (column number from 1, header, maybe empty)
    ignored: list[tuple[int, str]] = field(default_factory=list)
    lines: int = 0  # the file's lines after the header, blank ones included
    blank: int = 0  # of those, the lines of blank rows
    continued: int = 0  # and the lines that go on a row begun above (a cell in two lines)

    @property
    def read(self) -> int:
        """The rows read: the good ones and the refused ones."""
        return len(self.rows) + len(self.problems)


def header_name(header: str) -> str:
    return header.strip().lstrip("\ufeff")


def ignored_columns_text(ignored: Sequence[tuple[int, str]], lang: str | None = None) -> str:
    """``ignored columns (not recognised): 'emial', column 7 (no header)`` or ""."""
    if not ignored:
        return ""
    columns = ", ".join(
        f"'{name}'" if name else t("import.unnamed_column", lang=lang, number=number)
        for number, name in ignored
    )
    return t("import.ignored_columns", lang=lang, columns=columns)


HEAD_BYTES = 64 * 1024  # what read_head reads of a CSV file: hundreds of rows


def read_head(path: Path, rows: int) -> CsvTable:
    """The header and the first ``rows`` rows of a CSV file, read from its first
    ``HEAD_BYTES`` only (the import wizard's column page): the encoding, the delimiter and the
    matches are those ``read_table`` finds; the whole file is read by the import itself."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(HEAD_BYTES)
    except OSError as exc:
        raise AppError("csv.cannot_read", path=str(path), detail=exc.strerror or "") from exc
    if len(raw) == HEAD_BYTES:  # cut after the last whole line
        cut = raw.rfind(b"\n")
        if cut > 0:
            # UTF-16LE's line break is 0A 00: keep its second byte
            end = cut + 2 if raw.startswith(b"\xff\xfe") else cut + 1
            raw = raw[:end]
    text = decode(raw, path)
    if not text.strip():
        raise AppError("csv.empty", path=str(path))
    table = _read_rows(_Lines(io.StringIO(text, newline="")), path, sniff_delimiter(text))
    del table.rows[rows:]
    return table


def read_table(path: Path) -> CsvTable:
    """The rows of a CSV file with their line numbers. The whole file is decoded once to
    check its encoding, then read as a stream; repeated cell values (towns, first names,
    postal codes) are kept once: a file of 100,000 rows then takes about half the memory."""
    try:
        raw = path.read_bytes()
        encoding = encoding_of(raw)
        text = decode(raw, path)
        del raw
        if not text.strip():
            raise AppError("csv.empty", path=str(path))
        delimiter = sniff_delimiter(text[:65536])
        del text
        with path.open(encoding=encoding, newline="") as stream:
            return _read_rows(_Lines(stream), path, delimiter)
    except OSError as exc:
        raise AppError("csv.cannot_read", path=str(path), detail=exc.strerror or "") from exc
    except UnicodeDecodeError as exc:  # the file changed since it was checked
        raise AppError("csv.cannot_read", path=str(path), detail=str(exc)) from exc


class _Lines:
    """The file's physical lines for ``csv.reader``, numbered, with the lines of the record
    being read kept so that the lines a stray quote swallowed can be read again."""

    def __init__(self, stream: Iterator[str]) -> None:
        self._stream = stream
        self._again: deque[tuple[int, str]] = deque()
        self._next = 1
        self.record: list[tuple[int, str]] = []  # (line number, text) of the current record
        self.count = 0  # lines taken from the file

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._again:
            item = self._again.popleft()
        else:
            item = (self._next, next(self._stream))
            self._next += 1
            self.count += 1
        self.record.append(item)
        return item[1]

    def read_again(self, lines: list[tuple[int, str]]) -> None:
        self._again.extendleft(reversed(lines))


def _swallowed(cell: str, delimiter: str, width: int) -> bool:
    """Whether a cell holds what a stray quote swallowed: a line break followed by a line with
    the separator (the next row), or the separator as often as a whole row has it. A cell of
    two lines without the separator (an address in two lines) is a real cell."""
    if "\n" in cell or "\r" in cell:
        return any(delimiter in rest for rest in _LINE_BREAK.split(cell)[1:])
    return cell.count(delimiter) >= max(2, width - 1)


def _quote_opened_at(cells: list[str], delimiter: str, width: int) -> int | None:
    """How many lines into its record the first swallowing cell begins, or None."""
    breaks = 0
    for cell in cells:
        if _swallowed(cell, delimiter, width):
            return breaks
        breaks += len(_LINE_BREAK.findall(cell))
    return None


def _cells_of_line(text: str, delimiter: str) -> list[str]:
    """One physical line's cells with quotes taken literally (for the rejected rows' file)."""
    line = text.rstrip("\r\n")
    try:
        return next(csv.reader([line], delimiter=delimiter, quoting=csv.QUOTE_NONE))
    except csv.Error:  # a cell past the size limit: the line as it is
        return [line]


def _read_rows(lines: _Lines, path: Path, delimiter: str) -> CsvTable:
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        headers = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise AppError("csv.empty", path=str(path)) from exc
    header_lines = len(lines.record)
    fields = [field_for_header(h) for h in headers]
    first_column: dict[str, str] = {}
    for header, fld in zip(headers, fields, strict=True):
        if fld is None:
            continue
        if fld in first_column:
            raise AppError(
                "csv.duplicate_column",
                first=header_name(first_column[fld]),
                second=header_name(header),
            )
        first_column[fld] = header
    width = len(headers)
    table = CsvTable(headers, fields, [], delimiter)
    rows, problems = table.rows, table.problems
    covered = 0  # the lines of the rows read, refused and blank ones included
    # Columns without a header are ignored too; they are named when some row fills them.
    unnamed = [i for i, h in enumerate(headers) if not header_name(h)]
    unnamed_used: set[int] = set()
    # One dictionary of values per column, kept while the column repeats itself.
    seen: list[dict[str, str] | None] = [{} for _ in headers]
    while True:
        lines.record = []
        try:
            cells: list[str] | None = next(reader)
        except StopIteration:
            break
        except csv.Error:  # a cell past the size limit: a stray quote swallowed the rest
            cells = None
            reader = csv.reader(lines, delimiter=delimiter)
        record = lines.record
        line = record[0][0]
        opened: int | None = 0 if cells is None else None
        if cells is not None and (len(record) > 1 or '"' in record[0][1]):
            opened = _quote_opened_at(cells, delimiter, width)
        if opened is not None:
            # The row where the quote opened is refused; the lines it swallowed are read
            # again as the rows they are.
            problems.append(
                RowProblem(
                    line,
                    _cells_of_line(record[opened][1], delimiter),
                    "csv.stray_quote",
                    {"line": line + opened, "last": record[-1][0]},
                )
            )
            lines.read_again(record[opened + 1 :])
            covered += opened + 1
            table.continued += opened
            continue
        assert cells is not None
        covered += len(record)
        if not any(c.strip() for c in cells):
            table.blank += len(record)
            continue
        table.continued += len(record) - 1
        if len(cells) > width:
            problems.append(
                RowProblem(
                    line, cells, "csv.too_many_cells", {"cells": len(cells), "header": width}
                )
            )
            continue
        for i, (cell, known) in enumerate(zip(cells, seen, strict=False)):
            if known is not None:
                cells[i] = known.setdefault(cell, cell)
        for i in unnamed:
            if i < len(cells) and cells[i].strip():
                unnamed_used.add(i)
        rows.append((line, cells))
        if len(rows) == 1000:  # columns of mostly different values are left alone
            seen = [k if k is not None and len(k) < 500 else None for k in seen]
    table.lines = lines.count - header_lines
    # No row may disappear without a word: every line is a row's, or blank.
    if covered != table.lines or table.read + table.continued + table.blank != covered:
        raise AppError("csv.lines_lost", path=str(path), read=covered, lines=table.lines)
    problems.sort(key=lambda p: p.line)
    table.ignored = [
        (i + 1, header_name(h))
        for i, (h, f) in enumerate(zip(headers, fields, strict=True))
        if f is None and (header_name(h) or i in unnamed_used)
    ]
    return table


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(str(v)) for v in row])
        count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return count


def safe_cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    if value and value[0] in "=+-@\t\r" and not _is_number_like(value):
        return "'" + value
    return value


def _is_number_like(value: str) -> bool:
    return (
        value[0] in "+-" and value[1:].replace(" ", "").replace(",", "").replace(".", "").isdigit()
    )
