"""CSV reading and writing shared by every import and export (one path for all of them).

Reading: ``;`` or ``,``, UTF-8 with or without BOM, else Windows-1252; headers matched
case-insensitively in Finnish or English with the usual synonyms. Writing: UTF-8 with BOM and
``;``, which Finnish Excel opens correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import AppError
from core.files import write_private

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
    for field, names in HEADER_SYNONYMS.items():
        if key in names or key.replace(" ", "_") in names:
            return field
    return None


def encoding_of(raw: bytes) -> str:
    """UTF-8 (with or without a byte order mark) when the bytes are UTF-8, else Windows-1252:
    what Excel on a Finnish Windows saves."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") >= first.count(",") and ";" in first else ","


@dataclass
class CsvTable:
    headers: list[str]
    fields: list[str | None]  # the field each column maps to (None: ignored)
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    delimiter: str


def read_table(path: Path) -> CsvTable:
    """The rows of a CSV file with their line numbers. The file is read as a stream once its
    encoding is known, and repeated cell values (towns, first names, postal codes) are kept
    once: a file of 100,000 rows then takes about half the memory."""
    try:
        raw = path.read_bytes()
        encoding = encoding_of(raw)
        first = raw[:65536].decode(encoding, errors="replace")
        del raw
        if not first.strip():
            raise AppError("csv.empty", path=str(path))
        delimiter = sniff_delimiter(first)
        with path.open(encoding=encoding, errors="replace", newline="") as stream:
            return _read_rows(csv.reader(stream, delimiter=delimiter), path, delimiter)
    except OSError as exc:
        raise AppError("csv.cannot_read", path=str(path), detail=exc.strerror or "") from exc


def _read_rows(reader: Any, path: Path, delimiter: str) -> CsvTable:
    try:
        headers = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise AppError("csv.empty", path=str(path)) from exc
    fields = [field_for_header(h) for h in headers]
    rows: list[tuple[int, list[str]]] = []
    # One dictionary of values per column, kept while the column repeats itself.
    seen: list[dict[str, str] | None] = [{} for _ in headers]
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            for i, (cell, known) in enumerate(zip(cells, seen, strict=False)):
                if known is not None:
                    cells[i] = known.setdefault(cell, cell)
            rows.append((reader.line_num, cells))
            if len(rows) == 1000:  # columns of mostly different values are left alone
                seen = [k if k is not None and len(k) < 500 else None for k in seen]
    except csv.Error as exc:
        raise AppError("csv.malformed", line=reader.line_num, detail=str(exc)) from exc
    return CsvTable(headers, fields, rows, delimiter)


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else _safe_cell(str(v)) for v in row])
        count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return count


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    if value and value[0] in "=+-@\t\r" and not _is_number_like(value):
        return "'" + value
    return value


def _is_number_like(value: str) -> bool:
    return (
        value[0] in "+-" and value[1:].replace(" ", "").replace(",", "").replace(".", "").isdigit()
    )
