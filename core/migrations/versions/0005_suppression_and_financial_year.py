"""suppression list; the end of the financial year

* ``suppression_records``: after an erasure at the person's request, only keyed blind indexes
  of the hetu and the lower-case email, and the erasure date [S6][S11]; an import or a new
  customer matching them is never added back silently.
* ``settings.financial_year_end_day`` / ``financial_year_end_month``: the end of the financial
  year (default 31.12.), from which Kirjanpitolaki 2:10 counts every retention period.

Revision ID: 0005
Revises: 0004_list_order_version
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004_list_order_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suppression_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hetu_index", sa.String(64), nullable=True),
        sa.Column("email_index", sa.String(64), nullable=True),
        sa.Column("erased_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_suppression_records_hetu_index", "suppression_records", ["hetu_index"])
    op.create_index("ix_suppression_records_email_index", "suppression_records", ["email_index"])
    with op.batch_alter_table("settings") as batch:
        batch.add_column(
            sa.Column("financial_year_end_day", sa.Integer(), nullable=False, server_default="31")
        )
        batch.add_column(
            sa.Column("financial_year_end_month", sa.Integer(), nullable=False, server_default="12")
        )


def downgrade() -> None:
    with op.batch_alter_table("settings") as batch:
        batch.drop_column("financial_year_end_month")
        batch.drop_column("financial_year_end_day")
    op.drop_index("ix_suppression_records_email_index", table_name="suppression_records")
    op.drop_index("ix_suppression_records_hetu_index", table_name="suppression_records")
    op.drop_table("suppression_records")
