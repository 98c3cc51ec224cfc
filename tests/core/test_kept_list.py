"""The customer list kept in memory answers every search as the plain rule does, and follows
what every desk changes at once (core.customers.kept_list, migration 0016)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core.customers import kept_list
from core.customers import search as customer_search
from core.customers import service as customers
from core.customers.search import matching_ids, prepare_search, search_customer_ids
from core.db import open_database
from core.models import Customer
from tests.conftest import valid_hetu
from tests.core import test_customer_search

people = test_customer_search.people  # the same four customers

QUERIES = test_customer_search.QUERIES


@pytest.fixture
def kept_only(monkeypatch):
    """The register's own routes may not answer: what is found comes from the kept list."""

    def refused(*args, **kwargs):
        raise AssertionError("searched the register, not the kept list")

    monkeypatch.setattr(customer_search, "_from_register", refused)


@pytest.fixture
def other_desk(db):
    """A second desk (its own engine and connections) on the same register."""
    desk = open_database(db.path if db.path else db.engine.url)
    yield desk
    desk.dispose()


def _prepared(db, manager) -> None:
    with db.read() as s:
        prepare_search(s, manager)


def _same_as_the_plain_rule(db, manager, query: str, include_archived: bool = False) -> None:
    with db.read() as s:
        expected = search_customer_ids(s, manager, query, include_archived=include_archived)
        every = matching_ids(s, manager, query, include_archived=include_archived)
        first = matching_ids(s, manager, query, include_archived=include_archived, limit=1)
    assert every.ids == expected, query
    assert first.ids == expected[:1]
    assert first.complete == (len(expected) <= 1)


@pytest.mark.parametrize("query", QUERIES)
def test_the_kept_list_answers_like_the_plain_search(db, manager, people, kept_only, query):
    _prepared(db, manager)
    _same_as_the_plain_rule(db, manager, query)
    _same_as_the_plain_rule(db, manager, query, include_archived=True)


def test_a_search_before_the_list_is_read_says_so_and_answers_from_the_register(
    db, manager, people
):
    with db.read() as s:
        first = matching_ids(s, manager, "kor")
        assert first.unprepared
        assert first.ids == search_customer_ids(s, manager, "kor")
    _prepared(db, manager)
    with db.read() as s:
        assert not matching_ids(s, manager, "kor").unprepared


def _changes(desk, actor, people):
    """What other desks do to customers, a transaction each: run one, then look."""

    def added(s):
        customers.create_customer(
            s,
            actor,
            {"first_name": "Kaino", "last_name": "Aho", "email": "kaino@example.fi", "city": "Ii"},
        )

    def renamed(s):
        customers.update_customer(s, actor, people[1], {"last_name": "Öhman"}, None)

    def new_email(s):
        customers.update_customer(s, actor, people[2], {"email": "ville@kor.example"}, None)

    def archived(s):
        customers.set_archived(s, actor, people[0], True)

    def anonymised(s):
        s.execute(text("UPDATE customers SET state = 'anonymised' WHERE id = :i"), {"i": people[3]})

    def removed(s):
        s.execute(text("DELETE FROM customers WHERE id = :i"), {"i": people[2]})

    for change in (added, renamed, new_email, archived, anonymised, removed):
        with desk.begin() as s:
            change(s)
        yield change.__name__


@pytest.mark.parametrize("query", ["", "kor", "o", "ii", "example", "öh", "ka ii", "aho"])
def test_what_another_desk_changes_is_found_at_the_next_keystroke(
    db, manager, people, other_desk, kept_only, query
):
    _prepared(db, manager)
    _same_as_the_plain_rule(db, manager, query)
    for _change in _changes(other_desk, manager, people):
        _same_as_the_plain_rule(db, manager, query)
        _same_as_the_plain_rule(db, manager, query, include_archived=True)


def test_the_database_sorts_when_python_cannot_be_trusted_to(
    db, manager, people, other_desk, kept_only, monkeypatch
):
    """A register sorted in a locale (fi_FI on a server): changed customers are put in their
    place by the database, not by Python's comparison."""
    monkeypatch.setattr(kept_list, "_sorts_as_python", lambda session: False)
    _prepared(db, manager)
    for _change in _changes(other_desk, manager, people):
        for query in ("", "kor", "o", "aho"):
            _same_as_the_plain_rule(db, manager, query)


