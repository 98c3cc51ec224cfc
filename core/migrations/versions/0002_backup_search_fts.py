"""search index: SQLite FTS5 trigram index over customers.search_text

Search-as-you-type finds any fragment of a name, email, phone number, postal code or city. A
LIKE '%...%' scan reads every customer (~15 ms for 100,000); the trigram index answers in well
under a millisecond. The index is an external-content FTS5 table kept in step by triggers.

Note for later migrations: a batch ALTER of ``customers`` on SQLite re-creates the table and
drops these triggers; call ``create_search_index()`` from this module again afterwards (a test
checks that a customer created after every migration is found through the index).

Both objects are SQLite-only and not in core/models.py: alembic autogenerate must skip
``customers_fts*`` and ``ix_customers_list``.

PostgreSQL keeps the plain LIKE search (fast enough at this size; pg_trgm would need a
superuser to install).

Revision ID: 0002_backup_search_fts
Revises: 0001
"""
from __future__ import annotations

from alembic import op

revision = "0002_backup_search_fts"
down_revision = "0001"
branch_labels = None
depends_on = None

STATEMENTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS customers_fts USING fts5("
    "search_text, content='customers', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS customers_fts_ai AFTER INSERT ON customers BEGIN "
    "INSERT INTO customers_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS customers_fts_ad AFTER DELETE ON customers BEGIN "
    "INSERT INTO customers_fts(customers_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS customers_fts_au AFTER UPDATE OF search_text ON customers "
    "BEGIN INSERT INTO customers_fts(customers_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO customers_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')",
    # The customer list in name order, and 1-2 letter searches, read only this index (the
    # table rows are spread among a million orders): 100,000 rows without a table lookup.
    "CREATE INDEX IF NOT EXISTS ix_customers_list ON customers "
    "(last_name, first_name, id, archived, state, search_text)",
)


def create_search_index() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def upgrade() -> None:
    create_search_index()


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("customers_fts_ai", "customers_fts_ad", "customers_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS customers_fts")
    op.execute("DROP INDEX IF EXISTS ix_customers_list")
