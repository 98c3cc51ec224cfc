"""Inputs of the document builders: small frozen dataclasses, filled by the core services.

The builders never touch the database; a service (or the GUI through one) reads what it needs,
fills one of these and hands it over. Enumerated values (source, state, channel, invoice state,
objection kind, disclosure purpose, request kind) are the plain string values of the enums in
``core.models``; the builders translate them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.errors import AppError
from core.i18n import t
from core.models import LETTERHEAD_REQUIRED
from core.retention import ContactRetention, RetentionPeriods


class LetterheadIncomplete(AppError):
    """A document needs Settings fields that are empty: one message lists them all."""

    code = "error.letterhead_incomplete"

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        super().__init__()

    def message(self, lang: str | None = None) -> str:
        names = ", ".join(t(f"field.{f}", lang) for f in self.fields)
        return t(self.code, lang, fields=names)


@dataclass(frozen=True)
class Letterhead:
    """The sender of every letter and the controller of the register [S1][S2][S3]."""

    company_name: str
    business_id: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    register_name: str = "Asiakasrekisteri"
    controller_person: str = ""

    def missing(self, required: tuple[str, ...] = LETTERHEAD_REQUIRED) -> tuple[str, ...]:
        """The ``required`` fields that are empty, in Settings order."""
        return tuple(f for f in required if not str(getattr(self, f, "") or "").strip())

    @classmethod
    def from_settings(cls, settings: Any) -> Letterhead:
        """Build from a ``core.models.Settings`` row (or anything with the same attributes)."""
        return cls(
            company_name=settings.company_name or "",
            business_id=settings.business_id or "",
            street=settings.street or "",
            postal_code=settings.postal_code or "",
            city=settings.city or "",
            phone=settings.phone or "",
            email=settings.email or "",
            contact_person=settings.contact_person or "",
            contact_phone=getattr(settings, "contact_phone", "") or "",
            contact_email=getattr(settings, "contact_email", "") or "",
            register_name=settings.register_name or "Asiakasrekisteri",
            controller_person=settings.controller_person or "",
        )


@dataclass(frozen=True)
class Addressee:
    """The address block of a letter (placed in the window of a C5/DL envelope)."""

    name: str
    organisation: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FI"  # ISO 3166-1 alpha-2
    # Print the country even for Finland: an office's address on an English form, which
    # may be mailed back from abroad.
    international: bool = False


@dataclass(frozen=True)
class Signatory:
    """Who signs a letter: printed under the signature line, with the title in the letter's
    language (``title`` Finnish, ``title_en`` English; none rather than the other language's)."""

    full_name: str
    title: str = ""
    title_en: str = ""

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title


# --- blank signed-request forms --------------------------------------------------------------

FORM_KINDS = ("access", "rectification", "objection", "erasure")


@dataclass(frozen=True)
class FormData:
    """A signed-request form; ``person`` prefills name and address (None: a blank form).

    ``kind`` is one of FORM_KINDS; the erasure form also covers anonymisation.
    """

    kind: str
    person: Addressee | None = None
    email: str = ""
    phone: str = ""
    reference: str = ""


# --- access report [S15] ---------------------------------------------------------------------


@dataclass(frozen=True)
class PersonData:
    """The person's stored contact data. ``hetu`` is in clear: only the access report uses it."""

    first_name: str
    last_name: str
    organisation: str = ""
    email: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FI"
    phone: str = ""
    hetu: str = ""
    source: str = ""  # models.Source value
    state: str = "active"  # models.CustomerState value
    created_at: datetime | None = None
    updated_at: datetime | None = None
    restricted_until: date | None = None


@dataclass(frozen=True)
class OrderRow:
    number: str
    ordered_on: date
    item: str
    amount: Decimal
    channel: str  # models.SalesChannel value
    invoice_state: str  # models.InvoiceState value
    archived: bool = False
    retained_until: date | None = None  # the end of its accounting retention


@dataclass(frozen=True)
class DisclosureRow:
    recipient: str
    purpose: str  # models.DisclosurePurpose value
    disclosed_on: date
    data_fields: tuple[str, ...] = ()  # field names (first_name, email, ...)
    outside_eea: bool = False
    justification: str = ""


@dataclass(frozen=True)
class ObjectionRow:
    kind: str  # models.ObjectionKind value
    set_on: date


@dataclass(frozen=True)
class RequestRow:
    number: str
    kind: str  # models.RequestKind value
    received_on: date
    state: str  # models.RequestState value


@dataclass(frozen=True)
class DocumentRow:
    kind: str  # one of registry.KINDS
    created_on: date


@dataclass(frozen=True)
class FieldChangeRow:
    field: str
    old_value: str
    new_value: str
    changed_at: datetime
    source: str = ""


@dataclass(frozen=True)
class AccessReportData:
    person: PersonData
    addressee: Addressee
    reference: str = ""  # request number
    received_on: date | None = None
    issued_on: date | None = None  # None: today
    orders: tuple[OrderRow, ...] = ()
    disclosures: tuple[DisclosureRow, ...] = ()
    objections: tuple[ObjectionRow, ...] = ()
    requests: tuple[RequestRow, ...] = ()
    documents: tuple[DocumentRow, ...] = ()
    field_history: tuple[FieldChangeRow, ...] = ()
    purposes_text: str = ""  # Settings.purposes_text [S4]; empty: the standard wording
    retention_text: str = ""  # empty: the standard wording built from the retention years
    bookkeeping_retention_years: int = 6
    signatory: Signatory | None = None
    contact_retention: ContactRetention | None = None  # None: restricted (its own date)


# --- rectification [S16] ---------------------------------------------------------------------


@dataclass(frozen=True)
class RefusalItem:
    """One refused rectification item: what was asked and why it was refused."""

    field: str  # customer attribute name (first_name, street, ...)
    current_value: str
    requested_value: str
    grounds: str = ""  # the person's grounds for the correction
    reason: str = ""  # the manager's reason for refusing (required)


@dataclass(frozen=True)
class CorrectedField:
    field: str
    old_value: str
    new_value: str


@dataclass(frozen=True)
class RectificationDecisionData:
    """The refusal certificate: refused items with reasons; accepted ones listed too."""

    addressee: Addressee
    signatory: Signatory
    reference: str = ""
    received_on: date | None = None
    issued_on: date | None = None
    refused: tuple[RefusalItem, ...] = ()
    accepted: tuple[CorrectedField, ...] = ()


@dataclass(frozen=True)
class CorrectionNoticeData:
    """Art. 19 notice to a source the data came from or a recipient it was disclosed to."""

    recipient: Addressee
    signatory: Signatory
    subject_name: str  # whose data was corrected (name only, never the hetu)
    corrected: tuple[CorrectedField, ...]
    relation: str = "recipient"  # "recipient" | "source"
    disclosed_on: date | None = None
    reference: str = ""
    issued_on: date | None = None


# --- objection, erasure, extension -----------------------------------------------------------


@dataclass(frozen=True)
class ObjectionConfirmationData:
    addressee: Addressee
    signatory: Signatory
    set_kinds: tuple[str, ...]  # models.ObjectionKind values set by this request
    set_on: date
    active_kinds: tuple[str, ...] = ()  # all prohibitions in effect after the request
    reference: str = ""
    received_on: date | None = None
    issued_on: date | None = None


ERASURE_OUTCOMES = ("erased", "partly", "refused")


@dataclass(frozen=True)
class ErasureDecisionData:
    addressee: Addressee
    signatory: Signatory
    outcome: str  # one of ERASURE_OUTCOMES
    request_kind: str = "erasure"  # "erasure" | "anonymisation"
    retention_until: date | None = None  # partly: when the kept data is purged
    kept: tuple[str, ...] = ()  # partly: what is kept (free text lines, e.g. "orders 2023-2024")
    reasons: str = ""  # partly/refused: why
    recipients_notified: tuple[str, ...] = ()  # Art. 19
    reference: str = ""
    received_on: date | None = None
    issued_on: date | None = None


@dataclass(frozen=True)
class ErasureNoticeData:
    """Art. 19 notice to one recipient of a disclosure that the person's data were erased.

    Names the person (so the recipient can find them) and the data items disclosed, never
    their values."""

    recipient: Addressee
    signatory: Signatory
    subject_name: str
    data_fields: tuple[str, ...]  # field names disclosed to this recipient (first_name, ...)
    outcome: str = "erased"  # "erased" | "partly" (accounting records kept, restricted)
    retention_until: date | None = None  # partly: when the kept records go
    disclosed_on: date | None = None  # the latest disclosure to this recipient
    reference: str = ""
    issued_on: date | None = None


# Legal grounds a refusal may rest on; the builder prints each one's catalogue text
# (``doc.decision.ground.<key>``).
REFUSAL_GROUNDS = ("art17_3_b", "kpl_2_10", "art17_3_e", "art11_2")


@dataclass(frozen=True)
class RefusalDecisionData:
    """The decision letter of a refused request of any kind (Art. 12(4)), or of one closed
    because the person could not be identified (Art. 11(2), 12(2))."""

    addressee: Addressee
    signatory: Signatory
    request_kind: str  # models.RequestKind value
    reasons: str  # the manager's reasons, in the person's language
    grounds: tuple[str, ...] = ()  # REFUSAL_GROUNDS keys
    unidentified: bool = False  # closed for lack of identification
    reference: str = ""
    received_on: date | None = None
    issued_on: date | None = None


@dataclass(frozen=True)
class ExtensionNoticeData:
    addressee: Addressee
    signatory: Signatory
    request_kind: str
    received_on: date
    original_due_on: date
    new_due_on: date
    reasons: str
    reference: str = ""
    issued_on: date | None = None


# --- lists, statement, recovery sheet --------------------------------------------------------


@dataclass(frozen=True)
class LabelEntry:
    """One already-filtered customer for a label run or the mailing CSV."""

    first_name: str
    last_name: str
    organisation: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FI"
    # The customer's number (its id, as the app shows it): in the mailing CSV, so returned
    # mail can be traced; None for sample rows that belong to no customer.
    customer_id: int | None = None


@dataclass(frozen=True)
class StatementData:
    """The privacy statement [S1]-[S17]; the controller's details come from the Letterhead,
    the retention periods from the core's own rules (``core.retention.RetentionPeriods``)."""

    statement_date: date | None = None
    purposes_text: str = ""  # empty: the standard wording of [S4]
    retention: RetentionPeriods = dataclasses.field(default_factory=RetentionPeriods)

    @classmethod
    def from_settings(cls, settings: Any) -> StatementData:
        return cls(
            statement_date=settings.statement_date,
            purposes_text=settings.purposes_text or "",
            retention=RetentionPeriods.from_settings(settings),
        )


@dataclass(frozen=True)
class RecoverySheetData:
    recovery_key: str
    install_id: str
    company_name: str
    created_on: date
    created_by: str = ""
    replaces_earlier: bool = False  # made by a data-key rotation
