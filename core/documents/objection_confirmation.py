"""Confirmation that the person's prohibitions are recorded [S6][S15][S17]."""

from __future__ import annotations

from reportlab.platypus import Flowable

from core.documents import layout as L
from core.documents.data import Letterhead, ObjectionConfirmationData
from core.i18n import format_date, t


def build_objection_confirmation(
    data: ObjectionConfirmationData, letterhead: Letterhead, lang: str
) -> bytes:
    """Lists the prohibitions set by the request and, if more, all now in effect."""
    letter = L.Letter(
        letterhead,
        lang,
        t("doc.objection_conf.doc_title", lang),
        addressee=data.addressee,
        reference=data.reference,
        issued_on=data.issued_on,
    )
    set_on = format_date(data.set_on, lang)
    if data.received_on:
        intro = t(
            "doc.objection_conf.intro",
            lang,
            set_on=set_on,
            date=format_date(data.received_on, lang),
        )
    else:
        intro = t("doc.objection_conf.intro_nodate", lang, set_on=set_on)
    story: list[Flowable] = [L.subject(t("doc.objection_conf.subject", lang)), L.para(intro)]
    story += L.bullets(L.esc(L.label("objection", k, lang)) for k in data.set_kinds)
    story.append(L.spacer(2))
    if set(data.active_kinds) - set(data.set_kinds):
        story.append(L.para(t("doc.objection_conf.all_active", lang)))
        story += L.bullets(L.esc(L.label("objection", k, lang)) for k in data.active_kinds)
        story.append(L.spacer(2))
    story += [
        L.para(t("doc.objection_conf.effect", lang)),
        L.para(t("doc.objection_conf.cancel", lang)),
        L.signature_block(data.signatory, letterhead, lang),
    ]
    return letter.build(story)
