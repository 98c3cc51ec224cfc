"""The label sheet and the printer offset in Settings

The office chooses one of the A4 label sheets of ``core.documents.label_sheets`` (default the
70 x 42.3 mm 3 x 7 sheet printed so far) and the printer's offset in mm, x and y (default 0).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("settings") as batch:
        batch.add_column(
            sa.Column("label_sheet", sa.String(40), nullable=False, server_default="70x42_3x7")
        )
        batch.add_column(
            sa.Column("label_offset_x_mm", sa.Numeric(3, 1), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("label_offset_y_mm", sa.Numeric(3, 1), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("settings") as batch:
        batch.drop_column("label_offset_y_mm")
        batch.drop_column("label_offset_x_mm")
        batch.drop_column("label_sheet")
