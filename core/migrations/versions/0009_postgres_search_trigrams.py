"""PostgreSQL: customer search through a pg_trgm GIN index

On PostgreSQL the search (core.customers.search) is ``search_text LIKE '%term%'`` per token;
without an index that reads every customer. A GIN index with ``gin_trgm_ops`` answers the same
LIKE from trigrams (terms of three or more characters), so the results are the plain rule's,
as on SQLite, without the scan. pg_trgm is a trusted extension (PostgreSQL 13 and newer): the
database's owner may create it. SQLite keeps its FTS5 trigram table (0002); nothing changes
there.

Revision ID: 0009
Revises: 0007
"""
from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_customers_search_trgm "
        "ON customers USING gin (search_text gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_customers_search_trgm")
