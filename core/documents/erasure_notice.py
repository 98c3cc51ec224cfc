"""Notice to a recipient of a disclosure that the person's data were erased (GDPR Art. 19).

Names the person and the data items that were disclosed, never their values: the recipient
learns only what it needs to find the person in its own records."""

from __future__ import annotations

from reportlab.platypus import Flowable

from core.documents import layout as L
from core.documents.data import ErasureNoticeData, Letterhead
from core.i18n import format_date, t


def build_erasure_notice(data: ErasureNoticeData, letterhead: Letterhead, lang: str) -> bytes:
    """The notice as PDF bytes, signed by ``data.signatory``."""
    letter = L.Letter(
        letterhead,
        lang,
        t("doc.correction.doc_title", lang),
        addressee=data.recipient,
        reference=data.reference,
        issued_on=data.issued_on,
    )
    name = L.esc(data.subject_name)
    if data.disclosed_on:
        intro = t(
            "doc.erasure_notice.intro",
            lang,
            name=name,
            date=format_date(data.disclosed_on, lang),
        )
    else:
        intro = t("doc.erasure_notice.intro_nodate", lang, name=name)
    story: list[Flowable] = [
        L.subject(t("doc.erasure_notice.subject", lang)),
        L.para(intro),
        L.para(t("doc.erasure_notice.fields", lang)),
        *L.bullets(L.esc(L.label("field", f, lang)) for f in data.data_fields),
        L.spacer(2),
    ]
    if data.outcome == "partly" and data.retention_until:
        until = format_date(data.retention_until, lang)
        story.append(L.para(t("doc.erasure_notice.partly", lang, date=until)))
    else:
        story.append(L.para(t("doc.erasure_notice.erased", lang)))
    story += [
        L.para(t("doc.erasure_notice.ask", lang)),
        L.para(t("doc.correction.no_hetu", lang)),
        L.signature_block(data.signatory, letterhead, lang),
    ]
    return letter.build(story)
