"""Decision on an erasure or anonymisation request [S11][S17]: erased, partly erased (what is
kept, why and until when) or refused (with the reason, Art. 12(4)); recipients notified. An
erasure carried out says which minimal suppression record is kept, and why."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether

from core.documents import layout as L
from core.documents.data import ERASURE_OUTCOMES, ErasureDecisionData, Letterhead
from core.i18n import format_date, t


def build_erasure_decision(data: ErasureDecisionData, letterhead: Letterhead, lang: str) -> bytes:
    """The decision letter for ``data.outcome`` (erased | partly | refused)."""
    if data.outcome not in ERASURE_OUTCOMES:
        raise ValueError(f"unknown erasure outcome {data.outcome!r}")
    kind = "anonymisation" if data.request_kind == "anonymisation" else "erasure"
    letter = L.Letter(
        letterhead,
        lang,
        t("doc.erasure.doc_title", lang),
        addressee=data.addressee,
        reference=data.reference,
        issued_on=data.issued_on,
    )
    if data.received_on:
        intro = t(f"doc.erasure.intro.{kind}", lang, date=format_date(data.received_on, lang))
    else:
        intro = t(f"doc.erasure.intro_nodate.{kind}", lang)
    story: list[Flowable] = [
        L.subject(t(f"doc.erasure.subject.{kind}", lang)),
        L.para(intro),
        L.para(t("doc.erasure.h.decision", lang), "h2"),
    ]
    if data.outcome == "erased":
        story.append(L.para(t(f"doc.erasure.erased.{kind}", lang)))
    elif data.outcome == "partly":
        story.append(L.para(t("doc.erasure.partly", lang)))
        story += L.bullets(L.esc(k) for k in data.kept)
        story.append(L.spacer(2))
        if data.reasons:
            story.append(L.para(f"<b>{t('doc.erasure.partly_reason', lang)}</b>"))
            story += L.paras(data.reasons)
        if data.retention_until:
            story.append(
                L.para(
                    t(
                        "doc.erasure.partly_until",
                        lang,
                        date=format_date(data.retention_until, lang),
                    )
                )
            )
    else:
        story.append(L.para(t("doc.erasure.refused", lang)))
        story += L.paras(data.reasons)
        story.append(L.para(t("doc.erasure.refused_marketing", lang)))
    if data.outcome != "refused":
        story.append(L.para(t("doc.erasure.suppression", lang)))
    if data.recipients_notified:
        story.append(
            KeepTogether(
                [
                    L.para(t("doc.erasure.notified", lang)),
                    *L.bullets(L.esc(r) for r in data.recipients_notified),
                    L.spacer(2),
                ]
            )
        )
    if data.outcome != "erased":
        story.append(
            KeepTogether([L.para(t("doc.ombudsman.heading", lang), "h2"), *L.ombudsman_block(lang)])
        )
    story.append(L.signature_block(data.signatory, letterhead, lang))
    return letter.build(story)
