"""Company settings (the letterhead of every letter), database initialisation and the data key."""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from core import validation
from core.clock import today
from core.db import Database, open_database, remove_sqlite_files
from core.documents.label_sheets import OFFSET_LIMIT_MM, label_sheet
from core.errors import AppError, Conflict, ValidationError, ValidationErrors
from core.models import LETTERHEAD_REQUIRED, Settings
from core.security import audit
from core.security.auth import create_first_manager
from core.security.crypto import DataKey, cached_key, remember_key, store_key
from core.security.crypto import clear_key_cache as _clear_key_cache
from core.security.permissions import Actor, Permission, require

EDITABLE = (
    "company_name",
    "business_id",
    "controller_person",
    "street",
    "postal_code",
    "city",
    "phone",
    "email",
    "contact_person",
    "contact_phone",
    "contact_email",
    "register_name",
    "statement_date",
    "purposes_text",
    "idle_lock_minutes",
    "backup_folder",
    "second_backup_folder",
    "retention_years",
    "bookkeeping_retention_years",
    "financial_year_end_day",
    "financial_year_end_month",
    "label_sheet",
    "label_offset_x_mm",
    "label_offset_y_mm",
)


NUMBER_LIMITS = {
    "idle_lock_minutes": (1, 240),
    "retention_years": (1, 50),
    # The vouchers' retention (Kirjanpitolaki 2:10: 6 years); an order is a voucher.
    "bookkeeping_retention_years": (6, 50),
    "financial_year_end_day": (1, 31),
    "financial_year_end_month": (1, 12),
}


def _check_financial_year_end(day: int, month: int) -> None:
    """The financial year's end must be a day of its month (29.2. means February's end)."""
    if day > calendar.monthrange(2000, month)[1]:
        raise ValidationError("financial_year_end_day", "validation.date_invalid")


