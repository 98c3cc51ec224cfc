"""Records every document produced, so the office can show what it sent and when."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from core import models
from core.clock import now

KINDS: tuple[str, ...] = (
    "form_access",
    "form_rectification",
    "form_objection",
    "form_erasure",
    "access_report",
    "access_json",
    "refusal_certificate",
    "refusal_decision",
    "correction_notice",
    "objection_confirmation",
    "erasure_decision",
    "erasure_notice",
    "extension_notice",
    "labels",
    "mailing_csv",
    "privacy_statement",
    "privacy_statement_html",
    "recovery_sheet",
)


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def record_document(
    session: Session,
    actor_username: str,
    kind: str,
    lang: str,
    pdf_bytes: bytes,
    request_id: int | None = None,
    customer_id: int | None = None,
    filename: str = "",
) -> models.Document:
    """Add a ``Document`` row (kind, language, author, time, SHA-256); the caller commits.

    ``pdf_bytes`` may also be the JSON or CSV content of the non-PDF kinds.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    if lang not in ("fi", "en"):
        raise ValueError(f"unknown language {lang!r}")
    doc = models.Document(
        kind=kind,
        language=lang,
        request_id=request_id,
        customer_id=customer_id,
        filename=filename,
        sha256=sha256_hex(pdf_bytes),
        created_by=actor_username,
        created_at=now(),
    )
    session.add(doc)
    session.flush()
    return doc
