"""The Orders page: filters, the order dialog with its customer picker, invoice states."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.models import Order
from gui.orders import view as orders_view
from gui.orders.dialog import OrderDialog
from gui.orders.view import OrdersPage
from tests.gui.lists_fixtures import add_customer, add_order, make_ctx


@pytest.fixture
def ctx(db, manager):
    return make_ctx(db, manager)


@pytest.fixture
def page(qtbot, ctx):
    widget = OrdersPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    return widget


def numbers(page) -> list[str]:
    return [r.number for r in page.model.rows()]


def test_orders_filter_by_invoice_state(page, db, manager, qtmodeltester):
    cid = add_customer(db, manager)
    add_order(db, manager, cid, item="Yksiö", invoice_state="open")
    add_order(db, manager, cid, item="Kaksio", invoice_state="paid")
    add_order(db, manager, cid, item="Kolmio", invoice_state="open")
    page.reload()
    assert len(numbers(page)) == 3
    page.state_filter.setCurrentIndex(page.state_filter.findData("open"))
    assert sorted(r.item for r in page.model.rows()) == ["Kolmio", "Yksiö"]
    assert page.model.data(page.model.index(0, 6)) == "Avoin"
    assert page.count.text().startswith("2 tilausta, yhteensä 2\u00a0000,00\u00a0€")
    qtmodeltester.check(page.model)


def test_orders_filter_by_date_range_and_customer_text(page, db, manager):
    a = add_customer(db, manager, last_name="Aaltonen")
    b = add_customer(db, manager, last_name="Bergström")
    add_order(db, manager, a, ordered_on=date(2024, 3, 1))
    add_order(db, manager, b, ordered_on=date(2024, 5, 1))
    page.reload()
    page.date_from.setDate(date(2024, 4, 1))
    assert [r.customer_name for r in page.model.rows()] == ["Matti Bergström"]
    page.date_from.setDate(page.date_from.minimumDate())  # back to "any"
    page.text_filter.setText("aalto")
    page.reload()
    assert [r.customer_name for r in page.model.rows()] == ["Matti Aaltonen"]


def test_invoice_state_change_is_saved(page, db, manager):
    cid = add_customer(db, manager)
    oid = add_order(db, manager, cid, invoice_state="open")
    page.reload()
    page.table.selectRow(0)
    page.set_invoice_state("paid")
    with db.begin() as s:
        assert s.get(Order, oid).invoice_state == "paid"
    assert page.model.rows()[0].invoice_state == "paid"


def test_new_order_is_saved_for_the_customer_picked_in_the_completer(qtbot, ctx, db, manager):
    cid = add_customer(db, manager, first_name="Aino", last_name="Korhonen", city="Turku")
    dialog = OrderDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.customer, "korh")
    dialog.customer.look_up()  # what the 150 ms timer does
    assert dialog.customer.completions.stringList() == ["Korhonen Aino (Turku)"]
    dialog.customer.choose("Korhonen Aino (Turku)")
    qtbot.keyClicks(dialog.item, "Kolmio, Aurakatu 3")
    qtbot.keyClicks(dialog.amount, "215 000,00")
    dialog.save()
    assert dialog.result() == OrderDialog.DialogCode.Accepted
    with db.begin() as s:
        order = s.execute(select(Order)).scalar_one()
        assert (order.customer_id, order.item, str(order.amount)) == (
            cid,
            "Kolmio, Aurakatu 3",
            "215000.00",
        )


def test_order_without_customer_or_with_bad_amount_shows_messages_and_saves_nothing(
    qtbot, ctx, db, manager
):
    cid = add_customer(db, manager)
    dialog = OrderDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.item.setText("Yksiö")
    dialog.amount.setText("paljon")
    dialog.save()
    assert dialog.fields.error_text("customer") == "valitse asiakas ehdotuksista"
    dialog = OrderDialog(ctx, customer_id=cid)
    qtbot.addWidget(dialog)
    assert dialog.customer.text() == "Virtanen Matti"
    dialog.amount.setText("paljon")
    dialog.save()
    assert dialog.fields.error_text("amount") == "virheellinen summa (esim. 1 234,50)"
    assert dialog.fields.error_text("item") == "pakollinen tieto puuttuu"
    with db.begin() as s:
        assert s.execute(select(Order)).first() is None


def test_archiving_an_order_asks_and_hides_it(page, db, manager, monkeypatch):
    cid = add_customer(db, manager)
    add_order(db, manager, cid)
    page.reload()
    page.table.selectRow(0)
    monkeypatch.setattr(orders_view, "confirm", lambda parent, text, action: True)
    page.toggle_archived()
    assert numbers(page) == []
    page.archived.setChecked(True)
    assert page.model.rows()[0].archived
