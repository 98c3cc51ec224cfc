"""Taking in a request: what, when, how, the signed original, identity, and whose it is."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import validation
from core.clock import today
from core.customers.service import FIELDS, find_by_hetu, get_customer, hetu_of
from core.errors import Conflict, ValidationError, ValidationErrors
from core.models import (
    Customer,
    CustomerState,
    ObjectionKind,
    Request,
    RequestAttachment,
    RequestChannel,
    RequestItem,
    RequestKind,
    RequestState,
)
from core.requests.workflow import (
    SIGNATURE_REQUIRED,
    due_date,
    get_request,
    move,
    next_number,
    require_open,
)
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.settings import data_key

# Fields a rectification request may concern (the source of the data is the office's own).
RECTIFIABLE = tuple(f for f in FIELDS if f != "source")
MAX_ATTACHMENT = 20 * 1024 * 1024
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
ENCRYPTED_PREFIX = "enc:"


@dataclass(frozen=True)
class ItemInput:
    """One rectification item as the person wrote it."""

    field: str
    requested_value: str
    grounds: str = ""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes


def media_type_of(content: bytes) -> str:
    """PDF or image, recognised by its first bytes; anything else is refused."""
    for magic, media in _MAGIC:
        if content.startswith(magic):
            return media
    raise ValidationError("attachment", "validation.req_attachment_type")


def register_request(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    received_on: date,
    channel: str,
    language: str = "fi",
    signed_on_file: bool = False,
    original_location: str = "",
    identity_method: str = "",
    subject_name: str = "",
    subject_email: str = "",
    subject_address: str = "",
    customer_id: int | None = None,
    hetu: str = "",
    items: Sequence[ItemInput] = (),
    objection_kinds: Sequence[str] = (),
    attachment: Attachment | None = None,
) -> Request:
    """Register a request. Without the signed request it waits for it (the app offers the
    blank form); with it (or for an objection, which needs none) it goes to processing.

    The customer is matched now when ``customer_id`` is given, or found by hetu + name or by
    email; else later with ``match_customer``. The hetu is used for the lookup only.
    """
    require(actor, Permission.REQUEST_INTAKE)
    errors: list[ValidationError] = []

    def check(fn):  # type: ignore[no-untyped-def]
        try:
            return fn()
        except ValidationErrors as exc:
            errors.extend(exc.errors)
        except ValidationError as exc:
            errors.append(exc)
        return None

    kind = check(lambda: validation.choice("kind", kind, RequestKind)) or kind
    channel = check(lambda: validation.choice("channel", channel, RequestChannel)) or channel
    language = check(lambda: validation.choice("language", language, ("fi", "en"))) or "fi"
    if not isinstance(received_on, date):
        errors.append(ValidationError("received_on", "validation.date_invalid"))
    elif received_on > today():
        errors.append(ValidationError("received_on", "validation.date_in_future"))
    name = check(lambda: validation.text("subject_name", subject_name)) or ""
    email = check(lambda: validation.email(subject_email, field="subject_email")) or ""
    address = (subject_address or "").strip()[:500]
    location = (
        check(lambda: validation.text("original_location", original_location, max_len=300)) or ""
    )
    method = check(lambda: validation.text("identity_method", identity_method, max_len=300)) or ""
    if signed_on_file and not location:
        errors.append(ValidationError("original_location", "validation.req_location_required"))
    if not (name or email or customer_id):
        errors.append(ValidationError("subject_name", "validation.required"))
    if kind == RequestKind.RECTIFICATION.value and not items:
        errors.append(ValidationError("items", "validation.req_items_required"))
    if kind == RequestKind.OBJECTION.value:
        if not objection_kinds:
            errors.append(ValidationError("objections", "validation.req_objections_required"))
        for k in objection_kinds:
            check(lambda k=k: validation.choice("objections", k, ObjectionKind))
    for item in items:
        if item.field not in RECTIFIABLE:
            errors.append(ValidationError("items", "validation.req_item_field"))
    if attachment is not None:
        check(lambda: _check_attachment(attachment))
    if errors:
        raise ValidationErrors(errors)

    req = Request(
        number=next_number(session, received_on.year),
        kind=kind,
        subject_name=name,
        subject_email=email,
        subject_address=address,
        received_on=received_on,
        channel=channel,
        language=language,
        signed_on_file=bool(signed_on_file),
        original_location=location,
        identity_method=method,
        identity_checked_by_id=(actor.user_id or None) if method else None,
        state=RequestState.RECEIVED.value,
        due_on=due_date(received_on),
        created_by=actor.username,
    )
    session.add(req)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # another desk took the same number a moment ago
        raise Conflict("error.conflict_concurrent") from exc
    for kind_value in objection_kinds:
        req.items.append(RequestItem(field=kind_value))
    for item in items:
        req.items.append(
            RequestItem(
                field=item.field,
                grounds=(item.grounds or "").strip(),
                requested_value=(item.requested_value or "").strip(),
            )
        )
    session.flush()
    _protect_hetu_items(session, req)
    if attachment is not None:
        _add_attachment(session, actor, req, attachment)
    audit.record(
        session,
        actor,
        "request.create",
        "request",
        req.id,
        [
            f
            for f, v in (
                ("kind", kind),
                ("channel", channel),
                ("language", language),
                ("subject_name", name),
                ("subject_email", email),
                ("subject_address", address),
                ("original_location", location),
                ("identity_method", method),
                ("items", items or objection_kinds),
            )
            if v
        ],
    )
    target = customer_id
    if target is None:
        found = find_customer(session, name, hetu, email)
        target = found.id if found is not None else None
    if target is not None:
        match_customer(session, actor, req.id, target)
    if req.signed_on_file or req.kind not in SIGNATURE_REQUIRED:
        move(session, actor, req, RequestState.IN_PROGRESS.value)
    else:
        move(session, actor, req, RequestState.AWAITING_SIGNATURE.value)
    return req


def _check_attachment(attachment: Attachment) -> None:
    if not attachment.content:
        raise ValidationError("attachment", "validation.req_attachment_type")
    if len(attachment.content) > MAX_ATTACHMENT:
        raise ValidationError("attachment", "validation.req_attachment_size", max=20)
    media_type_of(attachment.content)


def _add_attachment(
    session: Session, actor: Actor, req: Request, attachment: Attachment
) -> RequestAttachment:
    row = RequestAttachment(
        filename=(attachment.filename or "scan")[-300:],
        media_type=media_type_of(attachment.content),
        content=attachment.content,
        sha256=hashlib.sha256(attachment.content).hexdigest(),
        added_by=actor.username,
    )
    req.attachments.append(row)
    session.flush()
    audit.record(session, actor, "request.attach", "request", req.id, ["attachment"])
    return row


def attach_signature(
    session: Session,
    actor: Actor,
    request_id: int,
    attachment: Attachment | None,
    original_location: str,
) -> Request:
    """The signed request arrived: store its scan and where the original is filed; a request
    waiting for it moves on to processing."""
    require(actor, Permission.REQUEST_INTAKE)
    req = get_request(session, request_id)
    require_open(req)
    location = validation.text("original_location", original_location, max_len=300)
    if not location:
        raise ValidationError("original_location", "validation.req_location_required")
    if attachment is not None:
        _check_attachment(attachment)
        _add_attachment(session, actor, req, attachment)
    req.signed_on_file = True
    req.original_location = location
    audit.record(
        session,
        actor,
        "request.signature",
        "request",
        req.id,
        ["signed_on_file", "original_location"],
    )
    if req.state in (RequestState.AWAITING_SIGNATURE.value, RequestState.RECEIVED.value):
        move(session, actor, req, RequestState.IN_PROGRESS.value)
    return req


def record_identity_check(session: Session, actor: Actor, request_id: int, method: str) -> Request:
    """Who checked the person's identity and how (e.g. "passport", "signature compared")."""
    require(actor, Permission.REQUEST_INTAKE)
    req = get_request(session, request_id)
    require_open(req)
    text = validation.text("identity_method", method, required=True, max_len=300)
    req.identity_method = text
    req.identity_checked_by_id = actor.user_id or None
    audit.record(
        session,
        actor,
        "request.identity",
        "request",
        req.id,
        ["identity_method", "identity_checked_by_id"],
    )
    return req


