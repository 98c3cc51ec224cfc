"""Importing customers from CSV (DESIGN.md section 8).

Good rows are committed in batches; rejected rows go to ``FILE.rejected.csv`` with a reason that
names the row and the column; re-running the same file adds nobody twice (same hetu, else same
email, else same name and postal code).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from core import audit
from core.auth import Actor, Permission, require
from core.clock import now, today
from core.csvio import read_table, write_table
from core.customers import build_search_text, clean_customer
from core.db import Database
from core.errors import AppError, ValidationError, ValidationErrors
from core.i18n import t
from core.models import Customer, CustomerState, FieldChange, Source, table_of
from core.settings import data_key

BATCH = 2000
Progress = Callable[[int, int, str], None]
ShouldAbort = Callable[[], bool]


@dataclass
class RejectedRow:
    line: int
    cells: list[str]
    reason: str


@dataclass
class ImportReport:
    imported: int = 0
    rejected: int = 0
    unchanged: int = 0
    rejected_rows: list[RejectedRow] = field(default_factory=list)
    rejected_path: Path | None = None
    aborted: bool = False

    def summary(self, lang: str | None = None) -> str:
        return t("import.summary", lang=lang, imported=self.imported, rejected=self.rejected,
                 unchanged=self.unchanged)


def rejected_path_for(path: Path) -> Path:
    return path.with_name(path.stem + ".rejected.csv")


class _ExistingKeys:
    """The dedup keys of every stored customer, loaded once per import."""

    def __init__(self, db: Database) -> None:
        with db.begin() as s:
            self.hetu = set(s.execute(select(Customer.hetu_index)
                                      .where(Customer.hetu_index.is_not(None))).scalars())
            self.email = {e for e in s.execute(select(func.lower(Customer.email))
                                               .where(Customer.email != "")).scalars()}
            self.name = {(f.lower(), la.lower(), p) for f, la, p in s.execute(
                select(Customer.first_name, Customer.last_name, Customer.postal_code))}

    def seen(self, clean: dict[str, Any], hetu_index: str | None) -> bool:
        if hetu_index:
            return hetu_index in self.hetu
        if clean.get("email") and clean["email"].lower() in self.email:
            return True
        return (clean["first_name"].lower(), clean["last_name"].lower(),
                clean.get("postal_code", "")) in self.name

    def add(self, clean: dict[str, Any], hetu_index: str | None) -> None:
        if hetu_index:
            self.hetu.add(hetu_index)
        if clean.get("email"):
            self.email.add(clean["email"].lower())
        self.name.add((clean["first_name"].lower(), clean["last_name"].lower(),
                       clean.get("postal_code", "")))


def _reason(error: ValidationError, headers: list[str], fields: list[str | None], line: int,
            lang: str | None) -> str:
    column = next((h for h, f in zip(headers, fields, strict=False) if f == error.field),
                  t(f"field.{error.field}", lang=lang))
    return t("import.row_error", lang=lang, line=line, column=column.strip().lstrip("\ufeff"),
             problem=t(error.code, lang=lang, **error.params))


class _Fields:
    """Attribute access over a clean dict (what build_search_text reads)."""

    def __init__(self, clean: dict[str, Any]) -> None:
        self.__dict__.update({f: clean.get(f, "") for f in (
            "first_name", "last_name", "organisation", "email", "postal_code", "city", "phone")})


def insert_customers(db_session: Any, actor: Actor, rows: list[tuple[dict[str, Any], str]],
                     source_label: str) -> list[int]:
    """Bulk-insert validated customers (clean data, hetu) and encrypt their hetus."""
    session = db_session
    if not rows:
        return []
    stamp = now()
    params = []
    for clean, _hetu in rows:
        params.append({
            "first_name": clean["first_name"], "last_name": clean["last_name"],
            "organisation": clean.get("organisation", ""), "email": clean.get("email", ""),
            "street": clean.get("street", ""), "postal_code": clean.get("postal_code", ""),
            "city": clean.get("city", ""), "country": clean.get("country", "FI"),
            "phone": clean.get("phone", ""), "source": clean.get("source", Source.OTHER.value),
            "state": CustomerState.ACTIVE.value, "archived": False,
            "search_text": build_search_text(_Fields(clean)), "created_at": stamp,
            "updated_at": stamp,
            "updated_by": actor.username, "version": 1,
            "last_contact_on": clean.get("last_contact_on") or today(),
        })
    table = table_of(Customer)
    conn = session.connection()
    key = data_key(session)
    if conn.dialect.name == "sqlite":
        # One executemany with the ids given (and the hetu encrypted under them) instead of a
        # RETURNING round trip and a second pass. If a desk inserted meanwhile, the taken ids
        # collide and the batch fails whole, never mixes.
        first = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
        ids = list(range(first, first + len(params)))
        for cid, row, (_clean, hetu) in zip(ids, params, rows, strict=True):
            row["id"] = cid
            row["hetu_encrypted"] = key.encrypt(hetu, cid) if hetu else None
            row["hetu_index"] = key.blind_index(hetu) if hetu else None
        conn.execute(insert(table), params)
    else:
        ids = list(conn.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), params).scalars())
        hetu_updates = [{"b_id": cid, "hetu_encrypted": key.encrypt(hetu, cid),
                         "hetu_index": key.blind_index(hetu)}
                        for cid, (_c, hetu) in zip(ids, rows, strict=True) if hetu]
        if hetu_updates:
            conn.execute(
                update(table).where(table.c.id == bindparam("b_id"))
                .values(hetu_encrypted=bindparam("hetu_encrypted"),
                        hetu_index=bindparam("hetu_index")),
                hetu_updates)
    session.connection().execute(insert(table_of(FieldChange)), [
        {"customer_id": cid, "field": "*", "old_value": "", "new_value": "",
         "source": source_label, "changed_by": actor.username, "changed_at": stamp}
        for cid in ids])
    return ids


def import_customers(db: Database, actor: Actor, path: Path, *, lang: str | None = None,
                     progress: Progress | None = None,
                     should_abort: ShouldAbort | None = None) -> ImportReport:
    require(actor, Permission.IMPORT)
    table = read_table(path)
    if "first_name" not in table.fields or "last_name" not in table.fields:
        raise AppError("import.missing_name_columns")
    with db.begin() as s:
        key = data_key(s)
    existing = _ExistingKeys(db)
    report = ImportReport()
    total = len(table.rows)
    pending: list[tuple[dict[str, Any], str]] = []
    source_label = f"import:{path.name}"

    def flush_batch() -> None:
        if not pending:
            return
        with db.begin() as s:
            insert_customers(s, actor, pending, source_label)
            audit.record(s, actor, "customer.import", "import", path.name,
                         sorted({k for c, _h in pending for k, v in c.items() if v}
                                | ({"hetu"} if any(h for _c, h in pending) else set())))
        report.imported += len(pending)
        pending.clear()

    for done, (line, cells) in enumerate(table.rows, start=1):
        if should_abort and should_abort():
            report.aborted = True
            break
        data: dict[str, Any] = {}
        for value, fld in zip(cells, table.fields, strict=False):
            if fld and fld not in data:
                data[fld] = value
        if len(cells) > len(table.headers):
            data.setdefault("__extra__", "")
        try:
            data.pop("__extra__", None)
            clean = clean_customer(data)
        except ValidationErrors as exc:
            reason = "; ".join(_reason(e, table.headers, table.fields, line, lang)
                               for e in exc.errors)
            report.rejected_rows.append(RejectedRow(line, cells, reason))
            report.rejected += 1
            continue
        hetu = clean.pop("hetu", "")
        index = key.blind_index(hetu) if hetu else None
        if existing.seen(clean, index):
            report.unchanged += 1
            continue
        existing.add(clean, index)
        pending.append((clean, hetu))
        if len(pending) >= BATCH:
            flush_batch()
        if progress and done % 500 == 0:
            progress(done, total, t("import.progress", lang=lang, done=done, total=total))
    if not report.aborted:
        flush_batch()
    else:
        pending.clear()
    if report.rejected_rows:
        report.rejected_path = rejected_path_for(path)
        write_table(report.rejected_path,
                    [*table.headers, t("import.reason_column", lang=lang)],
                    [[*r.cells, r.reason] for r in report.rejected_rows])
    if progress:
        progress(total, total, report.summary(lang))
    return report
