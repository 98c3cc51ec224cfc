"""customer search: a log of the changes a desk's list kept in memory must follow

Search keeps the customer list in memory (core.customers.kept_list): each customer's id, name,
search text and whether they are archived or anonymised, in list order. A keystroke first asks
what changed since it last looked, and reads only those customers again.

* ``customer_search_changes`` holds the id of every customer whose search text, name, archived
  flag or state changed, or who was removed, written by triggers in the same transaction as the
  change (on any desk, by any service, import, merge, erasure or restore).
  - SQLite: numbered in commit order (one writer at a time): a desk reads the numbers above the
    last it saw. Someone added has an id above every earlier one, and is found so: a trigger
    on every insert cost an import a tenth of its time (0004). The triggers keep the latest
    100,000 changes; a desk that saw an older one reads the whole list again.
  - PostgreSQL: each change keeps its transaction's id (``xid8``); a desk reads the changes its
    last snapshot (``pg_current_snapshot()``) could not see, added customers too (several
    desks write at once, so neither numbers nor ids come in commit order). Statement-level
    triggers write all of a statement's rows at once; changes older than a day are removed. An
    added customer's entry carries the name, search text, archived flag and state, so that
    desks need not read an import's customers again; they are cleared from it when the customer
    is changed or removed (a rectified or erased name does not stay here).
* ``customer_list_version.epoch`` (SQLite) changes only when a restore replaces the register:
  the log's numbers then belong to another history, and every desk reads the list anew.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

WATCHED = ("first_name", "last_name", "search_text", "archived", "state")
KEEP = 100_000  # SQLite: the latest changes kept


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE TABLE customer_search_changes (seq INTEGER PRIMARY KEY, "
        "customer_id INTEGER NOT NULL)"
    )
    op.execute("ALTER TABLE customer_list_version ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0")
    op.execute("UPDATE customer_list_version SET epoch = random()")
    log = (
        "INSERT INTO customer_search_changes (customer_id) VALUES ({row}.id); "
        "DELETE FROM customer_search_changes WHERE seq <= "
        f"(SELECT max(seq) FROM customer_search_changes) - {KEEP};"
    )
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in WATCHED)
    op.execute(
        "CREATE TRIGGER customer_search_changes_update AFTER UPDATE OF "
        f"{', '.join(WATCHED)} ON customers WHEN {changed} "
        f"BEGIN {log.format(row='new')} END"
    )
    op.execute(
        "CREATE TRIGGER customer_search_changes_delete AFTER DELETE ON customers "
        f"BEGIN {log.format(row='old')} END"
    )


def _postgres_upgrade() -> None:
    # An added customer's entry carries what the list keeps (a desk need not read them again:
    # an import's 500 a batch); a change or removal only the id.
    op.execute(
        "CREATE TABLE customer_search_changes (customer_id bigint NOT NULL, "
        "xid xid8 NOT NULL DEFAULT pg_current_xact_id(), "
        "at timestamptz NOT NULL DEFAULT now(), last_name varchar(100), "
        "first_name varchar(100), search_text text, archived boolean, state varchar(32))"
    )
    op.execute("CREATE INDEX ix_customer_search_changes_xid ON customer_search_changes (xid)")
    prune = (
        "IF random() < 0.01 THEN DELETE FROM customer_search_changes "
        "WHERE at < now() - interval '1 day'; END IF;"
    )
    differs = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in WATCHED)
    kept = "last_name, first_name, search_text, archived, state"
    bodies = {
        "insert": f"(customer_id, {kept}) SELECT id, {kept} FROM new_rows",
        "update": "(customer_id) SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE {differs}",
        "delete": "(customer_id) SELECT id FROM old_rows",
    }
    tables = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }
    # What an added customer's entry carries goes when they are changed or removed: a
    # rectified or erased name is not kept here (a desk reads the customer again instead).
    forget = (
        "UPDATE customer_search_changes SET last_name = NULL, first_name = NULL, "
        "search_text = NULL, archived = NULL, state = NULL "
        "WHERE archived IS NOT NULL AND customer_id IN ({ids});"
    )
    forgotten = {
        "insert": "",
        "update": forget.format(
            ids=f"SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {differs}"
        ),
        "delete": forget.format(ids="SELECT id FROM old_rows"),
    }
    for event, rows in bodies.items():
        op.execute(
            f"CREATE FUNCTION customer_search_log_{event}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN INSERT INTO customer_search_changes {rows}; {forgotten[event]} "
            f"{prune} RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER customer_search_log_{event} AFTER {event.upper()} ON customers "
            f"REFERENCING {tables[event]} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION customer_search_log_{event}()"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    elif op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS customer_search_changes_update")
        op.execute("DROP TRIGGER IF EXISTS customer_search_changes_delete")
        op.execute("DROP TABLE IF EXISTS customer_search_changes")
        op.execute("ALTER TABLE customer_list_version DROP COLUMN epoch")
    elif op.get_bind().dialect.name == "postgresql":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS customer_search_log_{event} ON customers")
            op.execute(f"DROP FUNCTION IF EXISTS customer_search_log_{event}()")
        op.execute("DROP TABLE IF EXISTS customer_search_changes")
