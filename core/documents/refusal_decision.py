"""Decision letter of a refused request of any kind (GDPR Art. 12(4)), or of one closed
because the person could not be identified (Art. 11(2), 12(2)): the reasons, the legal ground
where there is one, the right to complain to the Data Protection Ombudsman (Art. 77) and the
right to take the matter to court (Art. 79)."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether

from core.documents import layout as L
from core.documents.data import REFUSAL_GROUNDS, Letterhead, RefusalDecisionData
from core.i18n import format_date, t


def build_refusal_decision(data: RefusalDecisionData, letterhead: Letterhead, lang: str) -> bytes:
    """The decision letter as PDF bytes, signed by ``data.signatory``."""
    unknown = set(data.grounds) - set(REFUSAL_GROUNDS)
    if unknown:
        raise ValueError(f"unknown refusal ground {sorted(unknown)!r}")
    letter = L.Letter(
        letterhead,
        lang,
        t("doc.decision.doc_title", lang),
        addressee=data.addressee,
        reference=data.reference,
        issued_on=data.issued_on,
    )
    story: list[Flowable] = [L.subject(t(f"doc.decision.subject.{data.request_kind}", lang))]
    if data.received_on:
        story.append(
            L.para(t("doc.decision.intro", lang, date=format_date(data.received_on, lang)))
        )
    else:
        story.append(L.para(t("doc.decision.intro_nodate", lang)))
    story.append(L.para(t("doc.erasure.h.decision", lang), "h2"))
    if data.unidentified:
        story.append(L.para(t("doc.decision.unidentified", lang)))
        if data.reasons:
            story += L.paras(data.reasons)
    else:
        story.append(L.para(t("doc.decision.refused", lang)))
        story += L.paras(data.reasons)
    if data.grounds:
        story.append(
            KeepTogether(
                [
                    L.para(t("doc.decision.grounds_heading", lang), "h2"),
                    *L.bullets(t(f"doc.decision.ground.{g}", lang) for g in data.grounds),
                    L.spacer(2),
                ]
            )
        )
    if data.request_kind in ("erasure", "anonymisation") and not data.unidentified:
        story.append(L.para(t("doc.erasure.refused_marketing", lang)))
    story.append(
        KeepTogether([L.para(t("doc.ombudsman.heading", lang), "h2"), *L.ombudsman_block(lang)])
    )
    story.append(L.signature_block(data.signatory, letterhead, lang))
    return letter.build(story)
