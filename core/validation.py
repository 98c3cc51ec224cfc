"""Validation in one place. Every function returns the clean value or raises
``ValidationError(field, code)`` naming the field."""

from __future__ import annotations

import functools
import re
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import hetu as stdnum_hetu
from stdnum.fi import ytunnus

from core.errors import ValidationError

NAME_MAX = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text(field: str, value: str | None, *, required: bool = False, max_len: int = 200) -> str:
    cleaned = " ".join((value or "").split())
    if _CONTROL.search(cleaned):
        raise ValidationError(field, "validation.control_chars")
    if required and not cleaned:
        raise ValidationError(field, "validation.required")
    if len(cleaned) > max_len:
        raise ValidationError(field, "validation.too_long", max=max_len)
    return cleaned


def name(field: str, value: str | None) -> str:
    cleaned = text(field, value, required=True, max_len=NAME_MAX)
    if not any(ch.isalpha() for ch in cleaned):
        raise ValidationError(field, "validation.name_letters")
    return cleaned


def hetu(value: str | None, field: str = "hetu") -> str:
    """A Finnish personal identity code, 2023 century signs included; temporary numbers
    (individual number 900-999) are refused. Never normalises Y or the others to '-':
    each century sign is part of a different person's code."""
    raw = (value or "").strip().upper()
    if not raw:
        return ""
    if len(raw) != 11:
        raise ValidationError(field, "validation.hetu_length")
    try:
        return str(stdnum_hetu.validate(raw, allow_temporary=False))
    except StdnumError as exc:
        if raw[7:10].isdigit() and int(raw[7:10]) >= 900:
            raise ValidationError(field, "validation.hetu_temporary") from exc
        if type(exc).__name__ == "InvalidChecksum":
            raise ValidationError(field, "validation.hetu_checksum") from exc
        raise ValidationError(field, "validation.hetu_invalid") from exc


# Where a hetu could begin: 6 digits, a century sign, 3 digits and a check character (found
# overlapping, glued to other text or not); only such places are given to the full check, so
# that a text field costs one regular-expression scan.
_HETU_SHAPE = re.compile(r"(?=(\d{6}[-+A-Ya-y]\d{3}[0-9A-Ya-y]))")


def holds_hetu(value: str) -> bool:
    """Whether the text holds a personal identity code (temporary ones included) anywhere."""
    for match in _HETU_SHAPE.finditer(value):
        if stdnum_hetu.is_valid(match.group(1).upper(), allow_temporary=True):
            return True
    return False


def mask_hetu(value: str) -> str:
    """``131052-308T`` -> ``131052-****``: birth date and century sign only."""
    return f"{value[:7]}****" if len(value) == 11 else "****"


# The everyday address (ASCII, dot-atom local part, a domain of letter-digit-hyphen labels
# with an alphabetic top-level domain) is a strict subset of what email-validator accepts;
# it takes a fast path, everything else goes through the library.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@((?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+[A-Za-z]{2,24}"
)
_SPECIAL_TLDS = {
    "arpa",
    "invalid",
    "local",
    "localhost",
    "onion",
    "test",
    "home",
    "lan",
    "internal",
    "corp",
    "intranet",
    "private",
}


def email(value: str | None, field: str = "email") -> str:
    raw = (value or "").strip()
    if not raw:
        return ""
    if (
        len(raw) <= 254
        and _PLAIN_EMAIL.fullmatch(raw)
        and len(raw.split("@")[0]) <= 64
        and raw.rsplit(".", 1)[1].lower() not in _SPECIAL_TLDS
    ):
        local, domain = raw.rsplit("@", 1)
        return f"{local}@{domain.lower()}"
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(field, "validation.email_invalid") from exc
    return str(result.normalized)


_FI_SHAPE = re.compile(r"(?:\+358|0)([1-9]\d{4,11})")
_fi_checks: tuple[Any, list[Any]] | None = None


