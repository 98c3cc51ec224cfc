"""customers: one person per hetu, enforced by the schema

Two desks adding the same person at once (or the same file imported twice at once) could store
the same hetu twice: each checked before the other had saved. The blind index of the hetu
(``customers.hetu_index``) becomes unique where it is set, on SQLite and PostgreSQL alike, so
the second insert fails in the database whatever the timing (core turns that into a Conflict
or an unchanged import row).

A register that already holds the same hetu twice is not changed: the upgrade stops with the
customer ids to merge (Customers > Duplicates in the version that made them).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.errors import AppError

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEX = "ix_customers_hetu_index"


def duplicate_hetu_groups(conn: sa.Connection) -> list[list[int]]:
    """The ids of customers sharing one hetu, a list per hetu, lowest id first."""
    rows = conn.execute(
        sa.text(
            "SELECT hetu_index, id FROM customers WHERE hetu_index IN ("
            " SELECT hetu_index FROM customers WHERE hetu_index IS NOT NULL"
            " GROUP BY hetu_index HAVING count(*) > 1) ORDER BY hetu_index, id"
        )
    ).all()
    groups: dict[str, list[int]] = {}
    for index, cid in rows:
        groups.setdefault(index, []).append(int(cid))
    return sorted(groups.values())


def upgrade() -> None:
    groups = duplicate_hetu_groups(op.get_bind())
    if groups:
        raise AppError(
            "db.duplicate_hetus", groups="; ".join(", ".join(map(str, g)) for g in groups)
        )
    op.drop_index(INDEX, table_name="customers")
    op.create_index(
        INDEX,
        "customers",
        ["hetu_index"],
        unique=True,
        sqlite_where=sa.text("hetu_index IS NOT NULL"),
        postgresql_where=sa.text("hetu_index IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="customers")
    op.create_index(INDEX, "customers", ["hetu_index"], unique=False)
