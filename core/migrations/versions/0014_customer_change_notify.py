"""PostgreSQL: every write to the customers table tells the listening desks

A statement-level trigger sends ``NOTIFY customers_changed`` (core.customers.changes.CHANNEL)
after each INSERT, UPDATE or DELETE on ``customers``; the server delivers it when the writing
transaction commits and drops it when it rolls back. A trigger rather than a call in each
service: customers are written by the services, by imports (bulk inserts), merges, erasures
and restores alike, and a desk's open list must see them all. SQLite needs nothing: a desk
reads ``PRAGMA data_version`` and the list's fingerprint (core.customers.changes).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION customers_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('customers_changed', ''); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER customers_changed_notify AFTER INSERT OR UPDATE OR DELETE ON customers "
        "FOR EACH STATEMENT EXECUTE FUNCTION customers_changed_notify()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS customers_changed_notify ON customers")
    op.execute("DROP FUNCTION IF EXISTS customers_changed_notify()")
