"""The one place that removes a customer's personal data: ``wipe_customer``.

Erasure and anonymisation requests (core/requests), retention (core/retention.py) and a
restore that re-applies earlier erasures (core/backup/replay.py) all call it, so "what erasure
removes" is defined once.

- ``delete``: the customer row goes with its orders (callers have checked the legal holds),
  field history, prohibitions and the link from disclosures and documents; the person's
  requests keep only their own record under a pseudonymous reference (the tombstone): no
  name, address, scans, requested values or staff's free text (in every mode).
- ``anonymise``: identifying fields become blank (the name a neutral ``***``), the hetu,
  history, prohibitions, disclosure links and scans go; orders stay for statistics [S4].
- ``restrict``: what accounting needs stays (name, organisation, the orders still inside
  their retention) and processing is restricted until the last hold ends; contact data, hetu,
  history, prohibitions, scans and the orders past their retention go.

Callers check permissions and legal holds, write the ``ErasureRecord`` and the audit entry.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Literal

from sqlalchemy import delete, event, or_, select, text
from sqlalchemy.orm import Session

from core.backup.files import backup_folder, kept_copy_folders, remove_kept_copies
from core.customers.search import build_search_text
from core.customers.service import get_customer
from core.db import checkpoint_wal
from core.legal_holds import check_legal_holds
from core.models import (
    Customer,
    CustomerState,
    Disclosure,
    Document,
    FieldChange,
    Objection,
    Order,
    Request,
)

Mode = Literal["delete", "anonymise", "restrict"]

# The fields anonymisation blanks (country and source are not identifying; kept for [S4]).
IDENTIFYING = (
    "first_name",
    "last_name",
    "organisation",
    "email",
    "street",
    "postal_code",
    "city",
    "phone",
)
# The fields a restriction blanks (name and organisation stay for the accounting records).
CONTACT = ("email", "street", "postal_code", "city", "phone")

# What an anonymised customer's name becomes: the same neutral token for everyone.
ANONYMOUS = "***"

# ErasureRecord.action -> the wipe a restore re-applies.
MODE_FOR_ACTION: dict[str, Mode] = {
    "erased": "delete",
    "purged": "delete",
    "retention_deleted": "delete",
    "anonymised": "anonymise",
    "partly_erased": "restrict",
}


def new_pseudonym() -> str:
    """A reference for the tombstone that says nothing about who the person was."""
    return f"H-{secrets.token_hex(5).upper()}"


# Free text on a request that the person or the staff wrote about the person: who they are,
# where the signed original is filed, how their identity was checked, why the deadline was
# extended, why it was decided so. All of it goes; the kind, dates, state and outcome stay.
REQUEST_FREE_TEXT = (
    "subject_name",
    "subject_email",
    "subject_address",
    "original_location",
    "identity_method",
    "extension_reasons",
    "decision_reasons",
)
# A requested item keeps only which field it was about and its decision.
ITEM_FREE_TEXT = ("current_value", "requested_value", "grounds", "reason")


def forget_requests(session: Session, customer_id: int, pseudonym: str, detach: bool) -> None:
    """The person's requests keep only their own record (kinds, dates, states, outcomes): no
    name, address, scans, values or staff's free text about the person."""
    reqs = session.execute(select(Request).where(Request.customer_id == customer_id)).scalars()
    ids = []
    for req in reqs:
        ids.append(req.id)
        for field in REQUEST_FREE_TEXT:
            setattr(req, field, "")
        if pseudonym:
            req.pseudonym = pseudonym
        for item in req.items:
            for field in ITEM_FREE_TEXT:
                setattr(item, field, "")
        for attachment in list(req.attachments):
            req.attachments.remove(attachment)
        if detach:
            req.customer_id = None
    docs = select(Document).where(
        or_(Document.customer_id == customer_id, Document.request_id.in_(ids))
    )
    for doc in session.execute(docs).scalars():
        doc.filename = ""
        if detach:
            doc.customer_id = None


def forget_links(session: Session, customer_id: int) -> None:
    """History values, prohibitions and the link from disclosures go."""
    session.execute(delete(FieldChange).where(FieldChange.customer_id == customer_id))
    session.execute(delete(Objection).where(Objection.customer_id == customer_id))
    for d in session.execute(
        select(Disclosure).where(Disclosure.customer_id == customer_id)
    ).scalars():
        d.customer_id = None
    customer = session.get(Customer, customer_id)
    if customer is not None:
        session.expire(customer, ["objections"])


def drop_orders_past_retention(session: Session, customer_id: int) -> None:
    """Each order keeps its own date: one whose accounting retention has ended (and that no
    invoice holds) goes now; the others stay until theirs ends."""
    held = {n for h in check_legal_holds(session, customer_id) for n in h.order_numbers}
    session.execute(
        delete(Order).where(Order.customer_id == customer_id, Order.number.not_in(held))
    )
    customer = session.get(Customer, customer_id)
    if customer is not None:
        session.expire(customer, ["orders"])


