"""The register of recipients and sources [S8][S9]: the organisations data goes to (disclosures)
or comes from (update-service imports), with the postal address a notice (Art. 19) is mailed to.

The office's own sales channels are sources of data, never entries here: they are the office.
A notice goes only to an entry that ``is_complete``; ``require_addresses`` refuses a set of
addressees at once, naming the first incomplete one and its missing fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import validation
from core.errors import AppError, NotFound, ValidationError, ValidationErrors
from core.i18n import t
from core.models import Recipient
from core.security import audit
from core.security.permissions import Actor, Permission, require

FIELDS = ("name", "business_id", "street", "postal_code", "city", "country", "email")
# What a letter needs to reach the entry by post.
ADDRESS_FIELDS = ("street", "postal_code", "city")


class RecipientIncomplete(AppError):
    """A notice to a register entry without a full postal address."""

    code = "recipients.incomplete"

    def __init__(self, recipient_id: int, name: str, missing: tuple[str, ...]) -> None:
        self.recipient_id = recipient_id
        self.missing = missing
        super().__init__(self.code, name=name)

    def message(self, lang: str | None = None) -> str:
        fields = ", ".join(t(f"field.{f}", lang).lower() for f in self.missing)
        return t(self.code, lang, name=self.params["name"], fields=fields)


@dataclass(frozen=True)
class RecipientRow:
    id: int
    name: str
    business_id: str
    street: str
    postal_code: str
    city: str
    country: str
    email: str

    @property
    def address_text(self) -> str:
        """The address as disclosures keep it: street, then "postal code city"."""
        second = " ".join(p for p in (self.postal_code, self.city) if p)
        return "\n".join(p for p in (self.street, second) if p)


def recipient_row(r: Recipient) -> RecipientRow:
    return RecipientRow(
        r.id, r.name, r.business_id, r.street, r.postal_code, r.city, r.country, r.email
    )


def missing_fields(recipient: Recipient | RecipientRow) -> tuple[str, ...]:
    """The address fields a letter to ``recipient`` still lacks."""
    return tuple(f for f in ADDRESS_FIELDS if not (getattr(recipient, f) or "").strip())


def is_complete(recipient: Recipient | RecipientRow) -> bool:
    return not missing_fields(recipient)


def require_addresses(recipients: Iterable[Recipient | RecipientRow]) -> None:
    """Raise ``RecipientIncomplete`` for the first entry a letter cannot be mailed to."""
    for r in recipients:
        missing = missing_fields(r)
        if missing:
            raise RecipientIncomplete(r.id, r.name, missing)


def clean_recipient(data: Mapping[str, Any]) -> dict[str, str]:
    """Validated values of a register entry: a name, a Y-tunnus (python-stdnum), a postal
    code of the country, an email (email-validator); the address fields may be empty."""
    errors: list[ValidationError] = []
    out: dict[str, str] = {}
    country = "FI"
    try:
        country = validation.country(data.get("country"))
        out["country"] = country
    except ValidationError as exc:
        errors.append(exc)
    checks = {
        "name": lambda v: validation.text("name", v, required=True),
        "business_id": lambda v: validation.business_id(v),
        "street": lambda v: validation.text("street", v),
        "postal_code": lambda v: validation.postal_code(v, country),
        "city": lambda v: validation.text("city", v, max_len=100),
        "email": lambda v: validation.email(v),
    }
    for name, check in checks.items():
        try:
            out[name] = check(data.get(name) or "")
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationErrors(errors)
    return out


def get_recipient(session: Session, recipient_id: int) -> Recipient:
    row = session.get(Recipient, recipient_id)
    if row is None:
        raise NotFound("recipients.not_found", id=recipient_id)
    return row


def create_recipient(session: Session, actor: Actor, data: Mapping[str, Any]) -> Recipient:
    require(actor, Permission.RECIPIENTS)
    clean = clean_recipient(data)
    row = Recipient(**clean, updated_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(
        session, actor, "recipient.create", "recipient", row.id, [f for f in FIELDS if clean[f]]
    )
    return row


def update_recipient(
    session: Session, actor: Actor, recipient_id: int, data: Mapping[str, Any]
) -> Recipient:
    require(actor, Permission.RECIPIENTS)
    row = get_recipient(session, recipient_id)
    clean = clean_recipient(data)
    changed = [f for f in FIELDS if getattr(row, f) != clean[f]]
    for f in changed:
        setattr(row, f, clean[f])
    if changed:
        row.updated_by = actor.username
        session.flush()
        audit.record(session, actor, "recipient.update", "recipient", row.id, changed)
    return row


def list_recipients(session: Session, actor: Actor) -> list[RecipientRow]:
    """Every entry by name (disclosures are recorded by those who may edit customers)."""
    require(actor, Permission.CUSTOMERS)
    rows = session.execute(select(Recipient).order_by(func.lower(Recipient.name), Recipient.id))
    return [recipient_row(r) for r in rows.scalars()]


def recipient_for_source(session: Session, actor: Actor, name: str) -> Recipient:
    """The register entry an update-service import names: the one of that name (case does
    not matter), else a new entry with the name only, to be completed in the register."""
    require(actor, Permission.IMPORT)
    clean = validation.text("source_name", name, required=True)
    found = session.execute(
        select(Recipient)
        .where(func.lower(Recipient.name) == clean.lower())
        .order_by(Recipient.id)
        .limit(1)
    ).scalar_one_or_none()
    if found is not None:
        return found
    row = Recipient(name=clean, updated_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor, "recipient.create", "recipient", row.id, ["name"])
    return row