def _valid_finnish(national: str) -> bool:
    """phonenumbers' own validity rule for region FI (its metadata patterns and lengths)
    without the cost of ``parse``: an import validates 100,000 numbers."""
    global _fi_checks
    if _fi_checks is None:
        md = phonenumbers.PhoneMetadata.metadata_for_region("FI")
        assert md is not None and md.general_desc is not None  # shipped with the library
        descs = [
            getattr(md, n)
            for n in (
                "premium_rate",
                "toll_free",
                "shared_cost",
                "voip",
                "personal_number",
                "pager",
                "uan",
                "voicemail",
                "fixed_line",
                "mobile",
            )
        ]
        _fi_checks = (
            re.compile(md.general_desc.national_number_pattern),
            [
                (re.compile(d.national_number_pattern), frozenset(d.possible_length or ()))
                for d in descs
                if d is not None and d.national_number_pattern
            ],
        )
    general, types = _fi_checks
    if not general.fullmatch(national):
        return False
    return any(
        (not lengths or len(national) in lengths) and pattern.fullmatch(national)
        for pattern, lengths in types
    )


def is_finnish_national(national: str) -> bool:
    """Whether digits without the leading 0 (``401234567``) are a valid Finnish number."""
    return national.isdigit() and national[:1] != "0" and _valid_finnish(national)


def phone(value: str | None, country: str = "FI", field: str = "phone") -> str:
    """Any Finnish or international number; stored in E.164 (+358401234567)."""
    raw = (value or "").strip()
    if not raw:
        return ""
    if (country or "FI") == "FI" or raw.startswith("+358"):
        # Fast path for the usual Finnish forms; anything else goes through phonenumbers.
        fast = _FI_SHAPE.fullmatch(raw.replace(" ", "").replace("-", ""))
        if (
            fast
            and (raw.startswith("+") or (country or "FI") == "FI")
            and _valid_finnish(fast.group(1))
        ):
            return "+358" + fast.group(1)
    try:
        parsed = phonenumbers.parse(raw, country or "FI")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(field, "validation.phone_invalid") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(field, "validation.phone_invalid")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def format_phone(e164: str, lang: str | None = None) -> str:
    """Shown nicely: national format for Finnish numbers ("040 038 3869"), international for
    others; with ``lang="en"`` (an English letter, maybe read abroad) always international
    ("+358 40 038 3869"). A number without a country code is read as Finnish."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, "FI")
    except phonenumbers.NumberParseException:
        return e164
    national = parsed.country_code == 358 and lang != "en"
    nsn = phonenumbers.national_significant_number(parsed)
    if parsed.country_code == 358 and len(nsn) == 9 and nsn.startswith(("4", "50")):
        # A Finnish mobile number in the grouping Finns write: 040 038 3869.
        groups = f"{nsn[:2]} {nsn[2:5]} {nsn[5:]}"
        return f"0{groups}" if national else f"+358 {groups}"
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if national
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(parsed, fmt))


def postal_code(value: str | None, country: str = "FI", field: str = "postal_code") -> str:
    raw = (value or "").strip()
    if not raw:
        return ""
    if (country or "FI").upper() == "FI":
        if not re.fullmatch(r"\d{5}", raw):
            raise ValidationError(field, "validation.postal_code_fi")
        return raw
    return text(field, raw, max_len=20)


def country(value: str | None, field: str = "country") -> str:
    raw = (value or "FI").strip().upper() or "FI"
    if not re.fullmatch(r"[A-Z]{2}", raw):
        raise ValidationError(field, "validation.country_invalid")
    return raw


def business_id(value: str | None, field: str = "business_id", required: bool = False) -> str:
    """Y-tunnus, stored in its usual form ``1572860-0``."""
    raw = (value or "").strip()
    if not raw:
        if required:
            raise ValidationError(field, "validation.required")
        return ""
    try:
        return str(ytunnus.format(ytunnus.validate(raw)))
    except StdnumError as exc:
        raise ValidationError(field, "validation.business_id_invalid") from exc


@functools.cache
def _enum_values(enum_cls: type) -> frozenset[str]:
    return frozenset(m.value for m in enum_cls)  # type: ignore[attr-defined]


def choice(
    field: str, value: str | None, allowed: type | tuple[str, ...], default: str = ""
) -> str:
    raw = (value or default).strip()
    options = allowed if isinstance(allowed, tuple) else _enum_values(allowed)
    if raw not in options:
        raise ValidationError(field, "validation.invalid_choice")
    return raw