def _restriction_end(session: Session, customer_id: int) -> date | None:
    ends = [h.until for h in check_legal_holds(session, customer_id) if h.until]
    return max(ends) if ends else None


# ``Session.info`` key: the engine whose WAL is checkpointed once the wiping transaction commits.
_WIPED_ON = "wipe.checkpoint_engine"


@event.listens_for(Session, "after_commit")
def _checkpoint_after_wipe(session: Session) -> None:
    """After a commit that wiped someone, no old page version holding their data may stay in
    the WAL (the committed transaction itself wrote the wiped pages there): checkpoint it into
    the file, where ``secure_delete`` has zeroed the freed space, and truncate it."""
    engine = session.info.pop(_WIPED_ON, None)
    if engine is not None:
        checkpoint_wal(engine)


@event.listens_for(Session, "after_rollback")
def _nothing_wiped(session: Session) -> None:
    session.info.pop(_WIPED_ON, None)
    session.info.pop(_KEPT_COPIES, None)


# ``Session.info`` key: the kept replaced databases removed once an erasure commits.
_KEPT_COPIES = "wipe.kept_copies"


@event.listens_for(Session, "after_commit")
def _remove_kept_copies_after_wipe(session: Session) -> None:
    """A restore keeps the database it replaced; an erasure cannot be applied inside that
    encrypted copy, so once the erasure commits the kept copies of this database go (an
    ordinary backup is safe: a restore from it applies the erasure again)."""
    kept = session.info.pop(_KEPT_COPIES, None)
    if kept is not None:
        folder, stem = kept
        remove_kept_copies([folder, backup_folder()], stem)


def _remove_kept_copies_at_commit(session: Session) -> None:
    kept = kept_copy_folders(session)
    if kept is not None and not kept[1].startswith("."):  # not a restore's staged copy
        session.info[_KEPT_COPIES] = kept


def _checkpoint_at_commit(session: Session) -> None:
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        session.info[_WIPED_ON] = bind.engine


def _purge_search_index(session: Session) -> None:
    """SQLite's FTS5 (3.40) marks deleted rows instead of rewriting its segments, so trigram
    pieces of the erased text would linger in the file; merging the index rewrites them away
    (about 2 s on 100,000 customers, once per erasure)."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return
    exists = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE name = 'customers_fts'")
    ).first()
    if exists:
        session.execute(text("INSERT INTO customers_fts(customers_fts) VALUES ('optimize')"))


def wipe_customer(
    session: Session,
    customer_id: int,
    mode: Mode,
    pseudonym: str | None = None,
    until: date | None = None,
) -> list[str]:
    """Remove the customer's personal data as ``mode`` says (see the module text); returns
    the field names wiped, for the audit entry."""
    if mode not in ("delete", "anonymise", "restrict"):
        raise ValueError(f"unknown wipe mode {mode!r}")
    customer = get_customer(session, customer_id)
    session.flush()
    blanked = IDENTIFYING if mode != "restrict" else CONTACT
    wiped = [f for f in blanked if getattr(customer, f)]
    if customer.hetu_encrypted:
        wiped.append("hetu")
    wiped += ["field_changes", "objections", "disclosures.customer", "attachments"]
    forget_requests(session, customer_id, pseudonym or new_pseudonym(), detach=(mode == "delete"))
    forget_links(session, customer_id)
    if mode == "delete":
        session.execute(delete(Order).where(Order.customer_id == customer_id))
        session.expire(customer, ["orders"])
        session.delete(customer)
        session.flush()
        _purge_search_index(session)
        _checkpoint_at_commit(session)
        _remove_kept_copies_at_commit(session)
        return [*wiped, "orders", "customer"]
    if mode == "restrict":
        drop_orders_past_retention(session, customer_id)
        wiped.append("orders_past_retention")
    for field in blanked:
        setattr(customer, field, "")
    customer.hetu_encrypted = None
    customer.hetu_index = None
    if mode == "anonymise":
        customer.first_name = customer.last_name = ANONYMOUS
        customer.search_text = ""
        customer.state = CustomerState.ANONYMISED.value
        customer.restricted_until = None
        wiped.append("state")
    else:
        customer.search_text = build_search_text(customer)
        customer.state = CustomerState.RESTRICTED.value
        customer.restricted_until = until or _restriction_end(session, customer_id)
        wiped += ["state", "restricted_until"]
    session.flush()
    _purge_search_index(session)
    _checkpoint_at_commit(session)
    if mode == "anonymise":
        _remove_kept_copies_at_commit(session)
    return wiped


def is_wiped(session: Session, customer_id: int) -> bool:
    """True when no personal data of the customer remains (a restore's check)."""
    c = session.get(Customer, customer_id)
    return c is None or c.state == CustomerState.ANONYMISED.value
