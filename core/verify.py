"""``verify``: database integrity, the audit chain, and that the data key opens the data."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, text

from core.db import Database
from core.errors import AppError
from core.i18n import t
from core.models import Customer
from core.security.audit import ChainStatus, verify_chain
from core.settings import data_key


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


CHAIN_PROBLEMS = {
    "edited": "verify.chain_edited",
    "gap": "verify.chain_gap",
    "reorder": "verify.chain_reorder",
    "unkeyed": "verify.chain_unkeyed",
    "truncated": "verify.chain_truncated",
    "anchor": "verify.chain_anchor",
    "head_missing": "verify.chain_head_missing",
    "head": "verify.chain_head",
}


def chain_problem(status: ChainStatus, lang: str | None = None) -> str:
    """One line naming the first bad entry of a broken chain."""
    return t(CHAIN_PROBLEMS[status.reason], lang=lang, entry=status.broken_at)


def verify_database(db: Database, lang: str | None = None) -> VerifyReport:
    report = VerifyReport()
    with db.engine.connect() as conn:
        if db.is_sqlite:
            result = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).fetchall()]
            if result != ["ok"]:
                report.problems.append(
                    t("verify.integrity_failed", lang=lang, detail="; ".join(result[:3]))
                )
            else:
                report.lines.append(t("verify.integrity_ok", lang=lang))
        else:
            conn.execute(text("SELECT 1"))
            report.lines.append(t("verify.server_ok", lang=lang))
    with db.begin() as s:
        try:
            status = verify_chain(s)
        except AppError as exc:  # no data key: the keyed chain cannot be checked
            report.problems.append(exc.message(lang))
        else:
            if status.ok:
                report.lines.append(t("verify.chain_ok", lang=lang, count=status.entries))
                if not status.anchored:
                    report.lines.append(t("verify.chain_no_anchor", lang=lang))
            else:
                report.problems.append(chain_problem(status, lang))
        try:
            key = data_key(s)
            sample = s.execute(
                select(Customer.id, Customer.hetu_encrypted)
                .where(Customer.hetu_encrypted.is_not(None))
                .order_by(Customer.id.desc())
                .limit(20)
            ).all()
            for cid, blob in sample:
                if blob is not None:
                    key.decrypt(blob, cid)
            report.lines.append(t("verify.key_ok", lang=lang))
        except AppError as exc:
            report.problems.append(exc.message(lang))
    return report
