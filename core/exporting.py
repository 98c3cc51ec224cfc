"""Customer list export for the office's own use (CSV in the import's own headers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.auth import Actor, Permission, require
from core.csvio import EXPORT_HEADERS, write_table
from core.customers import hetu_of
from core.models import Customer, CustomerState

EXPORT_FIELDS = ("first_name", "last_name", "organisation", "email", "street", "postal_code",
                 "city", "country", "phone", "source")


def export_customers(session: Session, actor: Actor, path: Path, *, with_hetu: bool = False,
                     lang: str = "fi") -> int:
    """Every active customer; the hetu only with ``with_hetu`` and only for a manager."""
    require(actor, Permission.EXPORT)
    if with_hetu:
        require(actor, Permission.EXPORT_HETU)
    fields = [*EXPORT_FIELDS, "hetu"] if with_hetu else list(EXPORT_FIELDS)
    names = EXPORT_HEADERS.get(lang, EXPORT_HEADERS["fi"])

    def rows() -> Iterator[list[str]]:
        q = (select(Customer).where(Customer.state == CustomerState.ACTIVE.value,
                                    Customer.archived.is_(False))
             .order_by(Customer.last_name, Customer.first_name, Customer.id)
             .execution_options(yield_per=2000))
        for c in session.execute(q).scalars():
            row = [getattr(c, f) or "" for f in EXPORT_FIELDS]
            if with_hetu:
                row.append(hetu_of(session, c))
            yield row

    count = write_table(path, [names[f] for f in fields], rows())
    audit.record(session, actor, "customer.export", "export", path.name, fields)
    return count
