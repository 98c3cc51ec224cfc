"""Exports: the customer list for the office's own use (CSV or .xlsx in the import's own
headers) and the one JSON writer (a person's own data from the access report goes through
``write_json``).

The audit log for the Ombudsman or an auditor (``export_audit``, manager only): its readable
entries with the raw entry number and hash.

All go through owner-only files: CSV and .xlsx by ``core.transfer.sheets.write_customer_table``
or the two writers it chooses between (values made harmless for spreadsheets), JSON by
``write_json``.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.customers.service import hetu_of
from core.files import write_private
from core.i18n import format_datetime, t
from core.models import Customer, CustomerState
from core.security import audit
from core.security.audit_view import readable_entries
from core.security.permissions import Actor, Permission, require
from core.transfer.csvio import EXPORT_HEADERS, write_table
from core.transfer.sheets import write_customer_table, write_xlsx

EXPORT_FIELDS = (
    "first_name",
    "last_name",
    "organisation",
    "email",
    "street",
    "postal_code",
    "city",
    "country",
    "phone",
    "source",
)


def export_customers(
    session: Session, actor: Actor, path: Path, *, with_hetu: bool = False, lang: str = "fi"
) -> int:
    """Every active customer, as .xlsx when ``path`` ends so, else CSV; the hetu only with
    ``with_hetu`` and only for a manager."""
    require(actor, Permission.EXPORT)
    if with_hetu:
        require(actor, Permission.EXPORT_HETU)
    fields = [*EXPORT_FIELDS, "hetu"] if with_hetu else list(EXPORT_FIELDS)
    names = EXPORT_HEADERS.get(lang, EXPORT_HEADERS["fi"])

    def rows() -> Iterator[list[str]]:
        q = (
            select(Customer)
            .where(Customer.state == CustomerState.ACTIVE.value, Customer.archived.is_(False))
            .order_by(Customer.last_name, Customer.first_name, Customer.id)
            .execution_options(yield_per=2000)
        )
        for c in session.execute(q).scalars():
            row = [getattr(c, f) or "" for f in EXPORT_FIELDS]
            if with_hetu:
                row.append(hetu_of(session, c))
            yield row

    count = write_customer_table(path, [names[f] for f in fields], rows())
    audit.record(session, actor, "customer.export", "export", path.name, fields)
    return count


AUDIT_FORMATS = ("xlsx", "csv")
AUDIT_EXPORT_BATCH = 1000


def export_audit(
    session: Session,
    actor: Actor,
    path: Path,
    fmt: str,
    *,
    lang: str = "fi",
    username: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    customer_id: int | None = None,
) -> int:
    """The audit entries the filters choose, newest first, for the Ombudsman or an auditor:
    the readable columns and the raw entry number and hash, as .xlsx or CSV (``fmt``) in an
    owner-only file; recorded in the log itself with the range, the filters and the count."""
    require(actor, Permission.AUDIT_EXPORT)
    if fmt not in AUDIT_FORMATS:
        raise ValueError(f"audit export format {fmt!r}")
    filters: dict[str, Any] = {
        "username": username,
        "action": action,
        "since": since,
        "until": until,
        "customer_id": customer_id,
    }

    def rows() -> Iterator[list[str]]:
        offset = 0
        while True:
            page = readable_entries(
                session, actor, lang, limit=AUDIT_EXPORT_BATCH, offset=offset, **filters
            )
            for e in page:
                yield [
                    str(e.id),
                    format_datetime(e.at, lang),
                    e.user,
                    e.action_text,
                    e.target,
                    e.details,
                    e.hash,
                ]
            if len(page) < AUDIT_EXPORT_BATCH:
                return
            offset += AUDIT_EXPORT_BATCH

    headers = [
        t(f"audit.col.{c}", lang)
        for c in ("id", "at", "username", "action", "target", "details", "hash")
    ]
    writer = write_xlsx if fmt == "xlsx" else write_table
    count = writer(path, headers, rows())
    span = "..".join(d.date().isoformat() if d else "" for d in (since, until))
    described = [f"rows:{count}"]
    for name, value in (("user", username), ("action", action), ("customer", customer_id)):
        if value:
            described.append(f"filter_{name}:{value}")
    audit.record(session, actor, "audit.export", "audit", span, described)
    return count


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        raise TypeError("binary data is not exported as JSON")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def json_bytes(data: Any) -> bytes:
    """``data`` as UTF-8 JSON: dates ISO 8601, amounts as exact decimal strings, dataclasses
    as objects. The one JSON format of every export (the access report's too)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_value).encode("utf-8")


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON (``json_bytes``) to a file readable by the owner only."""
    write_private(Path(path), json_bytes(data))
