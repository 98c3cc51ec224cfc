"""Name and address updates from authorities and update-service companies [S8].

An update file is a CSV with the same header rules as the customer import. Each row names a
person by hetu (through the blind index) or, when it has no hetu, by first name + last name +
email, and carries their current values: every value given replaces the stored one (an empty
cell changes nothing). ``preview_updates`` shows the changes per customer before anything is
written; ``apply_updates`` applies them through ``update_customer`` with the source recorded in
field history. An update never creates a customer: unmatched and invalid rows are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import validation
from core.clock import today
from core.customers.service import FIELDS, clean_customer, find_by_hetu, hetu_of, update_customer
from core.errors import AppError, ValidationError, ValidationErrors
from core.i18n import format_date, t
from core.models import Customer, CustomerState, Source
from core.recipients import recipient_for_source
from core.security.permissions import Actor, Permission, require
from core.transfer.csvio import ignored_columns_text, read_table

# The fields an update may change (hetu identifies the person; the data source stays).
UPDATABLE = tuple(f for f in FIELDS if f not in ("hetu", "source"))
SOURCES = (Source.AUTHORITY_UPDATE.value, Source.UPDATE_SERVICE.value)


@dataclass(frozen=True)
class FieldUpdate:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class CustomerUpdate:
    line: int
    customer_id: int
    name: str  # the customer's current name
    version: int
    changes: tuple[FieldUpdate, ...]


@dataclass(frozen=True)
class ProblemRow:
    """An unmatched or rejected row: which line, who it seemed to name, and why."""

    line: int
    who: str  # name from the file, hetu masked
    reason: str


@dataclass
class UpdatePreview:
    file_name: str
    updates: list[CustomerUpdate] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # line numbers
    unmatched: list[ProblemRow] = field(default_factory=list)
    rejected: list[ProblemRow] = field(default_factory=list)
    ignored_columns: list[tuple[int, str]] = field(default_factory=list)  # (number, header)

    @property
    def has_problems(self) -> bool:
        return bool(self.unmatched or self.rejected)

    def summary(self, lang: str | None = None, updated: int | None = None) -> str:
        text = t(
            "updates.summary",
            lang=lang,
            updated=len(self.updates) if updated is None else updated,
            unchanged=len(self.unchanged),
            unmatched=len(self.unmatched),
            rejected=len(self.rejected),
        )
        if self.ignored_columns:
            text += "; " + ignored_columns_text(self.ignored_columns, lang)
        return text


def _column(headers: list[str], fields: list[str | None], name: str) -> str:
    header = next((h for h, f in zip(headers, fields, strict=False) if f == name), None)
    return (header or t(f"field.{name}")).strip().lstrip("\ufeff")


def _who(data: dict[str, str]) -> str:
    name = " ".join(
        p for p in (data.get("first_name", "").strip(), data.get("last_name", "").strip()) if p
    )
    hetu = data.get("hetu", "").strip()
    if hetu:
        masked = validation.mask_hetu(hetu.upper())
        return f"{name} ({masked})" if name else masked
    return name or data.get("email", "").strip()


def _match_by_name_email(session: Session, first: str, last: str, email: str) -> list[Customer]:
    return list(
        session.execute(
            select(Customer)
            .where(
                func.lower(Customer.email) == email.lower(),
                func.lower(Customer.first_name) == first.lower(),
                func.lower(Customer.last_name) == last.lower(),
                Customer.state != CustomerState.ANONYMISED.value,
            )
            .order_by(Customer.id)
            .limit(2)
        ).scalars()
    )


def preview_updates(session: Session, actor: Actor, path: Path) -> UpdatePreview:
    """Read the file and work out, without writing anything, what applying it would change."""
    require(actor, Permission.IMPORT)
    require(actor, Permission.CUSTOMERS)
    table = read_table(path)
    has_name_email = all(f in table.fields for f in ("first_name", "last_name", "email"))
    if "hetu" not in table.fields and not has_name_email:
        raise AppError("updates.missing_columns")
    preview = UpdatePreview(path.name, ignored_columns=list(table.ignored))
    first_line_of: dict[int, int] = {}
    for refused in table.problems:  # rows the reader refused (a stray quote, too many cells)
        preview.rejected.append(
            ProblemRow(
                refused.line,
                "",
                t(
                    "updates.row_problem",
                    line=refused.line,
                    problem=t(refused.code, **refused.params),
                ),
            )
        )

    def problem(
        kind: list[ProblemRow], line: int, data: dict[str, str], code: str, **params: Any
    ) -> None:
        kind.append(
            ProblemRow(
                line,
                _who(data),
                t("updates.row_problem", line=line, problem=t(code, **params)),
            )
        )

    for line, cells in table.rows:
        data: dict[str, str] = {}
        for value, fld in zip(cells, table.fields, strict=False):
            if fld and fld not in data:
                data[fld] = value.strip()
        hetu_given = data.get("hetu", "")
        customer: Customer | None = None
        if hetu_given:
            try:
                validation.hetu(hetu_given)
            except ValidationError as exc:
                preview.rejected.append(
                    ProblemRow(
                        line,
                        _who(data),
                        t(
                            "import.row_error",
                            line=line,
                            column=_column(table.headers, table.fields, "hetu"),
                            problem=t(exc.code, **exc.params),
                        ),
                    )
                )
                continue
            customer = find_by_hetu(session, hetu_given)
            if customer is None or customer.state == CustomerState.ANONYMISED.value:
                problem(preview.unmatched, line, data, "updates.no_such_hetu")
                continue
        else:
            first, last, email = (data.get(k, "") for k in ("first_name", "last_name", "email"))
            if not (first and last and email):
                problem(preview.rejected, line, data, "updates.no_identity")
                continue
            found = _match_by_name_email(session, first, last, email)
            if len(found) != 1:
                problem(
                    preview.unmatched,
                    line,
                    data,
                    "updates.no_such_person" if not found else "updates.ambiguous",
                )
                continue
            customer = found[0]
        if customer.id in first_line_of:
            problem(
                preview.rejected,
                line,
                data,
                "updates.same_person_twice",
                other=first_line_of[customer.id],
            )
            continue
        first_line_of[customer.id] = line
        given = {k: v for k, v in data.items() if k in UPDATABLE and v}
        current: dict[str, Any] = {f: getattr(customer, f) for f in FIELDS if f != "hetu"}
        current["hetu"] = hetu_of(session, customer)
        try:
            clean = clean_customer({**current, **given})
        except ValidationErrors as exc:
            reasons = "; ".join(
                t(
                    "import.row_error",
                    line=line,
                    column=_column(table.headers, table.fields, e.field),
                    problem=t(e.code, **e.params),
                )
                for e in exc.errors
            )
            preview.rejected.append(ProblemRow(line, _who(data), reasons))
            continue
        changes = tuple(
            FieldUpdate(f, str(current[f] or ""), str(clean[f] or ""))
            for f in UPDATABLE
            if f in given and clean[f] != current[f]
        )
        if not changes:
            preview.unchanged.append(line)
            continue
        preview.updates.append(
            CustomerUpdate(
                line,
                customer.id,
                f"{customer.first_name} {customer.last_name}".strip(),
                customer.version,
                changes,
            )
        )
    preview.rejected.sort(key=lambda r: r.line)
    return preview


def history_source(
    file_name: str, source: str = Source.AUTHORITY_UPDATE.value, lang: str | None = None
) -> str:
    """``Viranomaisen päivitys, tiedosto X, 5.3.2025``: what field history shows."""
    return t(
        "updates.history_source",
        lang=lang,
        source=t(f"source.{source}", lang=lang),
        file=file_name,
        date=format_date(today(), lang),
    )


def apply_updates(
    session: Session,
    actor: Actor,
    preview: UpdatePreview,
    source_label: str | None = None,
    source_name: str = "",
) -> int:
    """Apply a preview's changes. ``source_label`` is ``authority_update`` (the default),
    ``update_service`` or a ready label for field history. An update-service company is
    named (``source_name``): its entry in the recipient register, picked or made, is kept
    with each change, so a later correction notice goes to it (Art. 19). Someone else's save
    since the preview raises ``Conflict`` and the caller's transaction rolls back. Returns how
    many customers were updated."""
    require(actor, Permission.IMPORT)
    if not source_label or source_label in SOURCES:
        label = history_source(preview.file_name, source_label or SOURCES[0])
    else:
        label = source_label
    entry_id: int | None = None
    if source_label == Source.UPDATE_SERVICE.value:
        name = validation.text("source_name", source_name, required=True)
        if preview.updates:  # an entry only for a company whose data was taken in
            entry_id = recipient_for_source(session, actor, name).id
    for upd in preview.updates:
        update_customer(
            session,
            actor,
            upd.customer_id,
            {c.field: c.new for c in upd.changes},
            upd.version,
            history_source=label,
            audit_action="customer.update_file",
            source_recipient_id=entry_id,
        )
    return len(preview.updates)
