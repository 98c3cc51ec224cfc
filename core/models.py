"""The schema: every entity of DESIGN.md section 2 (SQLAlchemy 2.0 declarative).

Changes to the schema go through an alembic migration in ``core/migrations/versions``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.clock import now

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, for bulk statements."""
    return cast(Table, model.__table__)


class Role(enum.StrEnum):
    RECEPTIONIST = "receptionist"
    MANAGER = "manager"


class CustomerState(enum.StrEnum):
    ACTIVE = "active"
    RESTRICTED = "restricted"
    ANONYMISED = "anonymised"


class Source(enum.StrEnum):
    """Where a customer's data came from [S8]."""

    SHOP = "shop"
    WEB_SERVICE = "web_service"
    RESELLER = "reseller"
    REGISTRATION = "registration"
    CUSTOMER_NOTICE = "customer_notice"
    AUTHORITY_UPDATE = "authority_update"
    UPDATE_SERVICE = "update_service"
    SUBCONTRACTOR = "subcontractor"
    PARTNER = "partner"
    OTHER = "other"


class ObjectionKind(enum.StrEnum):
    """The four prohibitions of [S6][S15][S17]."""

    DIRECT_MARKETING = "direct_marketing"
    DISTANCE_SELLING = "distance_selling"
    RESEARCH = "research"
    PUBLICATION = "publication"


class SalesChannel(enum.StrEnum):
    SHOP = "shop"
    WEB = "web"
    RESELLER = "reseller"


class InvoiceState(enum.StrEnum):
    NONE = "none"
    OPEN = "open"
    PAID = "paid"
    IN_COLLECTION = "in_collection"


class DisclosurePurpose(enum.StrEnum):
    """The only purposes [S9][S10] allow."""

    CREDIT_DECISION = "credit_decision"
    VALUE_ADDED_SERVICE = "value_added_service"
    DEBT_COLLECTION = "debt_collection"
    INVOICING = "invoicing"
    LEGAL_OBLIGATION = "legal_obligation"
    PARTNER_PROCESSING = "partner_processing"


class TransferJustification(enum.StrEnum):
    """The only grounds [S10] gives for data leaving the EU/EEA: the technical implementation
    of the service, by the company or by its partner."""

    COMPANY_TECHNICAL = "company_technical_implementation"
    PARTNER_TECHNICAL = "partner_technical_implementation"


