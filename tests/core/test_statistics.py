"""Statistics [S4] on a small dataset built here, so every figure is known in advance."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from core.customers.service import create_customer
from core.errors import PermissionDenied
from core.models import Request
from core.orders import create_order
from core.statistics import (
    LABELLED,
    available_years,
    compute_statistics,
    export_statistics_csv,
    label,
)
from core.transfer.exporting import write_json


def _request(s, number, kind, received, due, state="in_progress", completed=None, extended=None):
    s.add(
        Request(
            number=number,
            kind=kind,
            received_on=received,
            due_on=due,
            extended_due_on=extended,
            channel="letter",
            state=state,
            completed_at=completed,
        )
    )


@pytest.fixture
def known(db, manager):
    """3 customers (2 from the shop, 1 from the web service), 5 orders, 4 requests."""
    with db.begin() as s:
        ids = []
        for first, source, created in (
            ("Aino", "shop", datetime(2024, 1, 15, 9)),
            ("Bertta", "shop", datetime(2024, 3, 2, 10)),
            ("Celia", "web_service", datetime(2024, 3, 20, 11)),
        ):
            c = create_customer(
                s, manager, {"first_name": first, "last_name": "Testi", "source": source}
            )
            c.created_at = created
            ids.append(c.id)
        for cid, ordered, channel, amount in (
            (ids[0], date(2024, 1, 20), "shop", "1000,00"),
            (ids[0], date(2024, 1, 25), "shop", "250,50"),
            (ids[1], date(2024, 1, 30), "web", "99,90"),
            (ids[1], date(2024, 3, 5), "shop", "200000"),
            (ids[2], date(2023, 12, 31), "reseller", "10"),
        ):
            create_order(
                s,
                manager,
                cid,
                {"item": "Asunto", "amount": amount, "channel": channel, "ordered_on": ordered},
            )
        # answered in 10 days (in time), 40 days (late), 35 days (in time: extended), open.
        _request(
            s,
            "P-1",
            "access",
            date(2024, 2, 1),
            date(2024, 3, 1),
            "completed",
            datetime(2024, 2, 11, 14),
        )
        _request(
            s,
            "P-2",
            "erasure",
            date(2024, 2, 1),
            date(2024, 3, 1),
            "refused",
            datetime(2024, 3, 12, 9),
        )
        _request(
            s,
            "P-3",
            "access",
            date(2024, 4, 1),
            date(2024, 5, 1),
            "completed",
            datetime(2024, 5, 6, 9),
            extended=date(2024, 7, 1),
        )
        _request(s, "P-4", "objection", date(2024, 4, 2), date(2024, 5, 2))
    return ids


def test_figures_for_a_year_match_the_known_dataset(db, manager, known) -> None:
    with db.begin() as s:
        stats = compute_statistics(s, manager, 2024)
    assert stats.customers_total == 3
    assert [(c.key, c.count) for c in stats.customers_by_source] == [
        ("shop", 2),
        ("web_service", 1),
    ]
    assert [(m.month, m.count) for m in stats.customers_by_month] == [(1, 1), (3, 2)]
    assert [(o.month, o.channel, o.orders, o.revenue) for o in stats.orders_by_month] == [
        (1, "shop", 2, Decimal("1250.50")),
        (1, "web", 1, Decimal("99.90")),
        (3, "shop", 1, Decimal("200000.00")),
    ]
    assert stats.orders_total == 4 and stats.revenue_total == Decimal("201350.40")
    assert [(c.key, c.count) for c in stats.requests_by_kind] == [
        ("access", 2),
        ("erasure", 1),
        ("objection", 1),
    ]
    assert (stats.timing.answered, stats.timing.in_time) == (3, 2)
    assert stats.timing.median_days == 35
    assert stats.timing.share_in_time == pytest.approx(2 / 3)


def test_all_years_include_the_order_of_the_previous_year(db, manager, known) -> None:
    with db.begin() as s:
        stats = compute_statistics(s, manager)
        years = available_years(s, manager)
    assert stats.orders_total == 5
    assert (stats.orders_by_month[0].year, stats.orders_by_month[0].channel) == (2023, "reseller")
    assert years[:2] == [max(years), max(years) - 1] and 2023 in years and 2024 in years


def test_statistics_never_read_personal_values(db, manager, known) -> None:
    """The queries name no personal column: the statements SQLAlchemy sends are checked."""
    from sqlalchemy import event

    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with db.begin() as s:
            compute_statistics(s, manager, 2024)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    sent = " ".join(statements).lower()
    for column in (
        "first_name",
        "last_name",
        "email",
        "street",
        "phone",
        "hetu",
        "subject_name",
        "item",
    ):
        assert column not in sent, column


def test_csv_export_in_finnish_with_decimal_commas(db, manager, known, tmp_path) -> None:
    with db.begin() as s:
        stats = compute_statistics(s, manager, 2024)
    path = tmp_path / "tilastot.csv"
    count = export_statistics_csv(path, stats, "fi")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["osio", "ryhmä", "vuosi", "kuukausi", "lukumäärä", "summa (€)"]
    assert [
        "Tilaukset kuukausittain ja myyntikanavittain",
        "Myymälä",
        "2024",
        "1",
        "2",
        "1250,50",
    ] in rows
    assert ["Asiakkaat tietolähteittäin", "Verkkopalvelu", "2024", "", "1", ""] in rows
    assert ["Vastausajan mediaani (päivää)", "", "2024", "", "35", ""] in rows
    assert count == len(rows) - 1


def test_every_source_channel_and_kind_has_a_label_in_both_languages() -> None:
    for kind, values in LABELLED.items():
        for value in values:
            for lang in ("fi", "en"):
                text = label(kind, value, lang)
                assert text and "." not in text, (kind, value, lang)


@pytest.mark.parametrize("who", [None, "manager", 5])
def test_statistics_are_refused_to_anything_but_a_logged_in_user(db, who) -> None:
    with db.begin() as s, pytest.raises(PermissionDenied):
        compute_statistics(s, who)


def test_write_json_is_owner_only_utf8_with_dates_and_amounts(tmp_path) -> None:
    path = tmp_path / "oma.json"
    write_json(path, {"nimi": "Äijö", "on": date(2024, 2, 29), "summa": Decimal("1.10")})
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "nimi": "Äijö",
        "on": "2024-02-29",
        "summa": "1.10",
    }
