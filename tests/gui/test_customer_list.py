"""The customer list: the street column, sorting by the header or the order combo, and
another desk's changes appearing in an open list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from core.customers import service as customers
from core.customers.wipe import wipe_customer
from core.db import open_database
from gui.customers.model import COLUMNS
from gui.customers.view import CustomersPage
from tests.gui.lists_fixtures import add_customer, make_ctx

PEOPLE = [  # first, last, street, postal code, city
    ("Aino", "Ahonen", "Koskikatu 4 B 12", "96100", "Rovaniemi"),
    ("Aino", "Ahonen", "Pohjolankatu 21", "96100", "Rovaniemi"),
    ("Eero", "Korpela", "Hämeenkatu 1", "33100", "Tampere"),
    ("Kaisa", "Virtanen", "Mannerheimintie 3", "00100", "Helsinki"),
]


@pytest.fixture
def page(qtbot, db, manager):
    for first, last, street, postal, city in PEOPLE:
        add_customer(
            db,
            manager,
            first_name=first,
            last_name=last,
            street=street,
            postal_code=postal,
            city=city,
        )
    widget = CustomersPage(make_ctx(db, manager))
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


def column(page, field: str) -> list[str]:
    m, c = page.model, COLUMNS.index(field)
    return [m.data(m.index(r, c)) for r in range(m.rowCount())]


def search(page, qtbot, text: str) -> None:
    page.search.clear()
    qtbot.keyClicks(page.search, text)
    page.run_search()


def click_header(page, qtbot, field: str) -> None:
    header = page.table.horizontalHeader()
    section = COLUMNS.index(field)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_two_people_of_the_same_name_and_town_show_their_streets(page, qtbot):
    search(page, qtbot, "aino ahonen")
    header = page.model.headerData(COLUMNS.index("street"), Qt.Orientation.Horizontal)
    assert header == "Katuosoite"
    assert column(page, "postal_code") == ["96100", "96100"]
    assert sorted(column(page, "street")) == ["Koskikatu 4 B 12", "Pohjolankatu 21"]


def test_clicking_the_postal_code_header_sorts_the_list_both_ways_and_a_new_search_keeps_it(
    page, qtbot
):
    search(page, qtbot, "")  # the four above: the test register has no other customers
    assert column(page, "last_name") == ["Ahonen", "Ahonen", "Korpela", "Virtanen"]
    click_header(page, qtbot, "postal_code")
    assert column(page, "postal_code") == ["00100", "33100", "96100", "96100"]
    header = page.table.horizontalHeader()
    assert header.sortIndicatorSection() == COLUMNS.index("postal_code")
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert page.order_combo.currentText() == "Postinumero, nouseva"
    click_header(page, qtbot, "postal_code")
    assert column(page, "postal_code") == ["96100", "96100", "33100", "00100"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    search(page, qtbot, "o")  # Ahonen, Korpela: every row but Kaisa Virtanen's
    assert column(page, "postal_code") == ["96100", "96100", "33100"]
    search(page, qtbot, "")
    assert column(page, "postal_code") == ["96100", "96100", "33100", "00100"]


def test_clicking_a_column_that_does_not_sort_keeps_the_order(page, qtbot):
    search(page, qtbot, "")
    click_header(page, qtbot, "city")
    assert column(page, "city") == ["Helsinki", "Rovaniemi", "Rovaniemi", "Tampere"]
    click_header(page, qtbot, "email")
    assert column(page, "city") == ["Helsinki", "Rovaniemi", "Rovaniemi", "Tampere"]
    assert page.table.horizontalHeader().sortIndicatorSection() == COLUMNS.index("city")


def test_the_order_can_be_chosen_from_the_keyboard(page, qtbot):
    search(page, qtbot, "")
    page.order_combo.setFocus()
    qtbot.keyClick(page.order_combo, Qt.Key.Key_Down)  # Nimi, laskeva
    assert page.order_combo.currentText() == "Nimi, laskeva"
    assert column(page, "last_name") == ["Virtanen", "Korpela", "Ahonen", "Ahonen"]
    header = page.table.horizontalHeader()
    assert header.sortIndicatorSection() == COLUMNS.index("last_name")
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_another_desks_addition_and_erasure_show_in_the_open_list_keeping_the_selection(
    page, qtbot, db, manager
):
    search(page, qtbot, "")
    page.table.selectRow(2)  # Korpela
    other = open_database(db.url, migrate=False)
    try:
        with other.begin() as s:
            added = customers.create_customer(
                s,
                manager,
                {"first_name": "Bertta", "last_name": "Berg", "street": "Kirkkokatu 2"},
            ).id
        qtbot.waitUntil(lambda: "Berg" in column(page, "last_name"), timeout=2500)
        assert column(page, "last_name") == ["Ahonen", "Ahonen", "Berg", "Korpela", "Virtanen"]
        assert page.table.currentIndex().row() == 3  # Korpela still
        assert page.count.text() == "5 asiakasta"
        with other.begin() as s:
            wipe_customer(s, added, "delete")
        qtbot.waitUntil(lambda: "Berg" not in column(page, "last_name"), timeout=2500)
        assert page.table.currentIndex().row() == 2
        assert column(page, "last_name")[2] == "Korpela"
    finally:
        other.dispose()


def test_a_customer_open_on_this_desk_and_erased_on_another_is_told_at_saving(
    page, qtbot, db, manager
):
    page.open_row(2)  # Korpela
    detail = page.detail
    qtbot.keyClicks(detail.edits["city"], "n keskusta")
    other = open_database(db.url, migrate=False)
    try:
        with other.begin() as s:
            wipe_customer(s, detail.customer_id, "delete")
        qtbot.waitUntil(lambda: "Korpela" not in column(page, "last_name"), timeout=2500)
        assert page.stack.currentWidget() is detail  # the form was left alone
        assert detail.edits["city"].text() == "Tamperen keskusta"
        qtbot.keyClick(detail, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert "ei löytynyt" in detail.message.text()
        assert detail.edits["city"].text() == "Tamperen keskusta"
    finally:
        other.dispose()


def test_a_long_list_keeps_its_selected_customer_and_scroll_position_at_another_desks_change(
    page, qtbot, db, manager
):
    with db.begin() as s:
        for n in range(80):  # more than the first page the list reads at once
            customers.create_customer(
                s, manager, {"first_name": f"Asiakas {n:02}", "last_name": "Nurmi"}
            )
    search(page, qtbot, "")
    page.table.selectRow(70)
    selected = page.model.customer_id(70)
    page.table.scrollToBottom()
    scroll = page.table.verticalScrollBar().value()
    assert scroll > 0
    other = open_database(db.url, migrate=False)
    try:
        with other.begin() as s:
            customers.create_customer(s, manager, {"first_name": "Aapo", "last_name": "Aalto"})
        qtbot.waitUntil(lambda: page.model.total() == 85, timeout=2500)
    finally:
        other.dispose()
    assert page.model.customer_id(0) is not None
    assert page.model.customer_id(page.table.currentIndex().row()) == selected
    assert page.table.currentIndex().row() == 71  # Aalto came first
    assert page.table.verticalScrollBar().value() == scroll


def test_after_the_first_search_the_list_searches_what_it_keeps_and_follows_other_desks(
    page, qtbot, db, manager, monkeypatch
):
    """The first search reads the register and has core keep the list (in the background);
    every later keystroke answers from it, with another desk's new customer in its place."""
    from core.customers import search as customer_search

    search(page, qtbot, "")
    qtbot.waitUntil(lambda: not page.model._preparing, timeout=2500)

    def refused(*args, **kwargs):
        raise AssertionError("searched the register, not the kept list")

    monkeypatch.setattr(customer_search, "_from_register", refused)
    search(page, qtbot, "kor")
    assert column(page, "last_name") == ["Korpela"]
    other = open_database(db.url, migrate=False)
    try:
        with other.begin() as s:
            customers.create_customer(s, manager, {"first_name": "Kalle", "last_name": "Korhonen"})
    finally:
        other.dispose()
    search(page, qtbot, "kor")
    assert column(page, "last_name") == ["Korhonen", "Korpela"]
    assert page.count.text() == "2 asiakasta"
