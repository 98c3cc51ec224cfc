"""A second backup folder (a USB stick) and when a backup was last copied off the disk

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("settings") as batch:
        batch.add_column(
            sa.Column("second_backup_folder", sa.String(500), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("last_offdisk_backup_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("settings") as batch:
        batch.drop_column("last_offdisk_backup_at")
        batch.drop_column("second_backup_folder")
