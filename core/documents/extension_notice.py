"""Notice that the time limit of a request is extended (GDPR Art. 12(3)): new due date and
the reasons, sent within the first month."""

from __future__ import annotations

from reportlab.platypus import Flowable

from core.documents import layout as L
from core.documents.data import ExtensionNoticeData, Letterhead
from core.i18n import format_date, t


def build_extension_notice(data: ExtensionNoticeData, letterhead: Letterhead, lang: str) -> bytes:
    letter = L.Letter(
        letterhead,
        lang,
        t("doc.extension.doc_title", lang),
        addressee=data.addressee,
        reference=data.reference,
        issued_on=data.issued_on,
    )
    kind = L.label("request_kind", data.request_kind, lang)
    story: list[Flowable] = [
        L.subject(t("doc.extension.subject", lang)),
        L.para(
            t(
                "doc.extension.intro",
                lang,
                received=format_date(data.received_on, lang),
                kind=L.esc(kind),
                due=format_date(data.original_due_on, lang),
            )
        ),
        L.para(t("doc.extension.new_due", lang, date=format_date(data.new_due_on, lang))),
        L.para(f"<b>{t('doc.extension.reasons', lang)}</b>"),
        *L.paras(data.reasons),
        L.para(t("doc.extension.apology", lang)),
        L.signature_block(data.signatory, letterhead, lang),
    ]
    return letter.build(story)
