"""Notice of rectified data to a source the data came from or a recipient it was disclosed to
[S16] (GDPR Art. 19). Names the person but never prints the hetu: a corrected hetu is one
item, "Henkilötunnus: korjattu", with neither the old nor the new code."""

from __future__ import annotations

from reportlab.platypus import Flowable

from core.documents import layout as L
from core.documents.data import CorrectionNoticeData, Letterhead
from core.i18n import format_date, t

mm = L.mm


def build_correction_notice(data: CorrectionNoticeData, letterhead: Letterhead, lang: str) -> bytes:
    """The Art. 19 notice listing each corrected field with its old and new value (the hetu
    only as corrected)."""
    letter = L.Letter(
        letterhead,
        lang,
        t("doc.correction.doc_title", lang),
        addressee=data.recipient,
        reference=data.reference,
        issued_on=data.issued_on,
    )
    name = L.esc(data.subject_name)
    if data.relation == "source":
        intro = t("doc.correction.intro_source", lang, name=name)
    elif data.disclosed_on:
        intro = t(
            "doc.correction.intro_recipient",
            lang,
            name=name,
            date=format_date(data.disclosed_on, lang),
        )
    else:
        intro = t("doc.correction.intro_recipient_nodate", lang, name=name)
    empty = t("doc.empty_value", lang)
    rows = [
        (L.label("field", c.field, lang), t("doc.correction.hetu_corrected", lang), "")
        if c.field == "hetu"
        else (
            L.label("field", c.field, lang),
            L.shown_value(c.field, c.old_value) or empty,
            L.shown_value(c.field, c.new_value) or empty,
        )
        for c in data.corrected
    ]
    header = [t(f"doc.correction.col_{c}", lang) for c in ("field", "old", "new")]
    story: list[Flowable] = [
        L.subject(t("doc.correction.subject", lang)),
        L.para(intro),
        L.data_table(header, rows, [36 * mm, 54 * mm, 54 * mm]),
        L.spacer(4),
        L.para(t("doc.correction.ask", lang)),
        L.para(t("doc.correction.no_hetu", lang)),
        L.signature_block(data.signatory, letterhead, lang),
    ]
    return letter.build(story)
