"""customer list: a version of its order, a leaner search index, indexes that earn their cost

* ``customer_list_version`` (SQLite) holds one number that triggers change to a new random
  value whenever a customer is removed or their name changes. Search keeps the list order in
  memory while the number stays the same (core.customer_search), so a common term's few
  thousand candidates are sorted without reading each of them; someone added has a new id, which
  the order kept does not know (a trigger on every insert cost an import a tenth of its time).
  A random value rather than a counter: a change rolled back and another one committed can
  never leave the same number.
* The trigram index keeps which customers have each trigram but no longer where in the text
  (``detail=none``): search asks only "has all of these", never a position, and the index is a
  quarter of the size, quicker to read per keystroke and to fill on import.
* ``ix_customers_name`` (last name, first name) is the first half of ``ix_customers_listing``
  on SQLite, which serves every query it served; keeping both cost an import of 100,000
  customers a tenth of its time. PostgreSQL has no listing index and keeps it.
* Email lookups compare ``lower(email)``, which a plain index on ``email`` cannot answer: the
  index is now on ``lower(email)`` (both backends), so finding a customer by email (a request's
  intake, updates, duplicate checks) reads one index entry instead of the whole list.

Revision ID: 0004_list_order_version
Revises: 0003_search_short_terms
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_list_order_version"
down_revision = "0003_search_short_terms"
branch_labels = None
depends_on = None

BUMP = "UPDATE customer_list_version SET version = random();"
TRIGGERS = {
    "customer_list_version_delete": "AFTER DELETE ON customers",
    "customer_list_version_names": "AFTER UPDATE OF first_name, last_name ON customers",
}



def _search_index(detail: str) -> None:
    """The trigram index made again with the given detail (its triggers name it, unchanged)."""
    op.execute("DROP TABLE IF EXISTS customers_fts")
    op.execute("CREATE VIRTUAL TABLE customers_fts USING fts5(search_text, content='customers', "
               f"content_rowid='id', tokenize='trigram', detail={detail})")
    op.execute("INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')")


def upgrade() -> None:
    op.drop_index("ix_customers_email", table_name="customers")
    op.create_index("ix_customers_email_lower", "customers", [sa.text("lower(email)")])
    if op.get_bind().dialect.name != "sqlite":
        return
    _search_index("none")
    op.drop_index("ix_customers_name", table_name="customers")
    op.execute("CREATE TABLE customer_list_version (id INTEGER PRIMARY KEY CHECK (id = 1), "
               "version INTEGER NOT NULL)")
    op.execute("INSERT INTO customer_list_version (id, version) VALUES (1, random())")
    for name, when in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {BUMP} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS customer_list_version")
        _search_index("full")
        op.create_index("ix_customers_name", "customers", ["last_name", "first_name"])
    op.drop_index("ix_customers_email_lower", table_name="customers")
    op.create_index("ix_customers_email", "customers", ["email"])