class RequestKind(enum.StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    OBJECTION = "objection"
    ERASURE = "erasure"
    ANONYMISATION = "anonymisation"


class RequestState(enum.StrEnum):
    RECEIVED = "received"
    AWAITING_SIGNATURE = "awaiting_signature"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class RequestChannel(enum.StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    IN_PERSON = "in_person"
    CUSTOMER_SERVICE = "customer_service"


class ItemDecision(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"


def _enum_column(enum_cls: type[enum.StrEnum], **kw: object) -> Mapped[str]:
    # Stored as plain strings: portable across SQLite and PostgreSQL, and migrations stay simple.
    return mapped_column(String(32), **kw)  # type: ignore[arg-type]


# The Settings fields every letter needs before it is printed: the sender's name, business
# ID, postal address and email, and the contact person for register matters [S1][S2][S3].
LETTERHEAD_REQUIRED = (
    "company_name",
    "business_id",
    "street",
    "postal_code",
    "city",
    "email",
    "contact_person",
)


class Settings(Base):
    """One row (id 1): the company and letterhead, plus app-wide settings."""

    __tablename__ = "settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_name: Mapped[str] = mapped_column(String(200), default="")
    business_id: Mapped[str] = mapped_column(String(20), default="")
    controller_person: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    contact_person: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    register_name: Mapped[str] = mapped_column(String(200), default="Asiakasrekisteri")
    statement_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    purposes_text: Mapped[str] = mapped_column(Text, default="")
    idle_lock_minutes: Mapped[int] = mapped_column(Integer, default=10)
    backup_folder: Mapped[str] = mapped_column(String(500), default="")
    # A second folder each backup is also copied to, such as a USB stick (migration 0013).
    second_backup_folder: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # How long inactive customers without orders are kept (issue 7), in years.
    retention_years: Mapped[int] = mapped_column(Integer, default=3)
    # Accounting records (orders, invoices) are kept this many years after the end of the
    # financial year (Kirjanpitolaki 2:10 §: vouchers 6 years).
    bookkeeping_retention_years: Mapped[int] = mapped_column(Integer, default=6)
    # The last day of the financial year (Kirjanpitolaki 2:10 counts from it), default 31.12.
    financial_year_end_day: Mapped[int] = mapped_column(Integer, default=31, server_default="31")
    financial_year_end_month: Mapped[int] = mapped_column(Integer, default=12, server_default="12")
    # The label sheet the office prints on (core.documents.label_sheets) and the printer's
    # offset in mm (x to the right, y down the paper), migration 0012.
    label_sheet: Mapped[str] = mapped_column(
        String(40), default="70x42_3x7", server_default="70x42_3x7"
    )
    label_offset_x_mm: Mapped[Decimal] = mapped_column(
        Numeric(3, 1), default=Decimal("0.0"), server_default="0"
    )
    label_offset_y_mm: Mapped[Decimal] = mapped_column(
        Numeric(3, 1), default=Decimal("0.0"), server_default="0"
    )
    # Identifies this database in the OS keyring; the key check proves the key belongs here.
    install_id: Mapped[str] = mapped_column(String(64), default="")
    key_check: Mapped[str] = mapped_column(String(128), default="")
    # The suppression list's index key, wrapped under the data key (migration 0010).
    suppression_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    last_backup_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The last backup written to another device than the database's, or to the second folder.
    last_offdisk_backup_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    # Lower-cased username: the unique key, so "Anna" and "anna" are one user.
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Printed under the signature: ``title`` in Finnish letters, ``title_en`` in English ones.
    title: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    role: Mapped[str] = _enum_column(Role)
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    confidentiality_signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(2), default="fi")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="FI")
    phone: Mapped[str] = mapped_column(String(32), default="")  # E.164
    # AES-GCM(nonce || ciphertext) with the row id as associated data; never in clear.
    hetu_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # HMAC-SHA256 blind index under a separate key: finds a person by exact hetu.
    # Unique where set (migration 0006): the same person is never stored twice.
    hetu_index: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source: Mapped[str] = _enum_column(Source, default=Source.OTHER.value)
    state: Mapped[str] = _enum_column(CustomerState, default=CustomerState.ACTIVE.value)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Lower-cased name, organisation, email, phone digits and postal code for searching.
    search_text: Mapped[str] = mapped_column(Text, default="")
    restricted_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_contact_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    objections: Mapped[list[Objection]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    orders: Mapped[list[Order]] = relationship(back_populates="customer")

    __table_args__ = (
        # On SQLite the search migrations' listing index begins with these two columns and
        # this one is dropped (migration 0004); PostgreSQL keeps it.
        Index("ix_customers_name", "last_name", "first_name"),
        Index("ix_customers_email_lower", text("lower(email)")),  # lookups compare lower()
        Index("ix_customers_postal_code", "postal_code"),
        Index(
            "ix_customers_hetu_index",
            "hetu_index",
            unique=True,
            sqlite_where=text("hetu_index IS NOT NULL"),
            postgresql_where=text("hetu_index IS NOT NULL"),
        ),
    )


class Objection(Base):
    """One prohibition of one customer, with the date and the request that set it."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = _enum_column(ObjectionKind)
    set_on: Mapped[date] = mapped_column(Date)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), nullable=True
    )
    set_by: Mapped[str] = mapped_column(String(64), default="")

    customer: Mapped[Customer] = relationship(back_populates="objections")

    __table_args__ = (UniqueConstraint("customer_id", "kind", name="uq_objections_customer_kind"),)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    ordered_on: Mapped[date] = mapped_column(Date, index=True)
    item: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    channel: Mapped[str] = _enum_column(SalesChannel, default=SalesChannel.SHOP.value)
    invoice_state: Mapped[str] = _enum_column(InvoiceState, default=InvoiceState.NONE.value)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer] = relationship(back_populates="orders")

    __table_args__ = (Index("ix_orders_invoice_state", "invoice_state"),)


class Recipient(Base):
    """An organisation data comes from or goes to [S8][S9]: disclosures and update-service
    imports point here; notices (correction, erasure) go only to an entry with an address."""

    __tablename__ = "recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    business_id: Mapped[str] = mapped_column(String(20), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="FI")
    email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class Disclosure(Base):
    """Data handed to someone outside the company [S9][S10]; correction notices go here [S16]."""

    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # The register entry; the name and address texts are kept as they were at the time.
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipients.id"), nullable=True, index=True
    )
    recipient: Mapped[str] = mapped_column(String(200))
    recipient_address: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = _enum_column(DisclosurePurpose)
    disclosed_on: Mapped[date] = mapped_column(Date)
    data_fields: Mapped[str] = mapped_column(Text, default="")  # comma-separated field names
    outside_eea: Mapped[bool] = mapped_column(Boolean, default=False)
    outside_eea_justification: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class FieldChange(Base):
    """Who changed which customer field when, and from what source."""

    __tablename__ = "field_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(64))
    # Old/new values are kept only while the customer's data is kept (erasure wipes them);
    # the hetu's values are never stored here.
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    # The register entry the data came from (an update-service import), when known.
    source_recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipients.id"), nullable=True
    )
    changed_by: Mapped[str] = mapped_column(String(64), default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Request(Base):
    """A data-subject request and its workflow (DESIGN.md section 3)."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = _enum_column(RequestKind)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # What the person told at intake (used to match the customer; wiped by erasure).
    subject_name: Mapped[str] = mapped_column(String(200), default="")
    subject_email: Mapped[str] = mapped_column(String(254), default="")
    subject_address: Mapped[str] = mapped_column(Text, default="")
    # Pseudonymous reference kept after erasure (the tombstone).
    pseudonym: Mapped[str] = mapped_column(String(64), default="")
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = _enum_column(RequestChannel)
    language: Mapped[str] = mapped_column(String(2), default="fi")
    signed_on_file: Mapped[bool] = mapped_column(Boolean, default=False)
    original_location: Mapped[str] = mapped_column(String(300), default="")
    identity_checked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True
    )
    identity_method: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = _enum_column(RequestState, default=RequestState.RECEIVED.value)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    extended_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    extension_reasons: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(32), default="")
    decision_reasons: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    items: Mapped[list[RequestItem]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestItem.id"
    )
    attachments: Mapped[list[RequestAttachment]] = relationship(
        back_populates="request", cascade="all, delete-orphan"
    )