def find_customer(
    session: Session, name: str = "", hetu: str = "", email: str = ""
) -> Customer | None:
    """The customer a request is about: hetu (blind index) with a matching last name, else
    exactly one customer with the email address."""
    if hetu:
        found = find_by_hetu(session, hetu)
        if found is not None and found.state != CustomerState.ANONYMISED.value:
            words = {w.lower() for w in name.split()}
            if not words or found.last_name.lower() in words:
                return found
    if email:
        rows = (
            session.execute(
                select(Customer)
                .where(
                    func.lower(Customer.email) == email.strip().lower(),
                    Customer.state != CustomerState.ANONYMISED.value,
                )
                .limit(2)
            )
            .scalars()
            .all()
        )
        if len(rows) == 1:
            return rows[0]
    return None


def match_customer(session: Session, actor: Actor, request_id: int, customer_id: int) -> Request:
    """Link the request to the customer it concerns; rectification items get the values
    currently stored."""
    require(actor, Permission.REQUEST_INTAKE)
    req = get_request(session, request_id)
    require_open(req)
    customer = get_customer(session, customer_id)
    if customer.state == CustomerState.ANONYMISED.value:
        raise ValidationError("customer", "validation.customer_anonymised")
    req.customer_id = customer.id
    if req.kind == RequestKind.RECTIFICATION.value:
        for item in req.items:
            if item.decision == "pending":
                item.current_value = current_value(session, customer, item.field)
    audit.record(session, actor, "request.match", "request", req.id, ["customer_id"])
    session.flush()
    return req


def current_value(session: Session, customer: Customer, field: str) -> str:
    """The stored value of a field as a request item shows it (the hetu masked)."""
    if field == "hetu":
        return validation.mask_hetu(hetu_of(session, customer)) if customer.hetu_encrypted else ""
    return str(getattr(customer, field, "") or "")


def _protect_hetu_items(session: Session, req: Request) -> None:
    """A requested hetu is stored encrypted (never in clear), under the item's own id."""
    for item in req.items:
        if (
            item.field == "hetu"
            and item.requested_value
            and not item.requested_value.startswith(ENCRYPTED_PREFIX)
        ):
            clean = validation.hetu(item.requested_value, field="items")
            blob = data_key(session).encrypt(clean, -item.id)
            item.requested_value = ENCRYPTED_PREFIX + blob.hex()


def requested_value(session: Session, item: RequestItem) -> str:
    """The value the person asked for, decrypted for the hetu."""
    value = item.requested_value or ""
    if item.field == "hetu" and value.startswith(ENCRYPTED_PREFIX):
        return data_key(session).decrypt(bytes.fromhex(value[len(ENCRYPTED_PREFIX) :]), -item.id)
    return value


def shown_requested_value(session: Session, item: RequestItem) -> str:
    if item.field == "hetu" and item.requested_value.startswith(ENCRYPTED_PREFIX):
        return validation.mask_hetu(requested_value(session, item))
    return item.requested_value
