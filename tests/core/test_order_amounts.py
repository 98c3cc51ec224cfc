from __future__ import annotations

from decimal import Decimal

import pytest

from core.orders import parse_amount


@pytest.mark.parametrize(
    "text", ["1234.50", "1 234,50", "1\u00a0234,50 €", "1.234,50", "1,234.50", "€1,234.50"]
)
def test_amount_is_read_the_same_in_finnish_and_english_notation(text: str) -> None:
    assert parse_amount(text) == Decimal("1234.50")
