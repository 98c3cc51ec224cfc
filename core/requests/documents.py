"""The documents of a request: assembles the builders' input data from the database, calls
the builders of ``core.documents`` and records every document produced (kind, language, who,
when, SHA-256). File names carry the request number, never the person's name."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from core.clock import today
from core.customers.service import get_customer
from core.documents.access_report import build_access_json, build_access_report
from core.documents.correction_notice import build_correction_notice
from core.documents.data import (
    Addressee,
    CorrectedField,
    CorrectionNoticeData,
    ErasureDecisionData,
    ExtensionNoticeData,
    FormData,
    RectificationDecisionData,
    RefusalDecisionData,
    RefusalItem,
)
from core.documents.erasure_decision import build_erasure_decision
from core.documents.erasure_notice import build_erasure_notice
from core.documents.extension_notice import build_extension_notice
from core.documents.forms import build_form
from core.documents.objection_confirmation import build_objection_confirmation
from core.documents.refusal_certificate import build_refusal_certificate
from core.documents.refusal_decision import build_refusal_decision
from core.documents.registry import record_document
from core.errors import ValidationError
from core.i18n import t
from core.legal_holds import check_legal_holds
from core.models import ItemDecision, Request, RequestKind, RequestState
from core.recipients import get_recipient, require_addresses
from core.requests.access import collect_access_data
from core.requests.erasure import (
    ErasureOutcome,
    addressee_from_text,
    addressee_of,
    addressee_of_recipient,
    letterhead,
    signatory_of,
)
from core.requests.intake import shown_requested_value
from core.requests.objection import objection_confirmation_data
from core.requests.rectification import NotifyTarget, notification_targets
from core.requests.workflow import UNIDENTIFIED, get_request
from core.security.permissions import Actor, Permission, require


@dataclass(frozen=True)
class Produced:
    kind: str  # registry kind
    filename: str
    content: bytes
    media_type: str = "application/pdf"


def _lang(req: Request, lang: str | None) -> str:
    return lang or req.language or "fi"


def _record(
    session: Session,
    actor: Actor,
    req: Request,
    kind: str,
    lang: str,
    content: bytes,
    suffix: str = "",
    ext: str = "pdf",
) -> Produced:
    filename = f"{req.number}_{t(f'doc.file.{kind}')}{suffix}.{ext}"
    record_document(
        session,
        actor.username,
        kind,
        lang,
        content,
        request_id=req.id,
        customer_id=req.customer_id,
        filename=filename,
    )
    return Produced(
        kind, filename, content, "application/json" if ext == "json" else "application/pdf"
    )


def produce_access_report(
    session: Session, actor: Actor, request_id: int, lang: str | None = None
) -> Produced:
    req = get_request(session, request_id)
    language = _lang(req, lang)
    data = collect_access_data(session, actor, request_id)
    pdf = build_access_report(data, letterhead(session), language)
    return _record(session, actor, req, "access_report", language, pdf)


def produce_access_json(
    session: Session, actor: Actor, request_id: int, lang: str | None = None
) -> Produced:
    """The same data machine-readable (data portability)."""
    req = get_request(session, request_id)
    language = _lang(req, lang)
    data = collect_access_data(session, actor, request_id)
    content = build_access_json(data, language)
    return _record(session, actor, req, "access_json", language, content, ext="json")


def form_data(session: Session, actor: Actor, request_id: int) -> FormData:
    """The blank signed-request form, prefilled with what is known."""
    require(actor, Permission.BLANK_FORMS)
    req = get_request(session, request_id)
    kind = "erasure" if req.kind == RequestKind.ANONYMISATION.value else req.kind
    if req.customer_id is not None:
        c = get_customer(session, req.customer_id)
        return FormData(kind, addressee_of(c), c.email, "", req.number)
    person = Addressee(req.subject_name) if req.subject_name else None
    return FormData(kind, person, req.subject_email, "", req.number)


def produce_form(
    session: Session, actor: Actor, request_id: int, lang: str | None = None
) -> Produced:
    req = get_request(session, request_id)
    language = _lang(req, lang)
    data = form_data(session, actor, request_id)
    pdf = build_form(data, letterhead(session), language)
    return _record(session, actor, req, f"form_{data.kind}", language, pdf)


def refusal_certificate_data(
    session: Session, actor: Actor, request_id: int
) -> RectificationDecisionData:
    require(actor, Permission.LETTERS)
    req = get_request(session, request_id)
    if req.customer_id is None:
        raise ValidationError("customer", "validation.req_customer_required")
    refused = tuple(
        RefusalItem(
            i.field, i.current_value, shown_requested_value(session, i), i.grounds, i.reason
        )
        for i in req.items
        if i.decision == ItemDecision.REFUSED.value
    )
    if not refused:
        raise ValidationError("items", "validation.req_nothing_refused")
    accepted = tuple(
        CorrectedField(i.field, i.current_value, shown_requested_value(session, i))
        for i in req.items
        if i.decision == ItemDecision.ACCEPTED.value
    )
    return RectificationDecisionData(
        addressee=addressee_of(get_customer(session, req.customer_id)),
        signatory=signatory_of(actor),
        reference=req.number,
        received_on=req.received_on,
        issued_on=today(),
        refused=refused,
        accepted=accepted,
    )


def produce_refusal_certificate(
    session: Session, actor: Actor, request_id: int, lang: str | None = None
) -> Produced:
    req = get_request(session, request_id)
    language = _lang(req, lang)
    pdf = build_refusal_certificate(
        refusal_certificate_data(session, actor, request_id), letterhead(session), language
    )
    return _record(session, actor, req, "refusal_certificate", language, pdf)


# The Art. 17(3) point (and the Act behind it) of each legal hold that keeps data from erasure.
_HOLD_GROUNDS: dict[str, tuple[str, ...]] = {
    "open_invoice": ("art17_3_e",),
    "in_collection": ("art17_3_e",),
    "accounting_retention": ("art17_3_b", "kpl_2_10"),
}


def refusal_decision_data(session: Session, actor: Actor, request_id: int) -> RefusalDecisionData:
    """The decision letter of a refused request of any kind, or of one closed because the
    person could not be identified (Art. 12(4)): the manager's reasons and, for an erasure or
    anonymisation, the Art. 17(3) ground of each hold still on the person's data."""
    require(actor, Permission.LETTERS)
    req = get_request(session, request_id)
    unidentified = req.state == RequestState.WITHDRAWN.value and req.decision == UNIDENTIFIED
    if req.state != RequestState.REFUSED.value and not unidentified:
        raise ValidationError("state", "validation.req_not_refused")
    grounds: list[str] = ["art11_2"] if unidentified else []
    if req.customer_id is not None:
        customer = get_customer(session, req.customer_id)
        addressee = addressee_of(customer)
        if req.kind in (RequestKind.ERASURE.value, RequestKind.ANONYMISATION.value):
            for hold in check_legal_holds(session, customer.id, req.language):
                grounds.extend(_HOLD_GROUNDS.get(hold.kind, ()))
    else:
        addressee = addressee_from_text(req.subject_name, req.subject_address)
    return RefusalDecisionData(
        addressee=addressee,
        signatory=signatory_of(actor),
        request_kind=req.kind,
        reasons=req.decision_reasons,
        grounds=tuple(dict.fromkeys(grounds)),
        unidentified=unidentified,
        reference=req.number,
        received_on=req.received_on,
        issued_on=today(),
    )


