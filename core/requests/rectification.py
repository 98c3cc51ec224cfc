"""Rectification [S16]: a manager decides each item; accepted ones are applied with history,
refused ones need a reason (the refusal certificate); the sources and recipients of corrected
data are listed for notification (GDPR Art. 19)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import now
from core.customers.service import (
    RECTIFICATION_SOURCE,
    get_customer,
    history_source_text,
    require_editable,
    update_customer,
)
from core.errors import NotFound, ValidationError
from core.models import (
    Disclosure,
    FieldChange,
    ItemDecision,
    Recipient,
    Request,
    RequestItem,
    RequestKind,
    RequestState,
)
from core.recipients import recipient_row
from core.requests.intake import current_value, requested_value
from core.requests.workflow import (
    complete,
    get_request,
    move,
    require_in_progress,
    required_reason,
)
from core.security import audit
from core.security.permissions import Actor, Permission, require

HISTORY_SOURCE = RECTIFICATION_SOURCE + "{number}"
# History sources that are the office itself, not someone to notify.
_INTERNAL_SOURCES = (
    "source.manual",
    "rectification request ",
    "erasure request ",
    "source.other",
    "demo",
    "erasure.",
)


def history_source(number: str) -> str:
    return HISTORY_SOURCE.format(number=number)


def _item(session: Session, item_id: int) -> RequestItem:
    item = session.get(RequestItem, item_id)
    if item is None:
        raise NotFound("error.req_not_found", id=item_id)
    return item


def decide_rectification(
    session: Session, actor: Actor, item_id: int, accept: bool, reason: str = ""
) -> RequestItem:
    """Accept (apply the change to the customer, history source "rectification request N")
    or refuse (a reason is required: the person reads it on the refusal certificate)."""
    require(actor, Permission.REQUEST_DECIDE)
    item = _item(session, item_id)
    req = item.request
    if req.kind != RequestKind.RECTIFICATION.value:
        raise ValidationError("items", "validation.req_item_field")
    require_in_progress(req)
    if req.customer_id is None:
        raise ValidationError("customer", "validation.req_customer_required")
    if item.decision != ItemDecision.PENDING.value:
        raise ValidationError("items", "validation.req_item_decided")
    text = (reason or "").strip()
    if accept:
        customer = get_customer(session, req.customer_id)
        require_editable(customer, "customer")
        item.current_value = current_value(session, customer, item.field)
        update_customer(
            session,
            actor,
            req.customer_id,
            {item.field: requested_value(session, item)},
            None,
            history_source=history_source(req.number),
            audit_action="customer.rectify",
        )
        item.decision = ItemDecision.ACCEPTED.value
        item.reason = text
    else:
        text = required_reason(text, "reason")
        item.decision = ItemDecision.REFUSED.value
        item.reason = text
    item.decided_by_id = actor.user_id or None
    item.decided_at = now()
    audit.record(
        session, actor, "request.item_decide", "request", req.id, [f"item.{item.field}", "decision"]
    )
    session.flush()
    return item


def finish_rectification(session: Session, actor: Actor, request_id: int) -> Request:
    """Close the request once every item is decided: completed when anything was accepted,
    refused when every item was (the reasons are on the items)."""
    require(actor, Permission.REQUEST_DECIDE)
    req = get_request(session, request_id)
    require_in_progress(req)
    if any(i.decision == ItemDecision.PENDING.value for i in req.items):
        raise ValidationError("items", "validation.req_items_pending")
    accepted = [i for i in req.items if i.decision == ItemDecision.ACCEPTED.value]
    refused = [i for i in req.items if i.decision == ItemDecision.REFUSED.value]
    if accepted:
        complete(session, actor, req, "partly_accepted" if refused else "accepted")
    else:
        from core.requests.workflow import decide

        decide(req, actor, "refused", "\n".join(i.reason for i in refused))
        move(
            session,
            actor,
            req,
            RequestState.REFUSED.value,
            ["decision", "decision_reasons", "decided_by_id"],
        )
    return req


# The office's own sales channels: sources of data, never addressees of a notice.
OWN_CHANNELS = ("source.shop", "source.web_service")


@dataclass(frozen=True)
class NotifyTarget:
    """Someone to tell about a correction (Art. 19): a recipient the data was disclosed to,
    or a source the incorrect data came from. ``recipient_id`` is its register entry; a
    target without one gets no notice, and ``not_addressed`` says why: ``own_channel`` (the
    office's own sales channel) or ``no_entry`` (a source known only by its kind)."""

    relation: str  # "recipient" | "source"
    name: str
    address: str  # the register entry's address lines
    disclosed_on: date | None
    fields: tuple[str, ...]
    recipient_id: int | None = None
    not_addressed: str = ""

    def label(self, lang: str | None = None) -> str:
        if self.recipient_id is None:
            return history_source_text(self.name, lang)
        return self.name


def _is_internal(source: str) -> bool:
    return not source or any(source.startswith(p) for p in _INTERNAL_SOURCES)


def _entry_target(
    relation: str, entry: Recipient, on: date | None, fields: tuple[str, ...]
) -> NotifyTarget:
    return NotifyTarget(
        relation, entry.name, recipient_row(entry).address_text, on, fields, entry.id
    )


def notification_targets(session: Session, actor: Actor, request_id: int) -> list[NotifyTarget]:
    """Recipients (disclosures of the customer that included a corrected field) and sources
    (where the history says the corrected field came from) for the accepted items. Each
    register entry appears once; the office's own channels and sources without a register
    entry are listed with the reason they get no notice."""
    require(actor, Permission.REQUEST_INTAKE)
    req = get_request(session, request_id)
    fields = tuple(i.field for i in req.items if i.decision == ItemDecision.ACCEPTED.value)
    if not fields or req.customer_id is None:
        return []
    targets: list[NotifyTarget] = []
    seen: set[tuple[str, object]] = set()
    for d in session.execute(
        select(Disclosure)
        .where(Disclosure.customer_id == req.customer_id)
        .order_by(Disclosure.disclosed_on, Disclosure.id)
    ).scalars():
        given = tuple(f.strip() for f in d.data_fields.split(",") if f.strip())
        hit = tuple(f for f in fields if not given or f in given)
        seen_as = ("recipient", d.recipient_id or d.recipient)
        if not hit or seen_as in seen:
            continue
        seen.add(seen_as)
        entry = session.get(Recipient, d.recipient_id) if d.recipient_id else None
        if entry is not None:
            targets.append(_entry_target("recipient", entry, d.disclosed_on, hit))
        else:
            targets.append(
                NotifyTarget(
                    "recipient",
                    d.recipient,
                    d.recipient_address,
                    d.disclosed_on,
                    hit,
                    not_addressed="no_entry",
                )
            )
    changes = session.execute(
        select(FieldChange)
        .where(FieldChange.customer_id == req.customer_id, FieldChange.field.in_([*fields, "*"]))
        .order_by(FieldChange.changed_at, FieldChange.id)
    ).scalars()
    by_source: dict[tuple[int | None, str], list[str]] = {}
    for change in changes:
        if _is_internal(change.source):
            continue
        wanted = tuple(fields) if change.field == "*" else (change.field,)
        source_key = (
            change.source_recipient_id,
            "" if change.source_recipient_id else change.source,
        )
        bucket = by_source.setdefault(source_key, [])
        bucket.extend(f for f in wanted if f not in bucket)
    for (entry_id, source), named in by_source.items():
        entry = session.get(Recipient, entry_id) if entry_id else None
        if entry is not None:
            targets.append(_entry_target("source", entry, None, tuple(named)))
        else:
            reason = "own_channel" if source in OWN_CHANNELS else "no_entry"
            targets.append(
                NotifyTarget("source", source, "", None, tuple(named), not_addressed=reason)
            )
    return targets