def label_offset(field: str, value: Any) -> Decimal:
    """A printer offset in mm, to one decimal, between -10 and 10 mm (a larger one is a wrong
    sheet or a typo, not a printer's feed)."""
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace("\u2212", "-"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(field, "validation.offset_invalid") from exc
    if not number.is_finite() or abs(number) > Decimal(str(OFFSET_LIMIT_MM)):
        raise ValidationError(field, "validation.offset_range")
    return number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def get_settings(session: Session) -> Settings:
    row = session.get(Settings, 1)
    if row is None:
        raise AppError("db.not_initialised")
    return row


def is_initialised(session: Session) -> bool:
    return session.get(Settings, 1) is not None


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in EDITABLE:
            raise ValidationError(key, "validation.unknown_field")
        if key == "company_name":
            out[key] = validation.text(key, value, required=True)
        elif key == "business_id":
            out[key] = validation.business_id(value)
        elif key in ("email", "contact_email"):
            out[key] = validation.email(value, field=key)
        elif key in ("phone", "contact_phone"):
            out[key] = validation.phone(value, field=key)
        elif key == "postal_code":
            out[key] = validation.postal_code(value)
        elif key == "statement_date":
            if value is not None and not isinstance(value, date):
                raise ValidationError(key, "validation.date_invalid")
            out[key] = value
        elif key in NUMBER_LIMITS:
            limits = NUMBER_LIMITS[key]
            try:
                number = int(value)
            except (TypeError, ValueError) as exc:
                raise ValidationError(key, "validation.number_invalid") from exc
            if not limits[0] <= number <= limits[1]:
                raise ValidationError(key, "validation.number_range", min=limits[0], max=limits[1])
            out[key] = number
        elif key == "label_sheet":
            out[key] = label_sheet(value).id
        elif key in ("label_offset_x_mm", "label_offset_y_mm"):
            out[key] = label_offset(key, value)
        elif key == "purposes_text":
            out[key] = (value or "").strip()
        else:
            out[key] = validation.text(key, value, max_len=500)
    return out


@dataclass(frozen=True)
class Initialised:
    actor: Actor
    recovery_key: str
    install_id: str


# What a new register needs before anything is printed: the whole letterhead (the first-run
# wizard and the Settings page mark these; every letter refuses while one is empty).
REQUIRED_AT_SETUP = LETTERHEAD_REQUIRED


def check_settings(
    values: dict[str, Any], required: tuple[str, ...] = REQUIRED_AT_SETUP
) -> dict[str, Any]:
    """Every field checked at once (the first-run wizard shows them all together); returns the
    clean values or raises ``ValidationErrors`` naming each bad field."""
    errors: list[ValidationError] = []
    out: dict[str, Any] = {}
    for key, value in values.items():
        try:
            if key in required and not str(value or "").strip():
                raise ValidationError(key, "validation.required")
            out.update(_clean({key: value}))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationErrors(errors)
    return out


def initialise(
    session: Session,
    company_name: str,
    manager_username: str,
    manager_full_name: str,
    manager_password: str,
    confidentiality_signed_on: date | None = None,
    manager_title: str = "",
    **settings: Any,
) -> Initialised:
    """A new database: settings, a fresh data key in the OS keyring, the first manager.

    The key is stored in the keyring before anything is committed, so a machine without a
    usable keyring fails here and leaves no half-made database behind.
    """
    if is_initialised(session):
        raise AppError("db.already_initialised")
    values = _clean({"company_name": company_name, **settings})
    # The statement is drawn up when the register is set up, unless told otherwise [S1].
    values.setdefault("statement_date", confidentiality_signed_on or today())
    key = DataKey.generate()
    install_id = secrets.token_hex(16)
    row = Settings(id=1, install_id=install_id, key_check=key.key_check(), **values)
    session.add(row)
    session.flush()
    remember_key(install_id, key)  # the audit chain's first entries are keyed with it
    try:
        actor = create_first_manager(
            session,
            manager_username,
            manager_full_name,
            manager_password,
            confidentiality_signed_on,
            manager_title,
        )
        store_key(install_id, key)
    except BaseException:
        remember_key(install_id, None)
        raise
    audit.record(session, actor, "settings.initialise", "settings", 1, sorted(values))
    return Initialised(actor, key.recovery_text(), install_id)


def create_register(
    location: Any,
    company_name: str,
    manager_username: str,
    manager_full_name: str,
    manager_password: str,
    confidentiality_signed_on: date | None = None,
    manager_title: str = "",
    **settings: Any,
) -> tuple[Database, Initialised]:
    """A new database at ``location`` (a path or URL) made by ``initialise``; on any failure
    a new SQLite file is removed again, so nothing half-made is left behind."""
    db = open_database(location, create=True)
    try:
        with db.begin() as s:
            result = initialise(
                s,
                company_name,
                manager_username,
                manager_full_name,
                manager_password,
                confidentiality_signed_on,
                manager_title,
                **settings,
            )
    except BaseException:
        db.dispose()
        if db.path is not None:
            remove_sqlite_files(db.path)
        raise
    return db, result


def data_key(session: Session) -> DataKey:
    """This database's data key from the OS keyring, checked against Settings."""
    row = get_settings(session)
    return cached_key(row.install_id, row.key_check)


def check_key(session: Session) -> None:
    data_key(session)


def install_recovery_key(session: Session, recovery_text: str) -> None:
    """A new desk or a restored backup: the recovery key from the sheet unlocks the data."""
    row = get_settings(session)
    key = DataKey.from_recovery_text(recovery_text)
    if key.key_check() != row.key_check:
        raise ValidationError("recovery_key", "validation.recovery_key_wrong")
    store_key(row.install_id, key)
    remember_key(row.install_id, key)
    audit.record(session, None, "key.recovered", "settings", 1)


def recovery_key_text(session: Session, actor: Actor) -> str:
    """The recovery key again, for a manager who needs to print a new sheet."""
    require(actor, Permission.SETTINGS)
    audit.record(session, actor, "key.recovery_shown", "settings", 1)
    return data_key(session).recovery_text()


def update_settings(
    session: Session, actor: Actor, expected_version: int | None = None, **values: Any
) -> Settings:
    require(actor, Permission.SETTINGS)
    row = get_settings(session)
    if expected_version is not None and row.version != expected_version:
        raise Conflict("error.conflict", who=row.updated_by, when=row.updated_at)
    clean = _clean(values)
    _check_financial_year_end(
        clean.get("financial_year_end_day", row.financial_year_end_day),
        clean.get("financial_year_end_month", row.financial_year_end_month),
    )
    changed = [k for k, v in clean.items() if getattr(row, k) != v]
    for k in changed:
        setattr(row, k, clean[k])
    if changed:
        row.version += 1
        row.updated_by = actor.username
        audit.record(session, actor, "settings.update", "settings", 1, changed)
    return row


def clear_key_cache() -> None:
    _clear_key_cache()
