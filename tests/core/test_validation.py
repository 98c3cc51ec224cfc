from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import validation
from core.errors import ValidationError
from tests.conftest import valid_hetu


@pytest.mark.parametrize(
    "value",
    [
        "131052-308T",
        valid_hetu(1, 1, 2005, 123),  # A: 2000s
        valid_hetu(1, 1, 2005, 123, sign="B"),  # 2023 century signs
        valid_hetu(1, 1, 2005, 123, sign="F"),
        valid_hetu(1, 1, 1995, 123, sign="Y"),
        valid_hetu(1, 1, 1995, 123, sign="U"),
        valid_hetu(1, 1, 1895, 123, sign="+"),
    ],
)
def test_valid_hetu_is_accepted_unchanged(value: str) -> None:
    assert validation.hetu(value) == value


def test_hetu_century_sign_is_never_normalised() -> None:
    dash = valid_hetu(10, 1, 1990, 123, sign="-")
    y = valid_hetu(10, 1, 1990, 123, sign="Y")
    assert validation.hetu(y) == y
    assert validation.hetu(y) != validation.hetu(dash)


@pytest.mark.parametrize(
    "value, code",
    [
        ("131052-308X", "validation.hetu_checksum"),
        ("131052-308", "validation.hetu_length"),
        ("321052-308T", "validation.hetu_invalid"),
        (valid_hetu(10, 1, 1990, 999), "validation.hetu_temporary"),
        (valid_hetu(10, 1, 1990, 900), "validation.hetu_temporary"),
    ],
)
def test_bad_hetu_is_refused_naming_the_field(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as err:
        validation.hetu(value)
    assert err.value.field == "hetu"
    assert err.value.code == code
    assert "Henkilötunnus" in err.value.message("fi")


def test_masked_hetu_shows_birth_date_only() -> None:
    assert validation.mask_hetu("131052-308T") == "131052-****"


@pytest.mark.parametrize(
    "raw, e164, shown",
    [
        ("040 123 4567", "+358401234567", "040 123 4567"),
        ("+358 9 1234 5678", "+358912345678", "09 12345678"),
        ("+46 8 123 456 78", "+46812345678", "+46 8 123 456 78"),
    ],
)
def test_phone_stored_e164_and_shown_nicely(raw: str, e164: str, shown: str) -> None:
    assert validation.phone(raw) == e164
    assert validation.format_phone(e164) == shown


def test_english_letters_show_finnish_numbers_in_international_format() -> None:
    assert validation.format_phone("+358400383869", "fi") == "040 038 3869"
    assert validation.format_phone("+358400383869", "en") == "+358 40 038 3869"
    assert validation.format_phone("+358912345678", "en") == "+358 9 12345678"


@pytest.mark.parametrize("raw", ["123", "abc", "+358 40"])
def test_bad_phone_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as err:
        validation.phone(raw)
    assert err.value.field == "phone"


def test_email_normalised_and_bad_email_refused() -> None:
    assert validation.email("Matti@Example.FI") == "Matti@example.fi"
    with pytest.raises(ValidationError):
        validation.email("matti@")
    with pytest.raises(ValidationError):
        validation.email("two@@example.fi")


def test_postal_code_five_digits_in_finland_free_abroad() -> None:
    assert validation.postal_code("00100") == "00100"
    with pytest.raises(ValidationError):
        validation.postal_code("0010")
    with pytest.raises(ValidationError):
        validation.postal_code("ABCDE")
    assert validation.postal_code("SW1A 1AA", "GB") == "SW1A 1AA"


def test_business_id_checked_and_formatted() -> None:
    assert validation.business_id("1572860-0") == "1572860-0"
    with pytest.raises(ValidationError) as err:
        validation.business_id("1572860-1")
    assert err.value.field == "business_id"


def test_names_required_and_need_letters() -> None:
    with pytest.raises(ValidationError):
        validation.name("first_name", "  ")
    with pytest.raises(ValidationError):
        validation.name("first_name", "1234")
    assert validation.name("first_name", "  Väinö  ") == "Väinö"


@given(st.text(max_size=30))
def test_any_text_is_a_hetu_that_validates_again_unchanged_or_is_refused_naming_the_field(
    value: str,
) -> None:
    try:
        clean = validation.hetu(value)
    except ValidationError as exc:
        assert exc.field == "hetu" and exc.code.startswith("validation.")
    else:
        assert validation.hetu(clean) == clean


_SIGNS = {1800: "+", 1900: "-YXWVU", 2000: "ABCDEF"}


@given(
    born=st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
    individual=st.integers(min_value=2, max_value=899),
    pick=st.integers(0, 5),
)
def test_a_generated_valid_hetu_round_trips(born: date, individual: int, pick: int) -> None:
    signs = _SIGNS[born.year // 100 * 100]
    sign = signs[pick % len(signs)]
    value = valid_hetu(born.day, born.month, born.year, individual, sign=sign)
    assert validation.hetu(value) == value
    assert validation.mask_hetu(value) == value[:7] + "****"


@given(st.text(max_size=40))
def test_phone_email_and_postal_code_return_clean_text_or_refuse_naming_their_field(
    value: str,
) -> None:
    for fn, field in (
        (validation.phone, "phone"),
        (validation.email, "email"),
        (validation.postal_code, "postal_code"),
    ):
        try:
            clean = fn(value)
        except ValidationError as exc:
            assert exc.field == field
        else:
            assert isinstance(clean, str) and fn(clean) == clean
