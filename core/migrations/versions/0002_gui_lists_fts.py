"""customer search: FTS5 trigram index and a covering listing index (SQLite)

The customer list is searched as the user types. On SQLite a trigram full-text index over
``customers.search_text`` (kept in sync by triggers) finds rare terms without scanning every
row, and a covering index in list order (name, id, the filter columns and the search text)
serves the first page of common terms and the whole list without touching the table.
PostgreSQL keeps the plain LIKE query (nothing to do here).

Revision ID: 0002_gui_lists_fts
Revises: 0001
"""
from __future__ import annotations

from alembic import op

revision = "0002_gui_lists_fts"
down_revision = "0001"
branch_labels = None
depends_on = None

STATEMENTS = (
    "CREATE INDEX IF NOT EXISTS ix_customers_listing ON customers "
    "(last_name, first_name, id, archived, state, search_text)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS customers_fts USING fts5("
    "search_text, content='customers', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS customers_fts_insert AFTER INSERT ON customers BEGIN "
    "INSERT INTO customers_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS customers_fts_delete AFTER DELETE ON customers BEGIN "
    "INSERT INTO customers_fts(customers_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS customers_fts_update AFTER UPDATE OF search_text ON customers "
    "BEGIN INSERT INTO customers_fts(customers_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO customers_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("customers_fts_insert", "customers_fts_delete", "customers_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS customers_fts")
    op.execute("DROP INDEX IF EXISTS ix_customers_listing")