def produce_refusal_decision(
    session: Session, actor: Actor, request_id: int, lang: str | None = None
) -> Produced:
    req = get_request(session, request_id)
    language = _lang(req, lang)
    pdf = build_refusal_decision(
        refusal_decision_data(session, actor, request_id), letterhead(session), language
    )
    return _record(session, actor, req, "refusal_decision", language, pdf)


def correction_notice_data(
    session: Session, actor: Actor, request_id: int, target: NotifyTarget, lang: str | None = None
) -> CorrectionNoticeData:
    require(actor, Permission.LETTERS)
    req = get_request(session, request_id)
    if req.customer_id is None:
        raise ValidationError("customer", "validation.req_customer_required")
    customer = get_customer(session, req.customer_id)
    # A corrected hetu is named, never printed (not even masked): the notice says only that
    # it was corrected.
    corrected = tuple(
        CorrectedField(i.field, "", "")
        if i.field == "hetu"
        else CorrectedField(i.field, i.current_value, shown_requested_value(session, i))
        for i in req.items
        if i.decision == ItemDecision.ACCEPTED.value and i.field in target.fields
    )
    if target.recipient_id is None:
        raise ValidationError("recipient", "validation.required")
    return CorrectionNoticeData(
        recipient=addressee_of_recipient(get_recipient(session, target.recipient_id)),
        signatory=signatory_of(actor),
        subject_name=f"{customer.first_name} {customer.last_name}".strip(),
        corrected=corrected,
        relation=target.relation,
        disclosed_on=target.disclosed_on,
        reference=req.number,
        issued_on=today(),
    )


