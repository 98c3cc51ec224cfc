"""The suppression list's own key, wrapped under the data key

The suppression records hold blind indexes of erased people only: they cannot be recomputed
under a new data key, since their values are gone. Their index key is therefore kept apart from
the data key, wrapped (AES-GCM) under it, and a key rotation wraps it again under the new key.
The column is filled at first use with the index key the records were made under.

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("settings") as batch:
        batch.add_column(sa.Column("suppression_key", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("settings") as batch:
        batch.drop_column("suppression_key")