def test_a_search_in_a_transaction_that_has_written_sees_its_own_changes(
    db, manager, people, kept_only
):
    _prepared(db, manager)
    with pytest.raises(AssertionError, match="the register"):
        with db.begin() as s:
            customers.create_customer(s, manager, {"first_name": "Uusi", "last_name": "Korva"})
            matching_ids(s, manager, "korva")  # its own view: the register answers
    _same_as_the_plain_rule(db, manager, "korva")  # rolled back: never kept
    with db.read() as s:
        assert matching_ids(s, manager, "korva").ids == []


def test_a_removed_highest_id_given_again_is_found(db, manager, people, other_desk, kept_only):
    _prepared(db, manager)
    with other_desk.begin() as s:
        s.execute(text("DELETE FROM customers WHERE id = :i"), {"i": people[-1]})
    _same_as_the_plain_rule(db, manager, "virtanen")
    with other_desk.begin() as s:
        again = customers.create_customer(s, manager, {"first_name": "Kaisa", "last_name": "Virta"})
    if db.engine.dialect.name == "sqlite":
        assert again.id == people[-1]  # SQLite gives the highest id again
    with db.read() as s:
        assert matching_ids(s, manager, "virta").ids == [again.id]


def test_too_many_changes_or_a_restore_read_the_list_anew(
    db, manager, people, other_desk, monkeypatch
):
    _prepared(db, manager)
    monkeypatch.setattr(kept_list, "MAX_PATCHED", 1)
    with other_desk.begin() as s:
        for n in range(2):
            customers.create_customer(s, manager, {"first_name": f"K{n}", "last_name": "Aho"})
    with db.read() as s:
        found = matching_ids(s, manager, "aho")
        assert found.unprepared and len(found.ids) == 2  # the register answered
    _prepared(db, manager)
    _same_as_the_plain_rule(db, manager, "aho")
    if db.engine.dialect.name == "sqlite":
        with other_desk.begin() as s:
            customer_search.bump_list_version(s)  # what a restore does to the register
        with db.read() as s:
            assert matching_ids(s, manager, "aho").unprepared


def test_a_log_that_no_longer_reaches_back_reads_the_list_anew(db, manager, people, other_desk):
    _prepared(db, manager)
    with other_desk.begin() as s:
        customers.update_customer(s, manager, people[0], {"last_name": "Aho"}, None)
        customers.update_customer(s, manager, people[1], {"last_name": "Aho"}, None)
    with other_desk.begin() as s:
        if db.engine.dialect.name == "sqlite":  # the oldest changes pruned
            s.execute(
                text(
                    "DELETE FROM customer_search_changes WHERE seq = (SELECT min(seq) "
                    "FROM customer_search_changes)"
                )
            )
    if db.engine.dialect.name != "sqlite":
        holder = db.engine._customer_kept_list
        holder.kept.followed_at -= kept_list.MAX_IDLE + 1  # a desk left idle past the log
    with db.read() as s:
        found = matching_ids(s, manager, "aho")
        assert found.unprepared
        assert found.ids == search_customer_ids(s, manager, "aho")


