"""PostgreSQL: two-letter search terms through a GIN index of the search text's letter pairs

pg_trgm (0009) answers terms of three or more characters; a two-letter term ("sö") gives it
no trigram, so the search read the customers in list order until it had a page: 100 ms for
"sö" on the benchmark's 100,000 customers, whose Söderbergs all sit under S. This index holds
each customer's distinct letter pairs (``customer_search_pairs``, an immutable SQL function of
the search text); core.customers.search asks it for the candidates of two-letter terms
(``customer_search_pairs(search_text) @> ARRAY['sö']``) and keeps the LIKE rule on top, so
the results stay the plain rule's. SQLite needs nothing: its FTS5 vocabulary lists the
trigrams a pair begins (0003).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION customer_search_pairs(t text) RETURNS text[] "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
        "SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') "
        "FROM generate_series(1, length(t) - 1) AS i $$"
    )
    op.execute(
        "CREATE INDEX ix_customers_search_pairs "
        "ON customers USING gin (customer_search_pairs(search_text))"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_customers_search_pairs")
    op.execute("DROP FUNCTION IF EXISTS customer_search_pairs(text)")
