"""customer search: short terms through the trigram index (SQLite)

Two-letter search terms cannot be trigram phrases. Every customer's search text now ends with a
space, so each two-letter substring begins some indexed trigram, and ``customers_fts_terms``
(an fts5vocab view of the index's trigrams, no storage of its own) lists the trigrams that
begin with a given pair: their OR is the candidate set for the pair.

Revision ID: 0003_search_short_terms
Revises: 0002_gui_lists_fts
"""
from __future__ import annotations

from alembic import op

revision = "0003_search_short_terms"
down_revision = "0002_gui_lists_fts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE customers SET search_text = search_text || ' ' "
               "WHERE search_text <> '' AND substr(search_text, -1) <> ' '")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS customers_fts_terms "
                   "USING fts5vocab(customers_fts, 'row')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS customers_fts_terms")
    op.execute("UPDATE customers SET search_text = rtrim(search_text, ' ')")
