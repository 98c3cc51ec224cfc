"""The register of recipients and sources, and the English title of a user

Disclosures and update-service imports point at a ``recipients`` entry (name, business ID,
postal address, email): notices go only to an entry with an address. Each distinct recipient
text of the existing disclosures becomes one entry, with the address the latest disclosure to
it gave (street on the first line, "postal code city" on the second, as far as it goes); the
disclosures keep their texts for history. ``users.title_en`` is the title printed under the
signature of an English letter (``users.title`` stays the Finnish one).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _address(text: str) -> tuple[str, str, str]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    street = lines[0] if lines else ""
    postal, city = "", ""
    if len(lines) > 1:
        m = re.match(r"^(\d{5})\s+(.+)$", lines[1])
        postal, city = (m.group(1), m.group(2)) if m else ("", lines[1])
    return street[:200], postal[:20], city[:100]


def upgrade() -> None:
    recipients = op.create_table(
        "recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("business_id", sa.String(length=20), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=20), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipients")),
    )
    with op.batch_alter_table("disclosures") as batch:
        batch.add_column(sa.Column("recipient_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_disclosures_recipient_id_recipients"), "recipients", ["recipient_id"], ["id"]
        )
        batch.create_index(op.f("ix_disclosures_recipient_id"), ["recipient_id"], unique=False)
    with op.batch_alter_table("field_changes") as batch:
        batch.add_column(sa.Column("source_recipient_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_field_changes_source_recipient_id_recipients"),
            "recipients",
            ["source_recipient_id"],
            ["id"],
        )
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("title_en", sa.String(length=200), nullable=False, server_default="")
        )

    conn = op.get_bind()
    disclosures = sa.table(
        "disclosures",
        sa.column("id", sa.Integer()),
        sa.column("recipient", sa.String()),
        sa.column("recipient_address", sa.Text()),
        sa.column("recipient_id", sa.Integer()),
    )
    latest: dict[str, str] = {}
    for name, address in conn.execute(
        sa.select(disclosures.c.recipient, disclosures.c.recipient_address).order_by(
            disclosures.c.id
        )
    ):
        key = (name or "").strip()
        if key:
            latest[key] = address if (address or "").strip() else latest.get(key, "")
    stamp = datetime.now()
    for name, address in latest.items():
        street, postal, city = _address(address)
        new_id = conn.execute(
            recipients.insert()
            .values(
                name=name[:200],
                business_id="",
                street=street,
                postal_code=postal,
                city=city,
                country="FI",
                email="",
                created_at=stamp,
                updated_at=stamp,
                updated_by="",
            )
            .returning(recipients.c.id)
        ).scalar_one()
        conn.execute(
            disclosures.update()
            .where(sa.func.trim(disclosures.c.recipient) == name)
            .values(recipient_id=new_id)
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("title_en")
    with op.batch_alter_table("field_changes") as batch:
        batch.drop_constraint(
            op.f("fk_field_changes_source_recipient_id_recipients"), type_="foreignkey"
        )
        batch.drop_column("source_recipient_id")
    with op.batch_alter_table("disclosures") as batch:
        batch.drop_index(op.f("ix_disclosures_recipient_id"))
        batch.drop_constraint(op.f("fk_disclosures_recipient_id_recipients"), type_="foreignkey")
        batch.drop_column("recipient_id")
    op.drop_table("recipients")
