"""Customer search on the trigram index gives the same answers as the plain LIKE search."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core.customers import search as customer_search
from core.customers import service as customers
from core.customers.search import matching_ids
from tests.conftest import valid_hetu

PEOPLE = [
    ("Aino", "Korhonen", "aino@example.fi", "+358401234567", "00100", "Helsinki"),
    ("Eero", "Korpela", "", "", "33100", "Tampere"),
    ("Ville", "Nieminen", "ville@posti.fi", "+358501112223", "00100", "Helsinki"),
    ("Kaisa", "Virtanen", "kaisa.v@example.com", "", "95100", "Ii"),
]


# Terms every route must answer as the plain rule does (also tests/core/test_kept_list.py).
QUERIES = [
    "",
    "kor",
    "KORHONEN",
    "example",
    "00100",
    "040 123",
    "0401234",
    "aino kor",
    "zzz",
    "o",
    "ni",
    "@posti",
    "ii",
    "Ii",
    "ka ii",
    "zq",
    "ai ko",
    "korhonen aino",
    "virtanen95100",
    "läh",
    "ö",
    "100%",
    "a_b",
]


@pytest.fixture
def people(db, manager):
    ids = []
    with db.begin() as s:
        for i, (first, last, email, phone, postal, city) in enumerate(PEOPLE):
            ids.append(
                customers.create_customer(
                    s,
                    manager,
                    {
                        "first_name": first,
                        "last_name": last,
                        "email": email,
                        "phone": phone,
                        "postal_code": postal,
                        "city": city,
                        "hetu": valid_hetu(individual=200 + i),
                    },
                ).id
            )
    return ids


@pytest.mark.parametrize("query", QUERIES)
def test_search_answers_like_the_plain_search(db, manager, people, query):
    with db.begin() as s:
        expected = customer_search.search_customer_ids(s, manager, query)
        assert matching_ids(s, manager, query).ids == expected


@pytest.mark.parametrize(
    "query", ["kor", "o", "ni", "ii", "ka ii", "zq", "ai ko", "aino kor", "0401234", "00100 ville"]
)
@pytest.mark.parametrize("steps,sparse", [(1, 3000), (1, 1), (30_000, 1)])
def test_every_route_gives_the_plain_answer(db, manager, people, monkeypatch, query, steps, sparse):
    """Whether the list walk is cut short at once (a rare term on a big register) and whether
    the index's candidates count as few or many, the answer is the plain search's, first page
    and whole list alike."""
    monkeypatch.setattr(customer_search, "WALK_STEPS", steps)
    monkeypatch.setattr(customer_search, "SPARSE", sparse)
    with db.begin() as s:
        _answers_like_the_plain_search(s, manager, query)


def _answers_like_the_plain_search(s, manager, query: str) -> None:
    """The whole list and the first page are the plain search's."""
    expected = customer_search.search_customer_ids(s, manager, query)
    assert matching_ids(s, manager, query).ids == expected
    first = matching_ids(s, manager, query, limit=1)
    assert first.ids == expected[:1]
    assert first.complete == (len(expected) <= 1)


def test_a_full_hetu_finds_its_person_exactly(db, manager, people):
    with db.begin() as s:
        assert matching_ids(s, manager, valid_hetu(individual=202)).ids == [people[2]]


def test_search_follows_changes_and_archiving(db, manager, people):
    with db.begin() as s:
        customers.update_customer(s, manager, people[0], {"last_name": "Mäkelä"}, None)
        customers.set_archived(s, manager, people[1], True)
    with db.begin() as s:
        assert matching_ids(s, manager, "korhonen").ids == []
        assert matching_ids(s, manager, "mäkelä").ids == [people[0]]
        assert matching_ids(s, manager, "korpela").ids == []
        assert matching_ids(s, manager, "korpela", include_archived=True).ids == [people[1]]


def test_a_common_term_gives_the_first_page_then_the_rest(db, manager, people, monkeypatch):
    monkeypatch.setattr(customer_search, "SPARSE", 1)
    with db.begin() as s:
        first = matching_ids(s, manager, "example", limit=1)
        every = matching_ids(s, manager, "example")
    assert not first.complete and len(first.ids) == 1
    assert every.complete and every.ids[:1] == first.ids and len(every.ids) == 2


def test_two_letters_find_a_word_at_the_very_end(db, manager, people):
    """Kaisa lives in Ii and has no phone: the town's name ends her search text."""
    with db.begin() as s:
        assert matching_ids(s, manager, "ii").ids == [people[3]]
        assert matching_ids(s, manager, "zq").ids == []


def test_a_sparse_term_gives_a_sorted_first_page(db, manager, people):
    with db.begin() as s:
        first = matching_ids(s, manager, "kor", limit=1)
        every = matching_ids(s, manager, "kor")
    assert every.ids == [people[0], people[1]]  # Korhonen before Korpela
    assert first.ids == [people[0]] and not first.complete


def test_upgrading_an_older_register_makes_two_letters_at_the_end_findable(db, manager, people):
    """A register made before the search text ended with a space (revision 0002) is padded
    when it is opened by this version."""
    from alembic import command
    from alembic.config import Config

    from core.db import MIGRATIONS, run_migrations

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002_gui_lists_fts")
    with db.begin() as s:
        assert customer_search.search_customer_ids(s, manager, "ii") == [people[3]]  # the LIKE rule
    run_migrations(db.engine)
    with db.begin() as s:
        assert matching_ids(s, manager, "ii").ids == [people[3]]
        assert matching_ids(s, manager, "ka ii").ids == [people[3]]


