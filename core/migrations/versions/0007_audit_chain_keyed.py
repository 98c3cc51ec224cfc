"""the keyed audit chain

* ``audit_head.keyed_from``: the first entry chained with the HMAC under the data key's audit
  key. Entries made before this revision keep their plain SHA-256 hashes and are verified the
  old way up to this boundary; every later one must carry the HMAC.
* The head row is required from now on: a register without entries gets its genesis head here,
  so ``record`` never has to create one (a missing head is then always a deletion).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_head") as batch_op:
        batch_op.add_column(
            sa.Column("keyed_from", sa.Integer(), nullable=False, server_default="1")
        )
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE audit_head SET keyed_from = last_id + 1"))
    has_head = conn.execute(sa.text("SELECT count(*) FROM audit_head")).scalar()
    has_entries = conn.execute(sa.text("SELECT count(*) FROM audit_entries")).scalar()
    if not has_head and not has_entries:
        conn.execute(
            sa.text(
                "INSERT INTO audit_head (id, last_id, last_hash, keyed_from) "
                "VALUES (1, 0, :genesis, 1)"
            ),
            {"genesis": "0" * 64},
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_head") as batch_op:
        batch_op.drop_column("keyed_from")
