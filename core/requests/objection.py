"""Objection [S6][S15][S17]: the prohibitions take effect at once; mailing lists and labels
honour them always."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.clock import today
from core.customers.service import add_objections, get_customer
from core.documents.data import LabelEntry, ObjectionConfirmationData
from core.errors import ValidationError
from core.models import Request, RequestKind
from core.requests.erasure import addressee_of, signatory_of
from core.requests.workflow import complete, get_request, require_in_progress
from core.security.permissions import Actor, Permission, require


# Prohibitions that keep a customer off address labels and mailing lists [S6].
def apply_objection(session: Session, actor: Actor, request_id: int) -> list[str]:
    """Set every prohibition the request names (others stay) and complete the request.
    Customer service may do this: it is the person's own choice, no decision to make."""
    require(actor, Permission.REQUEST_INTAKE)
    req = get_request(session, request_id)
    if req.kind != RequestKind.OBJECTION.value:
        raise ValidationError("kind", "validation.invalid_choice")
    require_in_progress(req)
    if req.customer_id is None:
        raise ValidationError("customer", "validation.req_customer_required")
    kinds = [i.field for i in req.items]
    changed = add_objections(session, actor, req.customer_id, kinds, req.id)
    for item in req.items:
        item.decision = "accepted"
        item.decided_by_id = actor.user_id or None
    complete(session, actor, req, "completed")
    return changed


def objection_confirmation_data(
    session: Session, actor: Actor, request_id: int
) -> ObjectionConfirmationData:
    require(actor, Permission.LETTERS)
    req: Request = get_request(session, request_id)
    if req.customer_id is None:
        raise ValidationError("customer", "validation.req_customer_required")
    customer = get_customer(session, req.customer_id)
    set_here = [o for o in customer.objections if o.request_id == req.id]
    asked = tuple(i.field for i in req.items)
    set_on = min((o.set_on for o in set_here), default=today())
    return ObjectionConfirmationData(
        addressee=addressee_of(customer),
        signatory=signatory_of(actor),
        set_kinds=asked,
        set_on=set_on,
        active_kinds=tuple(sorted(o.kind for o in customer.objections)),
        reference=req.number,
        received_on=req.received_on,
        issued_on=today(),
    )


def mailing_candidates(session: Session, actor: Actor) -> list[LabelEntry]:
    """Who may get direct mail or appear on labels [S6] (the rule lives in core.transfer.mailing)."""
    from core.transfer import mailing

    return list(mailing.mailing_candidates(session, actor).entries)
