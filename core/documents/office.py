"""Blank signed-request forms and the privacy statement (PDF, and HTML for the website),
printed from the office's own settings.

Neither holds personal data, so customer service may print them [S15]; each one is still
recorded in the document registry (kind, language, author, time, SHA-256).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.customers.service import get_customer
from core.documents.data import FORM_KINDS, Addressee, FormData, Letterhead, StatementData
from core.documents.forms import build_form
from core.documents.registry import record_document
from core.documents.statement import build_statement, build_statement_html
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.settings import get_settings
from core.validation import choice, format_phone


def produce_blank_form(
    session: Session, actor: Actor, kind: str, lang: str, filename: str = ""
) -> bytes:
    """An empty signed-request form of ``kind`` (one of FORM_KINDS) in ``lang``."""
    require(actor, Permission.BLANK_FORMS)
    kind = choice("kind", kind, FORM_KINDS)
    lang = choice("language", lang, ("fi", "en"))
    pdf = build_form(FormData(kind=kind), Letterhead.from_settings(get_settings(session)), lang)
    record_document(session, actor.username, f"form_{kind}", lang, pdf, filename=filename)
    return pdf


def produce_prefilled_form(
    session: Session, actor: Actor, kind: str, lang: str, customer_id: int, filename: str = ""
) -> bytes:
    """A signed-request form of ``kind`` with the customer's name, address, email and phone
    filled in, for the person to check, sign and return (never the hetu)."""
    require(actor, Permission.BLANK_FORMS)
    require(actor, Permission.CUSTOMERS)
    kind = choice("kind", kind, FORM_KINDS)
    lang = choice("language", lang, ("fi", "en"))
    c = get_customer(session, customer_id)
    person = Addressee(
        name=f"{c.first_name} {c.last_name}".strip(),
        organisation=c.organisation,
        street=c.street,
        postal_code=c.postal_code,
        city=c.city,
        country=c.country or "FI",
    )
    data = FormData(kind=kind, person=person, email=c.email, phone=format_phone(c.phone))
    pdf = build_form(data, Letterhead.from_settings(get_settings(session)), lang)
    record_document(
        session,
        actor.username,
        f"form_{kind}",
        lang,
        pdf,
        customer_id=customer_id,
        filename=filename,
    )
    audit.record(
        session,
        actor,
        "customer.form_printed",
        "customer",
        customer_id,
        [
            "first_name",
            "last_name",
            "organisation",
            "street",
            "postal_code",
            "city",
            "email",
            "phone",
        ],
    )
    return pdf


def produce_statement(session: Session, actor: Actor, lang: str, filename: str = "") -> bytes:
    """The privacy statement [S1]-[S17] generated from the settings, in ``lang``."""
    require(actor, Permission.BLANK_FORMS)
    lang = choice("language", lang, ("fi", "en"))
    settings = get_settings(session)
    pdf = build_statement(
        StatementData.from_settings(settings), Letterhead.from_settings(settings), lang
    )
    record_document(session, actor.username, "privacy_statement", lang, pdf, filename=filename)
    return pdf


def produce_statement_html(session: Session, actor: Actor, lang: str, filename: str = "") -> bytes:
    """The same privacy statement as one HTML page for the office's website, in ``lang``."""
    require(actor, Permission.BLANK_FORMS)
    lang = choice("language", lang, ("fi", "en"))
    settings = get_settings(session)
    page = build_statement_html(
        StatementData.from_settings(settings), Letterhead.from_settings(settings), lang
    )
    record_document(
        session, actor.username, "privacy_statement_html", lang, page, filename=filename
    )
    return page