def test_changes_committed_out_of_order_on_a_server_are_all_followed(
    db, manager, people, other_desk, kept_only
):
    """Two desks add customers at once; the one that began first commits last. Its customer
    has the lower id, and the keystroke between the two commits must not skip it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    _prepared(db, manager)
    first = other_desk.session_factory()
    try:
        early = Customer(first_name="A", last_name="Aho", search_text="a aho ")
        first.add(early)
        first.flush()
        with db.begin() as s:
            late = Customer(first_name="B", last_name="Aho", search_text="b aho ")
            s.add(late)
        assert late.id > early.id
        with db.read() as s:
            assert matching_ids(s, manager, "aho").ids == [late.id]
        first.commit()
    finally:
        first.close()
    with db.read() as s:
        assert matching_ids(s, manager, "aho").ids == [early.id, late.id]


def test_the_hetu_finds_its_person_with_the_list_kept(db, manager, people):
    _prepared(db, manager)
    with db.read() as s:
        assert matching_ids(s, manager, valid_hetu(individual=202)).ids == [people[2]]


def test_a_receptionist_may_prepare_and_search(db, receptionist, people, kept_only):
    _prepared(db, receptionist)
    _same_as_the_plain_rule(db, receptionist, "kor")


def test_many_changes_answer_from_the_list_and_ask_for_it_to_be_read_again(
    db, manager, people, other_desk, kept_only, monkeypatch
):
    """An import on another desk: the customers it added are found at once, and the search
    asks for the list to be read again (the customer list does it in the background)."""
    monkeypatch.setattr(kept_list, "REFOLD", 2)
    monkeypatch.setattr(kept_list, "REFOLD_AFTER", 0)
    _prepared(db, manager)
    with other_desk.begin() as s:
        for n in range(3):
            s.add(Customer(first_name=f"K{n}", last_name="Aho", search_text=f"k{n} aho "))
    with db.read() as s:
        found = matching_ids(s, manager, "aho", limit=2)
    assert found.unprepared and len(found.ids) == 2 and not found.complete
    _prepared(db, manager)
    with db.read() as s:
        found = matching_ids(s, manager, "aho")
    assert not found.unprepared and len(found.ids) == 3


@pytest.mark.parametrize("python_order", [True, False])
def test_a_day_of_changes_on_other_desks_is_followed_keystroke_by_keystroke(
    db, manager, people, other_desk, kept_only, monkeypatch, python_order
):
    """Forty random changes (added, renamed, archived, removed, the same customer again and
    again), each followed by keystrokes: every answer, first page and whole list, is the
    plain rule's, whether Python or the database puts the changed customers in order."""
    import random

    if not python_order:
        monkeypatch.setattr(kept_list, "_sorts_as_python", lambda session: False)
    rng = random.Random(7)
    names = ["Aho", "Korpi", "Öhman", "Aalto", "Korhonen", "Ahola"]
    _prepared(db, manager)
    alive = list(people)
    for step in range(40):
        with other_desk.begin() as s:
            action = rng.choice(["add", "add", "rename", "archive", "remove"])
            if action == "add" or len(alive) < 3:
                for _ in range(rng.randint(1, 4)):
                    last = rng.choice(names)
                    c = Customer(
                        first_name=f"E{step}",
                        last_name=last,
                        search_text=f"e{step} {last.lower()} ",
                    )
                    s.add(c)
                    s.flush()
                    alive.append(c.id)
            elif action == "rename":
                last = rng.choice(names)
                s.execute(
                    text("UPDATE customers SET last_name = :l, search_text = :t WHERE id = :i"),
                    {"l": last, "t": f"r{step} {last.lower()} ", "i": rng.choice(alive)},
                )
            elif action == "archive":
                s.execute(
                    text("UPDATE customers SET archived = NOT archived WHERE id = :i"),
                    {"i": rng.choice(alive)},
                )
            else:
                gone = alive.pop(rng.randrange(len(alive)))
                s.execute(text("DELETE FROM customers WHERE id = :i"), {"i": gone})
        for query in ("", "aho", "kor", "öh", "e1", "r"):
            with db.read() as s:
                expected = search_customer_ids(s, manager, query)
                assert matching_ids(s, manager, query).ids == expected, (step, query)
                assert matching_ids(s, manager, query, limit=3).ids == expected[:3], (step, query)
    assert len(db.engine._customer_kept_list.kept.runs) < 12  # merged as they came


@pytest.mark.parametrize("erase", ["anonymised", "removed"])
def test_an_erased_customer_leaves_the_desks_memory_once_the_list_is_read_again(
    db, manager, people, other_desk, kept_only, erase
):
    """Erasure on another desk: never found again at once, and the search asks for the list to
    be read anew, after which the customer's text is no longer in this desk's memory."""
    _prepared(db, manager)
    holder = db.engine._customer_kept_list
    assert b"virtanen" in holder.kept.base.data
    with other_desk.begin() as s:
        if erase == "anonymised":
            s.execute(
                text(
                    "UPDATE customers SET state = 'anonymised', first_name = '', "
                    "last_name = '', email = '', search_text = '' WHERE id = :i"
                ),
                {"i": people[3]},
            )
        else:
            s.execute(text("DELETE FROM customers WHERE id = :i"), {"i": people[3]})
    with db.read() as s:
        found = matching_ids(s, manager, "virtanen")
    assert found.ids == [] and found.unprepared
    _prepared(db, manager)
    assert b"virtanen" not in holder.kept.base.data
    with db.read() as s:
        assert not matching_ids(s, manager, "kor").unprepared