@pytest.mark.parametrize("query", ["kor", "o", "ni", "ka ii", "aino kor", "example"])
def test_the_registers_own_routes_follow_changes_at_once(db, manager, people, monkeypatch, query):
    """The register's own routes (a desk that keeps no list): after every change the answers,
    first page and whole list, are the plain search's."""
    monkeypatch.setattr(customer_search, "WALK_STEPS", 1)  # the index's route every time

    def same() -> None:
        with db.begin() as s:
            expected = customer_search.search_customer_ids(s, manager, query)
            assert matching_ids(s, manager, query).ids == expected
            assert matching_ids(s, manager, query, limit=1).ids == expected[:1]

    same()
    with db.begin() as s:
        customers.update_customer(s, manager, people[1], {"last_name": "Aaltonen"}, None)
    same()
    with db.begin() as s:
        customers.create_customer(
            s,
            manager,
            {"first_name": "Kaino", "last_name": "Aho", "email": "kaino@example.fi", "city": "Ii"},
        )
    same()
    with db.begin() as s:
        customers.set_archived(s, manager, people[0], True)
    same()


def test_postgres_answers_a_search_from_the_trigram_index(db, manager, people):
    """On PostgreSQL the search's LIKE rule is answered from the pg_trgm GIN index (migration
    0009) instead of reading every customer, with the same answer; SQLite keeps its FTS5
    trigram table and gets no such index."""
    with db.begin() as s:
        if db.engine.dialect.name == "sqlite":
            names = s.execute(text("SELECT name FROM sqlite_master")).scalars().all()
            assert "customers_fts" in names and "ix_customers_search_trgm" not in names
            return
        # A 4-row table is read whole else, or along the covering list index (0015).
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            s.execute(text(f"SET LOCAL {setting} = off"))
        query = customer_search.customer_id_query(s, "korhon").compile(dialect=s.bind.dialect)
        # The statement as the search sends it: LIKE ... ESCAPE with the term as a parameter.
        plan = "\n".join(
            row[0] for row in s.connection().exec_driver_sql(f"EXPLAIN {query}", query.params)
        )
        assert "ix_customers_search_trgm" in plan, plan
        assert matching_ids(s, manager, "korhon").ids == [people[0]]


def test_inexact_candidates_before_the_matches_do_not_lose_a_match(db, manager, people):
    """The index's candidates for "korhonen aino" include every Korhonen and every Aino; the
    page still holds exactly the people with both words, in list order."""
    with db.begin() as s:
        extra = [
            customers.create_customer(s, manager, {"first_name": "Aino", "last_name": n}).id
            for n in ("Aalto", "Ahonen", "Berg")
        ]
        korhonen = customers.create_customer(
            s, manager, {"first_name": "Pekka", "last_name": "Korhonen"}
        ).id
    with db.begin() as s:
        assert matching_ids(s, manager, "aino", limit=2).ids == [extra[0], extra[1]]
        assert matching_ids(s, manager, "korhonen aino", limit=1).ids == [people[0]]
        assert matching_ids(s, manager, "korhonen").ids == [people[0], korhonen]


@pytest.mark.parametrize(
    "query", ["kor", "o", "ni", "ii", "ka ii", "zq", "ai ko", "aino kor", "0401234", "korhonen"]
)
@pytest.mark.parametrize("sparse,walk,candidates", [(3000, 10_000, 5000), (1, 1, 5000), (1, 1, 1)])
def test_every_server_route_gives_the_plain_answer(
    db, manager, people, monkeypatch, query, sparse, walk, candidates
):
    """On PostgreSQL, with the server's statistics at hand: a term read through the trigram
    index, found by a brief walk of the list, read through the index after the walk came up
    short, or walked whole gives the plain search's answer, first page and whole list."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's routes")
    monkeypatch.setattr(customer_search, "SPARSE", sparse)
    monkeypatch.setattr(customer_search, "SERVER_WALK", walk)
    monkeypatch.setattr(customer_search, "SERVER_CANDIDATES", candidates)
    monkeypatch.setattr(customer_search, "STATS_REFRESH", 0)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE customers")
    with db.begin() as s:
        assert customer_search._server_estimate(s, ["kor"]) is not None
        _answers_like_the_plain_search(s, manager, query)


def test_postgres_walks_the_list_through_the_covering_index(db, manager, people):
    """A common term walks the list in order through an index that holds all the search
    rule reads (migration 0015), never the customer rows."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's index")
    with db.begin() as s:
        s.execute(text("SET LOCAL enable_seqscan = off"))
        s.execute(text("SET LOCAL enable_bitmapscan = off"))
        plan = "\n".join(
            s.execute(
                text(
                    "EXPLAIN SELECT id FROM customers WHERE search_text LIKE '%o%' "
                    "AND archived IS false ORDER BY last_name, first_name, id LIMIT 61"
                )
            ).scalars()
        )
        assert "using ix_customers_listing" in plan, plan
