"""Certificate of refusal to rectify [S16]: per refused item the change asked and the reason,
and the right to take the matter to the Data Protection Ombudsman (Art. 12(4), Art. 77)."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether

from core.documents import layout as L
from core.documents.data import CorrectedField, Letterhead, RectificationDecisionData
from core.i18n import format_date, t


def field_label(field: str, lang: str) -> str:
    return L.label("field", field, lang)


def change_line(item: CorrectedField, lang: str) -> str:
    empty = t("doc.empty_value", lang)
    old = L.shown_value(item.field, item.old_value) or empty
    new = L.shown_value(item.field, item.new_value) or empty
    return L.esc(t("doc.change_arrow", lang, field=field_label(item.field, lang), old=old, new=new))


def build_refusal_certificate(
    data: RectificationDecisionData, letterhead: Letterhead, lang: str
) -> bytes:
    """The refusal certificate as PDF bytes, signed by ``data.signatory``."""
    letter = L.Letter(
        letterhead,
        lang,
        t("doc.refusal.doc_title", lang),
        addressee=data.addressee,
        reference=data.reference,
        issued_on=data.issued_on,
    )
    empty = t("doc.empty_value", lang)
    story: list[Flowable] = [L.subject(t("doc.refusal.subject", lang))]
    if data.received_on:
        story.append(L.para(t("doc.refusal.intro", lang, date=format_date(data.received_on, lang))))
    else:
        story.append(L.para(t("doc.refusal.intro_nodate", lang)))
    story.append(L.para(t("doc.refusal.statement", lang)))
    story.append(L.para(t("doc.refusal.refused_heading", lang), "h2"))
    for n, item in enumerate(data.refused, start=1):
        pairs = [
            (
                t("doc.refusal.current", lang),
                L.shown_value(item.field, item.current_value) or empty,
            ),
            (
                t("doc.refusal.requested", lang),
                L.shown_value(item.field, item.requested_value) or empty,
            ),
        ]
        if item.grounds:
            pairs.append((t("doc.refusal.grounds", lang), item.grounds))
        pairs.append((t("doc.refusal.reason", lang), item.reason))
        story.append(
            KeepTogether(
                [
                    L.para(f"<b>{n}. {L.esc(field_label(item.field, lang))}</b>", "body"),
                    L.key_value_table(pairs, label_w=42 * L.mm),
                    L.spacer(3),
                ]
            )
        )
    if data.accepted:
        story.append(L.para(t("doc.refusal.accepted_heading", lang), "h2"))
        story.append(L.para(t("doc.refusal.accepted_intro", lang)))
        story.extend(L.bullets(change_line(c, lang) for c in data.accepted))
        story.append(L.para(t("doc.refusal.accepted_notified", lang)))
    story.append(
        KeepTogether([L.para(t("doc.ombudsman.heading", lang), "h2"), *L.ombudsman_block(lang)])
    )
    story.append(L.signature_block(data.signatory, letterhead, lang))
    return letter.build(story)
