"""The fast paths behave exactly like the slow ones they replace."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from core import validation
from core.customers.search import search_customers
from core.customers.service import create_customer, update_customer
from core.customers.wipe import wipe_customer
from core.errors import ValidationError


def _names(rows) -> list[str]:
    return [f"{r.first_name} {r.last_name}" for r in rows]


def test_search_finds_fragments_after_create_update_and_delete(db, receptionist) -> None:
    with db.begin() as s:
        a = create_customer(
            s,
            receptionist,
            {
                "first_name": "Aino",
                "last_name": "Söderberg",
                "email": "aino@esimerkki.fi",
                "phone": "040 123 4567",
                "postal_code": "33100",
            },
        )
        create_customer(s, receptionist, {"first_name": "Eero", "last_name": "Mäkinen"})
    with db.begin() as s:
        assert _names(search_customers(s, receptionist, "söder")) == ["Aino Söderberg"]
        assert _names(search_customers(s, receptionist, "SÖDERB aino")) == ["Aino Söderberg"]
        assert _names(search_customers(s, receptionist, "040 123")) == ["Aino Söderberg"]
        assert _names(search_customers(s, receptionist, "mä")) == ["Eero Mäkinen"]
        assert len(search_customers(s, receptionist, "e")) == 2
        assert search_customers(s, receptionist, "33100 eero") == []
    with db.begin() as s:
        update_customer(s, receptionist, a.id, {"last_name": "Lindroos"}, expected_version=None)
    with db.begin() as s:
        assert search_customers(s, receptionist, "söder") == []
        assert _names(search_customers(s, receptionist, "lindr")) == ["Aino Lindroos"]
    with db.begin() as s:
        wipe_customer(s, a.id, "delete")
    with db.begin() as s:
        assert search_customers(s, receptionist, "lindr") == []
        assert search_customers(s, receptionist, "aino@") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        'a"b"c',
        "*",
        "(",
        "AND OR NOT",
        "NEAR(x y)",
        "%_\\",
        "a-b-c",
        "'; DROP TABLE customers; --",
    ],
)
def test_search_with_odd_characters_never_fails(db, receptionist, query) -> None:
    with db.begin() as s:
        create_customer(s, receptionist, {"first_name": "Aino", "last_name": "Virtanen"})
    with db.begin() as s:
        assert search_customers(s, receptionist, query) == []
        assert len(search_customers(s, receptionist, "")) == 1


def _reference_phone(raw: str, country: str) -> str | None:
    try:
        parsed = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def test_fast_finnish_phone_check_agrees_with_phonenumbers() -> None:
    rng = random.Random(7)
    starts = [
        "40",
        "41",
        "44",
        "45",
        "46",
        "50",
        "9",
        "20",
        "10",
        "800",
        "600",
        "700",
        "18",
        "0",
        "29",
        "75",
        "13",
        "3",
    ]
    for _ in range(4000):
        national = rng.choice(starts) + "".join(
            rng.choice("0123456789") for _ in range(rng.randint(2, 10))
        )
        raw = rng.choice(
            [
                f"+358{national}",
                f"0{national}",
                f"0{national[:2]} {national[2:]}",
                f"+358 {national[:2]}-{national[2:]}",
            ]
        )
        country = rng.choice(["FI", "FI", "SE"])
        try:
            mine: str | None = validation.phone(raw, country)
        except ValidationError:
            mine = None
        assert mine == _reference_phone(raw, country), (raw, country)