def produce_correction_notices(
    session: Session, actor: Actor, request_id: int, lang: str | None = None
) -> list[Produced]:
    """One notice per recipient and source of the corrected data (Art. 19) that is an entry of
    the recipient register; the office's own channels and sources known only by their kind get
    none. Every addressee's postal address is checked before the first notice is made: one
    incomplete entry refuses them all (``RecipientIncomplete`` names it and what it lacks)."""
    require(actor, Permission.LETTERS)
    req = get_request(session, request_id)
    language = _lang(req, lang)
    addressed = [
        target
        for target in notification_targets(session, actor, request_id)
        if target.recipient_id is not None
    ]
    require_addresses(
        get_recipient(session, target.recipient_id) for target in addressed if target.recipient_id
    )
    out = []
    for n, target in enumerate(addressed, start=1):
        data = correction_notice_data(session, actor, request_id, target, language)
        if not data.corrected:
            continue
        pdf = build_correction_notice(data, letterhead(session), language)
        out.append(_record(session, actor, req, "correction_notice", language, pdf, suffix=f"_{n}"))
    return out


def produce_objection_confirmation(
    session: Session, actor: Actor, request_id: int, lang: str | None = None
) -> Produced:
    req = get_request(session, request_id)
    language = _lang(req, lang)
    pdf = build_objection_confirmation(
        objection_confirmation_data(session, actor, request_id), letterhead(session), language
    )
    return _record(session, actor, req, "objection_confirmation", language, pdf)


def produce_erasure_decision(
    session: Session,
    actor: Actor,
    request_id: int,
    data: ErasureDecisionData,
    lang: str | None = None,
) -> Produced:
    """The decision letter from the data ``erase``/``anonymise`` returned (built before the
    person's data went, so it can still be addressed)."""
    require(actor, Permission.LETTERS)
    req = get_request(session, request_id)
    language = _lang(req, lang)
    pdf = build_erasure_decision(data, letterhead(session), language)
    return _record(session, actor, req, "erasure_decision", language, pdf)


def produce_erasure_letters(
    session: Session,
    actor: Actor,
    request_id: int,
    outcome: ErasureOutcome,
    lang: str | None = None,
) -> list[Produced]:
    """The Art. 19 erasure notice to each recipient (each recorded as a document), then the
    decision letter to the person, which lists the notices actually produced."""
    require(actor, Permission.LETTERS)
    req = get_request(session, request_id)
    language = _lang(req, lang)
    produced: list[Produced] = []
    for n, notice in enumerate(outcome.notices, start=1):
        pdf = build_erasure_notice(notice, letterhead(session), language)
        produced.append(
            _record(session, actor, req, "erasure_notice", language, pdf, suffix=f"_{n}")
        )
    data = replace(
        outcome.decision, recipients_notified=tuple(n.recipient.name for n in outcome.notices)
    )
    return [produce_erasure_decision(session, actor, request_id, data, language), *produced]


def extension_notice_data(session: Session, actor: Actor, request_id: int) -> ExtensionNoticeData:
    require(actor, Permission.LETTERS)
    req = get_request(session, request_id)
    if req.extended_due_on is None:
        raise ValidationError("extended_due_on", "validation.req_not_extended")
    if req.customer_id is not None:
        addressee = addressee_of(get_customer(session, req.customer_id))
    else:
        addressee = addressee_from_text(req.subject_name, req.subject_address)
    return ExtensionNoticeData(
        addressee=addressee,
        signatory=signatory_of(actor),
        request_kind=req.kind,
        received_on=req.received_on,
        original_due_on=req.due_on,
        new_due_on=req.extended_due_on,
        reasons=req.extension_reasons,
        reference=req.number,
        issued_on=today(),
    )


def produce_extension_notice(
    session: Session, actor: Actor, request_id: int, lang: str | None = None
) -> Produced:
    req = get_request(session, request_id)
    language = _lang(req, lang)
    pdf = build_extension_notice(
        extension_notice_data(session, actor, request_id), letterhead(session), language
    )
    return _record(session, actor, req, "extension_notice", language, pdf)


def document_label(kind: str, lang: str | None = None) -> str:
    return t(f"doc.kind.{kind}", lang)