def test_a_customer_added_and_changed_between_two_keystrokes_is_found_once(
    db, manager, people, other_desk, kept_only
):
    _prepared(db, manager)
    with other_desk.begin() as s:
        added = customers.create_customer(s, manager, {"first_name": "Uusi", "last_name": "Aho"})
    with other_desk.begin() as s:
        customers.set_archived(s, manager, added.id, True)
    with db.read() as s:
        assert matching_ids(s, manager, "aho", include_archived=True).ids == [added.id]
        assert matching_ids(s, manager, "aho").ids == []


def test_the_change_log_keeps_no_erased_or_rectified_name(db, manager, people, other_desk):
    """A server's log carries what an added customer's entry needs for a day: erasing or
    correcting the customer clears it (the register is read for them instead)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's log holds ids only")
    with db.begin() as s:
        customers.create_customer(s, manager, {"first_name": "Ulla", "last_name": "Tarkka"})
        renamed = customers.create_customer(
            s, manager, {"first_name": "Olli", "last_name": "Väärä"}
        )
        erased = customers.create_customer(
            s, manager, {"first_name": "Eila", "last_name": "Poissa"}
        )
    with db.begin() as s:
        customers.update_customer(s, manager, renamed.id, {"last_name": "Oikea"}, None)
        s.execute(text("DELETE FROM customers WHERE id = :i"), {"i": erased.id})
    with db.read() as s:
        logged = " ".join(
            s.execute(
                text(
                    "SELECT coalesce(string_agg(search_text, ' '), '') FROM customer_search_changes"
                )
            )
            .scalar_one()
            .split()
        )
    assert "tarkka" in logged  # added and unchanged: its entry carries its text
    assert "väärä" not in logged and "poissa" not in logged


def test_typing_a_word_letter_by_letter_finds_what_the_plain_rule_finds(
    db, manager, people, other_desk, kept_only, monkeypatch
):
    """Each letter typed onto a word looks first at the places the scan for the shorter word
    found (core remembers them): with changes on another desk between the keystrokes and a
    first page of one, every answer is still the plain rule's."""
    with db.begin() as s:
        for first, last in [("Kalle", "Korhonen"), ("Kari", "Korpi"), ("Ville", "Korhola")]:
            customers.create_customer(s, manager, {"first_name": first, "last_name": last})
    _prepared(db, manager)
    typed = ["k", "ko", "kor", "korh", "korho", "korhon", "orhonen", "korhonen", "korhola"]
    for n, query in enumerate(typed):
        if n == 3:
            with other_desk.begin() as s:
                customers.set_archived(s, manager, people[0], True)  # Aino Korhonen
        if n == 5:
            with other_desk.begin() as s:
                customers.create_customer(
                    s, manager, {"first_name": "Uusi", "last_name": "Korhonen"}
                )
        _same_as_the_plain_rule(db, manager, query)
        _same_as_the_plain_rule(db, manager, query, include_archived=True)
    scans = db.engine._customer_kept_list.kept.base.scans
    assert b"korhonen" in scans and b"korho" in scans  # remembered for the next letter


def test_logging_out_or_closing_the_register_lets_the_list_go(db, manager, people):
    """After logout (the app calls forget_search) or once the register is closed, no
    customer's text is kept in memory; the next search reads the register and asks again."""
    from core.customers.search import forget_search

    _prepared(db, manager)
    holder = db.engine._customer_kept_list
    assert holder.kept is not None
    forget_search(db)
    assert holder.kept is None
    with db.read() as s:
        found = matching_ids(s, manager, "virtanen")
    assert found.unprepared and found.ids == [people[3]]
    _prepared(db, manager)
    assert holder.kept is not None
    db.dispose()
    assert holder.kept is None
