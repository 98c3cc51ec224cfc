"""The data screens: statistics, retention, duplicates and the update dialog (offscreen)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.clock import today
from core.customers.service import create_customer
from core.models import Customer
from core.orders import create_order
from gui.context import AppContext
from gui.tasks import SyncTaskRunner
from tests.conftest import valid_hetu


@pytest.fixture
def ctx(db, manager):
    return AppContext(db, manager, SyncTaskRunner())


@pytest.fixture
def yes(monkeypatch):
    """The user answers the confirmation with its action button."""
    from gui.duplicates import view as duplicates_view
    from gui.retention import view as retention_view

    for module in (duplicates_view, retention_view):
        monkeypatch.setattr(module, "confirm", lambda parent, text, action, *a, **k: True)


def test_statistics_page_shows_the_year_and_exports_csv(
    qtbot, ctx, db, manager, tmp_path: Path
) -> None:
    from gui.statistics.view import StatisticsPage

    year = today().year
    with db.begin() as s:
        a = create_customer(s, manager, {"first_name": "Aino", "last_name": "A", "source": "shop"})
        a.created_at = datetime(year, 1, 10)
        create_order(
            s,
            manager,
            a.id,
            {
                "item": "Asunto",
                "amount": "1234,50",
                "ordered_on": date(year, 1, 12),
                "channel": "web",
            },
        )
    page = StatisticsPage(ctx)
    qtbot.addWidget(page)
    assert page.selected_year() == year
    assert "Uusia asiakkaita 1" in page.key_figures.text()
    assert "1\u00a0234,50\u00a0€" in page.key_figures.text()
    chart = page.revenue_by_month
    assert chart.categories[0] == "tam" and len(chart.categories) == 12
    assert [s.name for s in chart.series] == ["Myymälä", "Verkko", "Jälleenmyyjä"]
    assert "tam: 1\u00a0234\u00a0€" in chart.accessibleDescription()
    page.write_csv(tmp_path / "t.csv")
    assert "Verkko" in (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    page.year.setCurrentIndex(page.year.count() - 1)  # all years
    assert page.stats is not None and page.stats.year is None
    page.resize(1280, 800)
    page.grab()  # paints every chart without errors


def _stale(s, manager, first: str, years_ago: int = 5) -> int:
    c = create_customer(s, manager, {"first_name": first, "last_name": "Vanha"})
    c.last_contact_on = today() - timedelta(days=365 * years_ago)
    return c.id


def test_retention_page_applies_to_the_ticked_customers_only(
    qtbot, qtmodeltester, ctx, db, manager, yes
) -> None:
    from gui.retention.view import RetentionPage

    with db.begin() as s:
        first, second = _stale(s, manager, "Eka"), _stale(s, manager, "Toka")
    page = RetentionPage(ctx)
    qtbot.addWidget(page)
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 2 and not page.apply_button.isEnabled()
    assert "Poistetaan" in page.model.index(0, 2).data()
    page.model.setData(page.model.index(0, 0), 2, 10)  # tick the first row
    assert page.apply_button.isEnabled()
    page.confirm_and_apply()
    with db.begin() as s:
        remaining = set(s.execute(select(Customer.id)).scalars())
    assert first not in remaining and second in remaining
    assert page.model.rowCount() == 1 and "Poistettu 1" in page.status.text()


def test_retention_page_lists_restricted_customers_and_purges_the_ended_ones(
    qtbot, qtmodeltester, ctx, db, manager
) -> None:
    from core import clock
    from core.requests import erase
    from gui.retention.view import RetentionPage
    from tests.core.requests_helpers import add_order, make_customer, new_request

    cid = make_customer(db, manager)
    add_order(db, manager, cid, today().replace(year=today().year - 3, month=2, day=1))
    rid = new_request(db, manager, "erasure", customer_id=cid)
    with db.begin() as s:
        until = erase(s, manager, rid).restricted_until
    page = RetentionPage(ctx)
    qtbot.addWidget(page)
    qtmodeltester.check(page.restricted_model)
    assert page.restricted_model.rowCount() == 1
    assert page.restricted_model.index(0, 0).data() == "Matti Meikäläinen"
    assert page.restricted_model.index(0, 2).data() == f"{until.day}.{until.month}.{until.year}"
    assert page.restricted_model.index(0, 3).data() == "Voimassa"
    assert not page.purge_button.isEnabled()
    clock.shift(((until - today()).days + 1) * 86400)
    page.refresh()
    assert page.restricted_model.index(0, 3).data().startswith("Päättynyt")
    assert page.purge_button.isEnabled()
    page.purge_button.click()
    with db.begin() as s:
        assert s.get(Customer, cid) is None
    assert page.restricted_model.rowCount() == 0
    assert page.restricted_status.text() == "Asiakkaita poistettu: 1."


def test_retention_page_is_inert_for_a_receptionist(qtbot, db, receptionist) -> None:
    from gui.retention.view import RetentionPage

    page = RetentionPage(AppContext(db, receptionist, SyncTaskRunner()))
    qtbot.addWidget(page)
    assert not page.apply_button.isEnabled() and page.model.rowCount() == 0


def test_duplicates_page_compares_side_by_side_and_merges(
    qtbot, qtmodeltester, ctx, db, manager, yes
) -> None:
    from gui.duplicates.view import DuplicatesPage

    with db.begin() as s:
        a = create_customer(
            s,
            manager,
            {
                "first_name": "Anna",
                "last_name": "Aalto",
                "email": "anna@example.fi",
                "city": "Espoo",
            },
        ).id
        b = create_customer(
            s,
            manager,
            {
                "first_name": "Anni",
                "last_name": "Aalto",
                "email": "ANNA@example.fi",
                "phone": "0401234567",
                "hetu": valid_hetu(),
            },
        ).id
    page = DuplicatesPage(ctx)
    qtbot.addWidget(page)
    qtmodeltester.check(page.pairs)
    qtmodeltester.check(page.compare)
    assert page.pairs.rowCount() == 1
    assert page.pairs.index(0, 2).data() == "Sama sähköposti"
    rows = {
        page.compare.index(r, 0).data(): (
            page.compare.index(r, 1).data(),
            page.compare.index(r, 2).data(),
        )
        for r in range(page.compare.rowCount())
    }
    assert rows["Etunimi"] == ("Anna", "Anni")
    assert rows["Henkilötunnus"] == ("", valid_hetu()[:7] + "****")
    assert page.keep_a.isEnabled()
    page.confirm_merge(keep_first=True)
    with db.begin() as s:
        assert s.get(Customer, b) is None and s.get(Customer, a).phone == "+358401234567"
    assert page.pairs.rowCount() == 0 and "yhdistettiin" in page.status.text()


def test_duplicates_page_hides_merge_from_a_receptionist(qtbot, db, receptionist) -> None:
    from gui.duplicates.view import DuplicatesPage

    page = DuplicatesPage(AppContext(db, receptionist, SyncTaskRunner()))
    qtbot.addWidget(page)
    assert page.keep_a.isHidden() and page.keep_b.isHidden()


def test_updates_dialog_previews_then_applies(
    qtbot, qtmodeltester, ctx, db, manager, tmp_path: Path
) -> None:
    from gui.updates.view import UpdatesDialog

    with db.begin() as s:
        cid = create_customer(
            s,
            manager,
            {"first_name": "Aino", "last_name": "Aalto", "street": "Vanha 1", "hetu": valid_hetu()},
        ).id
    path = tmp_path / "paivitys.csv"
    path.write_text(
        f"hetu;katuosoite;postitoimipaikka\n{valid_hetu()};Uusi 2;Espoo\n"
        f"{valid_hetu(2, 2, 1960, 222)};Muu 3;Oulu\n",
        encoding="utf-8",
    )
    dialog = UpdatesDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.load(path)
    qtmodeltester.check(dialog.changes)
    qtmodeltester.check(dialog.problems)
    assert dialog.changes.rowCount() == 2  # street and city of one customer
    assert dialog.changes.index(0, 3).data() == "Vanha 1"
    assert dialog.changes.index(0, 4).data() == "Uusi 2"
    assert dialog.problems.rowCount() == 1
    assert dialog.problems.index(0, 1).data() == "Ei löytynyt"
    with db.begin() as s:
        assert s.get(Customer, cid).street == "Vanha 1"
    dialog.apply()
    with db.begin() as s:
        assert s.get(Customer, cid).street == "Uusi 2"
    assert dialog.applied and "päivitetty 1" in dialog.summary.text()


def test_chart_ticks_for_counts_are_whole_and_distinct() -> None:
    from gui.statistics.charts import nice_ticks

    for maximum in (1, 2, 3, 7, 11):
        ticks = nice_ticks(maximum)
        assert all(float(v).is_integer() for v in ticks)
        assert len(set(ticks)) == len(ticks) and ticks[-1] >= maximum
