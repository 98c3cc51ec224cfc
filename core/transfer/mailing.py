"""Direct mail [S6]: who may get address labels or appear on a mailing list, and the label run
and CSV themselves.

A customer is left out when they carry the publication or the direct-marketing prohibition,
always. Restricted, anonymised and archived customers are never candidates (and are not counted
as left out: they are not in the mailing population at all). The same rule as
``core.requests.objection.mailing_candidates`` delegates here; this module adds the
filters and the left-out counts the Lists & labels screen shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from core.documents.data import LabelEntry, Letterhead
from core.documents.labels import CSV_FIELDS, build_labels, build_mailing_csv
from core.documents.registry import record_document
from core.models import Customer, CustomerState, Objection, ObjectionKind, Source
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.settings import get_settings
from core.validation import choice

# Prohibitions that keep a customer off address labels and mailing lists [S6].
MAILING_BLOCKERS = (ObjectionKind.PUBLICATION.value, ObjectionKind.DIRECT_MARKETING.value)


@dataclass(frozen=True)
class MailingSelection:
    """The customers a label run or mailing list goes to, and how many were left out why.

    ``count`` is everyone selected; ``entries`` may hold only the first rows when the
    selection was made with a ``limit`` (a preview): such a selection is not ``complete`` and
    cannot be printed.
    """

    entries: list[LabelEntry] = field(default_factory=list)
    left_out_objection: int = 0
    left_out_no_address: int = 0
    postal_code_prefix: str = ""
    source: str | None = None
    total: int | None = None

    @property
    def count(self) -> int:
        return len(self.entries) if self.total is None else self.total

    @property
    def complete(self) -> bool:
        return len(self.entries) == self.count


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _counted(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def mailing_candidates(
    session: Session,
    actor: Actor,
    *,
    postal_code_prefix: str = "",
    source: str | None = None,
    limit: int | None = None,
) -> MailingSelection:
    """Active, non-archived customers with a street address and neither the publication nor
    the direct-marketing prohibition, in postal code order (the order a post office sorts
    bulk mail). ``postal_code_prefix`` ("00" = Helsinki area) and ``source`` narrow the run;
    ``limit`` keeps only the first rows (a preview) while the counts cover everyone."""
    require(actor, Permission.CUSTOMERS)
    prefix = (postal_code_prefix or "").strip()
    if source:
        source = choice("source", source, Source)
    base = [Customer.state == CustomerState.ACTIVE.value, Customer.archived.is_(False)]
    if prefix:
        base.append(Customer.postal_code.like(_escape_like(prefix) + "%", escape="\\"))
    if source:
        base.append(Customer.source == source)
    blocked = exists().where(
        Objection.customer_id == Customer.id, Objection.kind.in_(MAILING_BLOCKERS)
    )
    has_address = func.trim(Customer.street) != ""

    q = (
        select(
            Customer.first_name,
            Customer.last_name,
            Customer.organisation,
            Customer.street,
            Customer.postal_code,
            Customer.city,
            Customer.country,
        )
        .where(*base, has_address, ~blocked)
        .order_by(Customer.postal_code, Customer.last_name, Customer.first_name, Customer.id)
    )
    if limit is not None:
        q = q.limit(max(0, limit))
    entries = [LabelEntry(*row) for row in session.execute(q).all()]
    # One pass over the customers for all three counts.
    included, left_objection, left_address = session.execute(
        select(
            _counted(and_(has_address, ~blocked)),
            _counted(blocked),
            _counted(and_(~has_address, ~blocked)),
        ).where(*base)
    ).one()
    return MailingSelection(
        entries, int(left_objection), int(left_address), prefix, source, int(included)
    )


def _letterhead(session: Session) -> Letterhead:
    return Letterhead.from_settings(get_settings(session))


def _check_lang(lang: str) -> str:
    return choice("language", lang, ("fi", "en"))


def produce_labels(
    session: Session,
    actor: Actor,
    selection: MailingSelection,
    lang: str,
    skip: int = 0,
    filename: str = "",
) -> bytes:
    """The label run (3 x 7 on A4) for ``selection``; ``skip`` leaves the first labels of a
    partly used sheet blank. Recorded as a document and audited (field names only)."""
    require(actor, Permission.LETTERS)
    lang = _check_lang(lang)
    _require_complete(selection)
    pdf = build_labels(selection.entries, _letterhead(session), lang, skip=max(0, skip))
    doc = record_document(session, actor.username, "labels", lang, pdf, filename=filename)
    audit.record(session, actor, "mailing.labels", "document", doc.id, _fields(selection))
    return pdf


def produce_mailing_csv(
    session: Session, actor: Actor, selection: MailingSelection, lang: str, filename: str = ""
) -> bytes:
    """The mailing list as CSV (UTF-8 with BOM, ``;``), recorded and audited like the labels."""
    require(actor, Permission.LETTERS)
    lang = _check_lang(lang)
    _require_complete(selection)
    content = build_mailing_csv(selection.entries, lang)
    doc = record_document(session, actor.username, "mailing_csv", lang, content, filename=filename)
    audit.record(session, actor, "mailing.csv", "document", doc.id, _fields(selection))
    return content


def _require_complete(selection: MailingSelection) -> None:
    if not selection.complete:
        raise ValueError("a preview selection (made with a limit) cannot be printed")


def _fields(selection: MailingSelection) -> list[str]:
    """The audited field names: what was printed (never whose data)."""
    return list(CSV_FIELDS) if selection.entries else []
