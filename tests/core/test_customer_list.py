"""The customer list read in another order, and what another desk changed in it."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from sqlalchemy import select, update

from core.customers import service as customers
from core.customers.changes import ListWatch
from core.customers.search import ListOrder, list_rows, matching_ids
from core.customers.wipe import wipe_customer
from core.db import open_database
from core.models import Customer
from core.security.auth import attempt_login
from tests.conftest import MANAGER_PASSWORD

# (first, last, postal code, city, last change)
PEOPLE = [
    ("Aino", "Ahonen", "96100", "Rovaniemi", datetime(2026, 3, 1, 9)),
    ("Aino", "Ahonen", "96100", "Rovaniemi", datetime(2026, 1, 5, 9)),
    ("Eero", "Korpela", "33100", "Tampere", datetime(2026, 2, 1, 9)),
    ("Kaisa", "Virtanen", "00100", "Helsinki", datetime(2026, 4, 1, 9)),
    ("Ville", "Berg", "33100", "Espoo", datetime(2025, 12, 1, 9)),
]


@pytest.fixture
def people(db, manager) -> list[int]:
    ids = []
    with db.begin() as s:
        for first, last, postal, city, changed in PEOPLE:
            c = customers.create_customer(
                s,
                manager,
                {"first_name": first, "last_name": last, "postal_code": postal, "city": city},
            )
            s.flush()
            s.execute(update(Customer).where(Customer.id == c.id).values(updated_at=changed))
            ids.append(c.id)
    return ids


def _ids(db, actor, query: str = "", **order) -> list[int]:
    with db.read() as s:
        return matching_ids(s, actor, query, **order).ids


@pytest.mark.parametrize(
    ("order", "descending", "expected"),
    [
        (ListOrder.NAME, False, [0, 1, 4, 2, 3]),
        (ListOrder.NAME, True, [3, 2, 4, 0, 1]),
        (ListOrder.POSTAL_CODE, False, [3, 4, 2, 0, 1]),
        (ListOrder.POSTAL_CODE, True, [0, 1, 4, 2, 3]),
        (ListOrder.CITY, False, [4, 3, 0, 1, 2]),
        (ListOrder.CITY, True, [2, 0, 1, 3, 4]),
        (ListOrder.UPDATED, False, [4, 1, 2, 0, 3]),
        (ListOrder.UPDATED, True, [3, 0, 2, 1, 4]),
    ],
)
def test_each_list_order_sorts_the_whole_result_with_equal_keys_by_name_and_id(
    db, manager, people, order, descending, expected
):
    everyone = [i for i in _ids(db, manager) if i not in people]  # the register's own
    found = [i for i in _ids(db, manager, order=order, descending=descending) if i in people]
    assert found == [people[k] for k in expected]
    assert len(_ids(db, manager, order=order, descending=descending)) == len(everyone) + 5


def test_an_ordered_search_pages_the_same_order_and_keeps_to_the_search(db, manager, people):
    with db.read() as s:
        first = matching_ids(s, manager, "ahonen", limit=1, order=ListOrder.POSTAL_CODE)
        whole = matching_ids(s, manager, "ahonen", order=ListOrder.POSTAL_CODE)
        rovaniemi = matching_ids(s, manager, "rovaniemi 96100", order=ListOrder.CITY)
    assert (first.ids, first.complete) == ([people[0]], False)
    assert (whole.ids, whole.complete) == ([people[0], people[1]], True)
    assert rovaniemi.ids == [people[0], people[1]]


def test_a_list_row_holds_the_street_and_the_last_change(db, manager):
    with db.begin() as s:
        cid = customers.create_customer(
            s, manager, {"first_name": "Aino", "last_name": "Ahonen", "street": "Koskikatu 4 B"}
        ).id
    with db.read() as s:
        (row,) = list_rows(s, manager, [cid])
    assert row.street == "Koskikatu 4 B"
    assert row.updated_at is not None


@pytest.fixture
def other_desk(db):
    """A second desk: its own engine and connections on the same register."""
    desk = open_database(db.url, migrate=False)
    yield desk
    desk.dispose()


def _changed_soon(watch: ListWatch) -> bool:
    """PostgreSQL delivers a notification a moment after the commit."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        if watch.changed():
            return True
        time.sleep(0.05)
    return False


def test_the_list_watch_sees_another_desks_additions_archives_and_erasures_only(
    db, manager, other_desk
):
    watch = ListWatch(db)
    try:
        assert not watch.changed()  # the first look takes the baseline
        with other_desk.begin() as s:
            added = customers.create_customer(
                s, manager, {"first_name": "Liisa", "last_name": "Laine"}
            ).id
        assert _changed_soon(watch)
        assert not watch.changed()  # told once
        with other_desk.read() as s:
            list_rows(s, manager, [added])
            s.execute(select(Customer)).all()
        attempt_login(other_desk, "manager", MANAGER_PASSWORD)  # the audit log, not the list
        time.sleep(0.2)
        assert not watch.changed()  # a read, or a write elsewhere, changes nothing
        with other_desk.begin() as s:
            customers.set_archived(s, manager, added, True)
        assert _changed_soon(watch)
        with other_desk.begin() as s:
            wipe_customer(s, added, "delete")
        assert _changed_soon(watch)
        assert not watch.changed()
    finally:
        watch.close()
