"""One message catalogue for core and GUI, in Finnish (default) and English.

Catalogues live in ``resources/i18n/*.json``; each file belongs to one area of the app
(core, gui, requests, documents, ...) and maps a key to its texts::

    {"customer.first_name": {"fi": "Etunimi", "en": "First name"}}

Texts use ``str.format`` placeholders: ``t("error.customer_not_found", id=12)``.
"""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

LANGUAGES = ("fi", "en")
DEFAULT_LANGUAGE = "fi"
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
CATALOGUE_DIR = RESOURCES / "i18n"

_lock = threading.Lock()
_catalogue: dict[str, dict[str, str]] | None = None
_language = DEFAULT_LANGUAGE


def load_catalogue() -> dict[str, dict[str, str]]:
    """Merge every catalogue file; a key defined twice is an error (caught by tests)."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.json")):
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"message key {key!r} defined twice ({path.name})")
            merged[key] = texts
    return merged


def catalogue() -> dict[str, dict[str, str]]:
    global _catalogue
    with _lock:
        if _catalogue is None:
            _catalogue = load_catalogue()
        return _catalogue


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _language = lang


def language() -> str:
    return _language


def t(key: str, lang: str | None = None, **params: Any) -> str:
    """The text of ``key`` in ``lang`` (default: the current language), filled with params."""
    texts = catalogue().get(key)
    if texts is None:
        return key
    text = texts.get(lang or _language) or texts.get(DEFAULT_LANGUAGE) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def format_date(value: date | datetime | None, lang: str | None = None) -> str:
    """d.m.yyyy in Finnish, ISO 8601 in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if (lang or _language) == "fi":
        return f"{value.day}.{value.month}.{value.year}"
    return value.isoformat()


def format_datetime(value: datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    return (
        f"{format_date(value, lang)} {value:%H.%M}"
        if (lang or _language) == "fi"
        else (f"{value:%Y-%m-%d %H:%M}")
    )


def format_money(amount: Decimal | int | float | None, lang: str | None = None) -> str:
    """``1 234,50 €`` in Finnish (narrow no-break space groups), ``€1,234.50`` in English."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"))
    text = f"{value:,.2f}"
    if (lang or _language) == "fi":
        text = text.replace(",", "\u00a0").replace(".", ",")
        return f"{text}\u00a0€"
    return f"€{text}"