class RequestItem(Base):
    """One item of a request: for rectification a field change, for objection a prohibition."""

    __tablename__ = "request_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(64))
    current_value: Mapped[str] = mapped_column(Text, default="")
    requested_value: Mapped[str] = mapped_column(Text, default="")
    grounds: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = _enum_column(ItemDecision, default=ItemDecision.PENDING.value)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    request: Mapped[Request] = relationship(back_populates="items")


class RequestAttachment(Base):
    """The scanned signed request (PDF or image), stored with its SHA-256."""

    __tablename__ = "request_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(64), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    request: Mapped[Request] = relationship(back_populates="attachments")


class Document(Base):
    """Every PDF produced for a request or a customer, so the office can show what it sent."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), nullable=True, index=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    filename: Mapped[str] = mapped_column(String(300), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class SuppressionRecord(Base):
    """After an erasure at the person's request [S6][S11]: only keyed blind indexes of the hetu
    and the lower-case email, and the date, so a later list never adds the person back
    silently. No other personal value."""

    __tablename__ = "suppression_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    hetu_index: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    email_index: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    erased_on: Mapped[date] = mapped_column(Date)


class ErasureRecord(Base):
    """Every erasure and anonymisation, kept so a restore can apply them again."""

    __tablename__ = "erasure_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(Integer, index=True)  # no FK: the row may be gone
    action: Mapped[str] = mapped_column(String(32))  # erased | partly_erased | anonymised | purged
    request_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    performed_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    performed_by: Mapped[str] = mapped_column(String(64), default="")


class AuditEntry(Base):
    """Append-only, hash-chained. Field names only, never personal values."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(64), default="")
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    fields: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row: the newest entry of the chain; locking it serialises writers on every backend."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    # The first entry chained with the HMAC; the entries before it (made before schema 0007)
    # keep their plain SHA-256 hashes and are checked the old way.
    keyed_from: Mapped[int] = mapped_column(Integer, default=1)
