"""The data key recovery sheet: printed at first run and kept in the locked, fire-safe
storage of [S12]; a new desk or a restored backup asks for the key on it."""

from __future__ import annotations

import re

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from core.documents import layout as L
from core.documents.data import Letterhead, RecoverySheetData
from core.i18n import format_date, t

mm = L.mm
KEY_STYLE = L.ParagraphStyle("key", fontName=L.FONT_MONO, fontSize=17, leading=26)


def key_groups(key: str, size: int = 4) -> list[str]:
    """The key in groups: as separated by dashes or spaces, else cut into ``size`` chars."""
    parts = [p for p in re.split(r"[\s\-]+", key.strip()) if p]
    if len(parts) > 1:
        return parts
    text = parts[0] if parts else ""
    return [text[i : i + size] for i in range(0, len(text), size)]


def _key_box(key: str) -> Table:
    groups = key_groups(key)
    per_line = 5 if len(groups) > 12 else 4
    lines = ["  ".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line)]
    para = Paragraph("<br/>".join(L.esc(line) for line in lines), KEY_STYLE)
    table = Table([[para]], colWidths=[L.TEXT_W], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 10 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5 * mm),
            ]
        )
    )
    return table


def build_recovery_sheet(data: RecoverySheetData, letterhead: Letterhead, lang: str) -> bytes:
    # Printed at set-up, before the rest of the letterhead may be known: the name suffices.
    letter = L.Letter(
        letterhead,
        lang,
        t("doc.recovery.doc_title", lang),
        issued_on=data.created_on,
        required=("company_name",),
    )
    info = [
        (t("doc.recovery.company", lang), data.company_name),
        (t("doc.recovery.install_id", lang), data.install_id),
        (t("doc.recovery.created_on", lang), format_date(data.created_on, lang)),
    ]
    if data.created_by:
        info.append((t("doc.recovery.created_by", lang), data.created_by))
    log = Table(
        [
            [
                Paragraph(L.esc(t("doc.recovery.storage_place", lang)), L.STYLES["small"]),
                Paragraph(L.esc(t("doc.recovery.stored_by", lang)), L.STYLES["small"]),
            ]
        ],
        colWidths=[L.TEXT_W / 2, L.TEXT_W / 2],
        rowHeights=[14 * mm],
        hAlign="LEFT",
    )
    log.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    story: list[Flowable] = [
        L.para(t("doc.recovery.subject", lang), "h1"),
        L.para(f"<b>{t('doc.recovery.secret', lang)}</b>", "full"),
        L.key_value_table(info, indent=False, label_w=45 * mm),
        *(
            [
                L.para(
                    t("doc.recovery.replaces", lang, date=format_date(data.created_on, lang)),
                    "full",
                )
            ]
            if data.replaces_earlier
            else []
        ),
        L.spacer(5),
        L.para(t("doc.recovery.key", lang), "h2"),
        _key_box(data.recovery_key),
        L.para(t("doc.recovery.h.what", lang), "h2"),
        L.para(t("doc.recovery.what", lang), "full"),
        L.para(t("doc.recovery.h.keep", lang), "h2"),
        L.para(t("doc.recovery.keep", lang), "full"),
        *L.bullets(t("doc.recovery.keep_rules", lang).split("|"), "bullet_full"),
        L.para(t("doc.recovery.h.use", lang), "h2"),
        L.para(t("doc.recovery.use", lang), "full"),
        L.para(t("doc.recovery.storage_log", lang), "h2"),
        log,
    ]
    return letter.build(story)
