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
from core.documents.label_sheets import label_sheet
from core.documents.labels import (
    CSV_FIELDS,
    LabelRun,
    build_label_run,
    build_mailing_csv,
    build_test_page,
)
from core.documents.registry import record_document
from core.models import Customer, CustomerState, Objection, ObjectionKind, Source
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.settings import get_settings, label_offset
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
            Customer.id,
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


@dataclass(frozen=True)
class LabelLayout:
    """The sheet and the printer offset (mm) a label run is printed with."""

    sheet: str
    offset_x: float
    offset_y: float


def label_layout(
    session: Session,
    sheet: str | None = None,
    offset_x: Any = None,
    offset_y: Any = None,
) -> LabelLayout:
    """The given sheet and offsets, checked like Settings checks them; what is not given comes
    from Settings."""
    row = get_settings(session)
    chosen = label_sheet(sheet or row.label_sheet).id
    x = label_offset("label_offset_x_mm", row.label_offset_x_mm if offset_x is None else offset_x)
    y = label_offset("label_offset_y_mm", row.label_offset_y_mm if offset_y is None else offset_y)
    return LabelLayout(chosen, float(x), float(y))


def produce_label_run(
    session: Session,
    actor: Actor,
    selection: MailingSelection,
    lang: str,
    skip: int = 0,
    filename: str = "",
    sheet: str | None = None,
) -> LabelRun:
    """The label run for ``selection`` on ``sheet`` (None: the sheet chosen in Settings) with
    the printer offset of Settings; ``skip`` leaves the first labels of a partly used sheet
    blank. Recorded as a document and audited (field names only). The run names the customers
    whose label had to be shortened."""
    require(actor, Permission.LETTERS)
    lang = _check_lang(lang)
    _require_complete(selection)
    layout = label_layout(session, sheet)
    run = build_label_run(
        selection.entries,
        _letterhead(session),
        lang,
        skip=max(0, skip),
        sheet=layout.sheet,
        offset_x=layout.offset_x,
        offset_y=layout.offset_y,
    )
    doc = record_document(session, actor.username, "labels", lang, run.pdf, filename=filename)
    audit.record(session, actor, "mailing.labels", "document", doc.id, _fields(selection))
    return run


def produce_label_test_page(
    session: Session,
    actor: Actor,
    lang: str,
    sheet: str | None = None,
    offset_x: Any = None,
    offset_y: Any = None,
) -> bytes:
    """The test page of a label sheet: its frames with the printer offset applied (the values
    given, else those of Settings). It holds no one's data, so it is not recorded."""
    require(actor, Permission.LETTERS)
    lang = _check_lang(lang)
    layout = label_layout(session, sheet, offset_x, offset_y)
    return build_test_page(
        layout.sheet, layout.offset_x, layout.offset_y, lang, _letterhead(session)
    )


def produce_mailing_csv(
    session: Session, actor: Actor, selection: MailingSelection, lang: str, filename: str = ""
) -> bytes:
    """The mailing list as CSV (UTF-8 with BOM, ``;``), recorded and audited like the labels."""
    require(actor, Permission.LETTERS)
    lang = _check_lang(lang)
    _require_complete(selection)
    content = build_mailing_csv(selection.entries, lang)
    doc = record_document(session, actor.username, "mailing_csv", lang, content, filename=filename)
    audit.record(session, actor, "mailing.csv", "document", doc.id, _fields(selection, csv=True))
    return content


def _require_complete(selection: MailingSelection) -> None:
    if not selection.complete:
        raise ValueError("a preview selection (made with a limit) cannot be printed")


def _fields(selection: MailingSelection, csv: bool = False) -> list[str]:
    """The audited field names: what was printed (never whose data); the CSV also carries
    the customer number."""
    if not selection.entries:
        return []
    return ["customer_number", *CSV_FIELDS] if csv else list(CSV_FIELDS)
