"""One message catalogue for core and GUI, in Finnish (default) and English.

Catalogues live in ``resources/i18n/*.json``, one file per area of the app (customers, orders,
requests, documents, backup, lists, users, audit, settings, statistics, common); the key's
first part names the same area (``backup.done``, ``lists.save``). Each file maps a key to its
texts::

    {"field.first_name": {"fi": "Etunimi", "en": "First name"}}

Texts use ``str.format`` placeholders: ``t("error.customer_not_found", id=12)``. A message that
shows a number of things has plural forms, chosen by ``t(key, count=n)`` (``one`` when n == 1,
else ``other``, in both languages); ``count`` is also a placeholder::

    {"customers.count": {"fi": {"one": "{count} asiakas", "other": "{count} asiakasta"}, ...}}

The domain words have one name each, in the ``term.*`` group (``term.request.rectification``).

A missing key gives the key itself and a text whose placeholders do not match gives the raw
text, so the app never fails on a message; in strict mode (``set_strict(True)``, which the
test suite turns on) both raise :class:`MessageError`. ``t(key, default=...)`` is for keys that
may be missing by design (a value without a label): it gives ``default`` then, also in strict
mode.
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
PLURAL_FORMS = ("one", "other")
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
CATALOGUE_DIR = RESOURCES / "i18n"

Text = str | dict[str, str]

_lock = threading.Lock()
_catalogue: dict[str, dict[str, Text]] | None = None
_language = DEFAULT_LANGUAGE
_strict = False


class MessageError(LookupError):
    """A message key that is missing, or placeholders that do not fit (strict mode only)."""


def load_catalogue() -> dict[str, dict[str, Text]]:
    """Merge every catalogue file; a key defined twice is an error (caught by tests)."""
    merged: dict[str, dict[str, Text]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.json")):
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"message key {key!r} defined twice ({path.name})")
            merged[key] = texts
    return merged


def catalogue() -> dict[str, dict[str, Text]]:
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


def set_strict(strict: bool) -> None:
    """Raise on a missing key or a wrong placeholder instead of showing the key or raw text."""
    global _strict
    _strict = strict


def plural_form(count: float) -> str:
    """The plural form for ``count``: Finnish and English both say ``one`` only for 1."""
    return "one" if count == 1 else "other"


_NO_DEFAULT: Any = object()


def t(key: str, lang: str | None = None, *, default: Any = _NO_DEFAULT, **params: Any) -> str:
    """The text of ``key`` in ``lang`` (default: the current language), filled with params.

    ``count=n`` (a number) chooses the plural form of a message that has them and fills
    ``{count}`` with the number written as :func:`format_count` writes it.
    """
    texts = catalogue().get(key)
    if texts is None:
        if default is not _NO_DEFAULT:
            return default
        if _strict:
            raise MessageError(f"message key {key!r} is not in the catalogue")
        return key
    text = texts.get(lang or _language) or texts.get(DEFAULT_LANGUAGE) or key
    count = params.get("count")
    if isinstance(text, dict):
        if not isinstance(count, int | float):
            if _strict:
                raise MessageError(f"message {key!r} has plural forms; give count=<number>")
            text = text["other"]
        else:
            text = text[plural_form(count)]
    elif _strict and "count" in params and "{count" not in text:
        raise MessageError(f"message {key!r} has no plural forms nor {{count}}")
    if isinstance(count, int | float) and not isinstance(count, bool):
        params["count"] = format_count(count, lang)
    if params or _strict:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError) as e:
            if _strict:
                raise MessageError(f"message {key!r}: placeholders do not fit ({e!r})") from e
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


def format_count(n: int | float, lang: str | None = None) -> str:
    """``12 345`` and ``2,5`` in Finnish (no-break space groups), ``12,345`` and ``2.5`` in English."""
    text = f"{n:,}" if isinstance(n, int) else f"{n:,g}"
    if (lang or _language) == "fi":
        return text.replace(",", "\u00a0").replace(".", ",")
    return text


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
