"""Data-subject requests (DESIGN.md section 3): intake, workflow, and the five kinds.

The public functions are re-exported here; ``core.requests.documents`` produces the letters.
"""

from __future__ import annotations

from core.legal_holds import LegalHoldInfo, check_legal_holds
from core.requests.access import collect_access_data, finish_access
from core.requests.anonymisation import anonymise
from core.requests.erasure import (
    ErasureOutcome,
    erase,
    lift_restriction,
    purge_expired_restrictions,
)
from core.requests.intake import (
    RECTIFIABLE,
    Attachment,
    ItemInput,
    attach_signature,
    find_customer,
    match_customer,
    record_identity_check,
    register_request,
)
from core.requests.objection import apply_objection, mailing_candidates
from core.requests.queries import (
    RequestDetail,
    RequestRow,
    count_requests_due_within,
    list_requests,
    overdue_requests,
    request_detail,
    requests_due_within,
)
from core.requests.rectification import (
    NotifyTarget,
    decide_rectification,
    finish_rectification,
    notification_targets,
)
from core.requests.workflow import (
    FINAL_STATES,
    OPEN_STATES,
    SIGNATURE_REQUIRED,
    TRANSITIONS,
    due_date,
    extend_deadline,
    kind_label,
    refuse_request,
    required_reason,
    start_processing,
    state_label,
    withdraw_request,
)

__all__ = [
    "FINAL_STATES",
    "OPEN_STATES",
    "RECTIFIABLE",
    "SIGNATURE_REQUIRED",
    "TRANSITIONS",
    "Attachment",
    "ErasureOutcome",
    "ItemInput",
    "LegalHoldInfo",
    "NotifyTarget",
    "RequestDetail",
    "RequestRow",
    "anonymise",
    "apply_objection",
    "attach_signature",
    "check_legal_holds",
    "collect_access_data",
    "decide_rectification",
    "due_date",
    "erase",
    "extend_deadline",
    "find_customer",
    "finish_access",
    "finish_rectification",
    "kind_label",
    "list_requests",
    "mailing_candidates",
    "match_customer",
    "notification_targets",
    "count_requests_due_within",
    "overdue_requests",
    "lift_restriction",
    "purge_expired_restrictions",
    "record_identity_check",
    "refuse_request",
    "required_reason",
    "register_request",
    "request_detail",
    "requests_due_within",
    "start_processing",
    "state_label",
    "withdraw_request",
]
