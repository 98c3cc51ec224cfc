"""Who will get direct mail: a table over the ``LabelEntry`` rows of a mailing selection, in
the order the labels are printed (postal code, then name)."""

from __future__ import annotations

from typing import Any

from core.documents.data import LabelEntry
from gui.rows import Column, RowsModel

COLUMNS = ("name", "organisation", "street", "postal_code", "city", "country")


def cell_text(entry: LabelEntry, column: str) -> str:
    if column == "name":
        return f"{entry.last_name} {entry.first_name}".strip()
    return str(getattr(entry, column) or "")


def _column(name: str) -> Column:
    header = "lists.col.name" if name == "name" else f"field.{name}"
    return Column(header, lambda entry: cell_text(entry, name))


def mailing_model(parent: Any = None) -> RowsModel:
    return RowsModel([_column(name) for name in COLUMNS], parent)
