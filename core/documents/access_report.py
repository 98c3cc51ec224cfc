"""Access report [S15] (GDPR Art. 15): everything stored on the person, readable, plus the same
data as JSON for portability (Art. 20). The only document that prints the hetu."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal

from reportlab.platypus import Flowable, Paragraph

from core.clock import today
from core.customers.service import history_source_text
from core.documents import layout as L
from core.documents.data import AccessReportData, Letterhead
from core.i18n import format_date, format_datetime, format_money, t
from core.models import TransferJustification
from core.transfer.exporting import json_bytes

mm = L.mm


def _person_table(data: AccessReportData, lang: str) -> Flowable:
    p = data.person
    country = p.country.upper() if p.country else ""
    rows = [
        (t("doc.field.first_name", lang), p.first_name),
        (t("doc.field.last_name", lang), p.last_name),
        (t("doc.field.hetu", lang), p.hetu),
        (t("doc.field.organisation", lang), p.organisation),
        (t("doc.field.email", lang), p.email),
        (t("doc.field.street", lang), p.street),
        (t("doc.field.postal_code", lang), p.postal_code),
        (t("doc.field.city", lang), p.city),
        (t("doc.field.country", lang), country),
        (t("doc.field.phone", lang), p.phone),
        (t("doc.field.source", lang), L.label("source", p.source, lang)),
        (t("doc.field.state", lang), L.label("state", p.state, lang)),
        (t("doc.field.created_at", lang), format_datetime(p.created_at, lang)),
        (t("doc.field.updated_at", lang), format_datetime(p.updated_at, lang)),
    ]
    if p.restricted_until:
        rows.append((t("doc.field.restricted_until", lang), format_date(p.restricted_until, lang)))
    return L.key_value_table(rows, indent=False, label_w=50 * mm)


def _orders(data: AccessReportData, lang: str) -> list[Flowable]:
    story: list[Flowable] = [
        L.para(t("doc.access.h.orders", lang, count=L.format_count(len(data.orders), lang)), "h2")
    ]
    if not data.orders:
        return [*story, L.para(t("doc.access.no_orders", lang), "full")]
    archived = t("doc.access.archived", lang)
    rows = []
    total = Decimal(0)
    for o in data.orders:
        invoice = L.label("invoice", o.invoice_state, lang)
        if o.archived:
            invoice = f"{invoice}, {archived}"
        if o.retained_until:
            until = t("doc.access.kept_until", lang, date=format_date(o.retained_until, lang))
            invoice = f"{invoice}, {until}"
        rows.append(
            (
                o.number,
                format_date(o.ordered_on, lang),
                o.item,
                L.label("channel", o.channel, lang),
                invoice,
                format_money(o.amount, lang),
            )
        )
        total += o.amount
    bold, bold_right = L.STYLES["cell_bold"], L.STYLES["cell_bold_right"]
    header = [
        t(f"doc.access.col.{c}", lang)
        for c in ("number", "date", "item", "channel", "invoice", "amount")
    ]
    widths = [24 * mm, 21 * mm, 53 * mm, 22 * mm, 20 * mm, 30 * mm]
    story.append(L.data_table(header, rows, widths, right=(5,), indent=False, long=True))
    # The sum spans the channel, invoice and amount columns.
    story.append(
        L.total_row(
            [
                "",
                "",
                Paragraph(L.esc(t("doc.access.total", lang)), bold),
                Paragraph(format_money(total, lang), bold_right),
                "",
                "",
            ],
            widths,
            span=(3, 5),
        )
    )
    return story


def _source_name(source: str, lang: str) -> str:
    """A history source in the letter's words: a source of data ("source.shop" as stored, or
    "shop") as the letter names it ("myymälä"), anything else as the customer screen shows
    it."""
    bare = source.removeprefix("source.")
    named = L.label("source", bare, lang)
    return named if named != bare else history_source_text(source, lang)


def _sources(data: AccessReportData, lang: str) -> list[Flowable]:
    story: list[Flowable] = [L.para(t("doc.access.h.sources", lang), "h2")]
    story.append(
        L.para(
            t(
                "doc.access.source_main",
                lang,
                source=L.esc(L.label("source", data.person.source, lang)),
            ),
            "full",
        )
    )
    later: list[str] = []
    for change in data.field_history:
        # The record of someone's creation names their source as a catalogue key
        # ("source.shop"), the same source as above: not a later one.
        if change.source and change.source.removeprefix("source.") != data.person.source:
            name = _source_name(change.source, lang)
            if name not in later:
                later.append(name)
    if later:
        names = ", ".join(later)
        story.append(L.para(t("doc.access.source_updates", lang, sources=L.esc(names)), "full"))
    return story


def _justification(code: str, lang: str) -> str:
    """The [S10] ground in words; a text recorded before the grounds were a choice as it is."""
    if code in set(TransferJustification):
        return t(f"doc.transfer_justification.{code}", lang)
    return code


def _disclosures(data: AccessReportData, lang: str) -> list[Flowable]:
    story: list[Flowable] = [L.para(t("doc.access.h.disclosures", lang), "h2")]
    if data.disclosures:
        rows = []
        for d in data.disclosures:
            fields = ", ".join(L.label("field", f, lang).lower() for f in d.data_fields)
            fields = fields[:1].upper() + fields[1:]
            outside = (
                t("doc.access.outside_eea_yes", lang, why=_justification(d.justification, lang))
                if d.outside_eea
                else t("doc.no", lang)
            )
            rows.append(
                (
                    d.recipient,
                    L.label("purpose", d.purpose, lang),
                    format_date(d.disclosed_on, lang),
                    fields,
                    outside,
                )
            )
        header = [
            t(f"doc.access.col.{c}", lang)
            for c in ("recipient", "purpose", "date", "fields", "outside_eea")
        ]
        story.append(
            L.data_table(header, rows, [34 * mm, 31 * mm, 23 * mm, 52 * mm, 30 * mm], indent=False)
        )
        story.append(L.spacer(2))
    else:
        story.append(L.para(t("doc.access.no_disclosures", lang), "full"))
    story.append(L.para(t("doc.access.disclosure_rule", lang), "full"))
    return story


def _objections(data: AccessReportData, lang: str) -> list[Flowable]:
    story: list[Flowable] = [L.para(t("doc.access.h.objections", lang), "h2")]
    if not data.objections:
        return [*story, L.para(t("doc.access.no_objections", lang), "full")]
    rows = [
        (L.label("objection", o.kind, lang), format_date(o.set_on, lang)) for o in data.objections
    ]
    header = [t("doc.access.col.prohibition", lang), t("doc.access.col.set_on", lang)]
    story.append(L.data_table(header, rows, [110 * mm, 40 * mm], indent=False))
    return story


def _history(data: AccessReportData, lang: str) -> list[Flowable]:
    story: list[Flowable] = [L.para(t("doc.access.h.history", lang), "h2")]
    if not data.field_history:
        return [*story, L.para(t("doc.access.no_history", lang), "full")]
    empty = t("doc.empty_value", lang)
    rows = [
        (
            format_datetime(c.changed_at, lang),
            L.label("field", c.field, lang),
            c.old_value or empty,
            c.new_value or empty,
            _source_name(c.source, lang) if c.source else "",
        )
        for c in data.field_history
    ]
    header = [t(f"doc.access.col.{c}", lang) for c in ("time", "field", "old", "new", "source")]
    story.append(
        L.data_table(
            header, rows, [30 * mm, 30 * mm, 39 * mm, 39 * mm, 32 * mm], indent=False, long=True
        )
    )
    return story


def _requests(data: AccessReportData, lang: str) -> list[Flowable]:
    story: list[Flowable] = [L.para(t("doc.access.h.requests", lang), "h2")]
    if not data.requests and not data.documents:
        return [*story, L.para(t("doc.access.no_requests", lang), "full")]
    if data.requests:
        rows = [
            (
                r.number,
                L.label("request_kind", r.kind, lang).capitalize(),
                format_date(r.received_on, lang),
                L.label("request_state", r.state, lang),
            )
            for r in data.requests
        ]
        header = [t(f"doc.access.col.{c}", lang) for c in ("request", "kind", "received", "state")]
        story.append(L.data_table(header, rows, [30 * mm, 60 * mm, 30 * mm, 50 * mm], indent=False))
        story.append(L.spacer(3))
    if data.documents:
        documents = [
            (L.label("kind", d.kind, lang).capitalize(), format_date(d.created_on, lang))
            for d in data.documents
        ]
        header = [t("doc.access.col.document", lang), t("doc.access.col.date", lang)]
        story.append(L.data_table(header, documents, [120 * mm, 30 * mm], indent=False))
    return story


def rights_story(lh: Letterhead, lang: str, style: str = "full") -> list[Flowable]:
    """The person's rights [S15]-[S17] and where to send requests (also used by forms)."""
    o = L.ombudsman(lang)
    address = ", ".join(
        p for p in (lh.company_name, lh.street, f"{lh.postal_code} {lh.city}".strip()) if p
    )
    items = [
        t("doc.rights.access", lang),
        t("doc.rights.rectification", lang),
        t("doc.rights.objection", lang),
        t("doc.rights.erasure", lang),
        t(
            "doc.rights.complaint",
            lang,
            name=o["name"],
            postal=o["postal_address"],
            email=o["email"],
            phone=o["phone"],
            web=o["web"],
        ),
    ]
    story: list[Flowable] = [L.para(item, style) for item in items]
    story.append(
        L.para(
            t(
                "doc.rights.where",
                lang,
                address=L.esc(address),
                contact=L.esc(L.contact_text(lh, lang)),
            ),
            style,
        )
    )
    return story


def build_access_report(
    data: AccessReportData,
    letterhead: Letterhead,
    lang: str,
    progress: L.Progress | None = None,
    should_abort: Callable[[], bool] | None = None,
) -> bytes:
    """The access report PDF in ``lang``; long tables repeat their header on every page.

    ``progress`` and ``should_abort`` as in ``layout.Letter.build`` (for a GUI worker).
    """
    issued = data.issued_on or today()
    letter = L.Letter(
        letterhead,
        lang,
        t("doc.access.doc_title", lang),
        addressee=data.addressee,
        reference=data.reference,
        issued_on=issued,
    )
    story: list[Flowable] = [L.subject(t("doc.access.subject", lang))]
    if data.received_on:
        intro = t(
            "doc.access.intro",
            lang,
            date=format_date(data.received_on, lang),
            issued=format_date(issued, lang),
        )
    else:
        intro = t("doc.access.intro_nodate", lang, issued=format_date(issued, lang))
    story += [L.para(intro, "full"), L.para(t("doc.access.confidential", lang), "full")]
    story += [L.para(t("doc.access.h.person", lang), "h2"), _person_table(data, lang)]
    if data.person.restricted_until:
        story.append(
            L.para(
                t(
                    "doc.access.restricted_until",
                    lang,
                    date=format_date(data.person.restricted_until, lang),
                ),
                "full",
            )
        )
    story += _orders(data, lang)
    story += _sources(data, lang)
    story += _disclosures(data, lang)
    story += _objections(data, lang)
    story += _history(data, lang)
    story += _requests(data, lang)
    story.append(L.para(t("doc.access.h.purposes", lang), "h2"))
    story += (
        L.paras(data.purposes_text, "full")
        if data.purposes_text
        else [L.para(t("doc.access.purposes_default", lang), "full")]
    )
    story.append(L.para(t("doc.access.h.retention", lang), "h2"))
    own_dates = contact_retention_text(data, lang)
    story += [L.para(line, "full") for line in own_dates]
    # The office's own wording stays; the generic sentence only stands in for the person's
    # own dates when there are none (a restricted customer's date is stated above).
    if data.retention_text:
        story += L.paras(data.retention_text, "full")
    elif not own_dates:
        story.append(
            L.para(
                t("doc.access.retention_default", lang, years=data.bookkeeping_retention_years),
                "full",
            )
        )
    story.append(L.para(t("doc.access.h.rights", lang), "h2"))
    story += rights_story(letterhead, lang)
    if data.signatory:
        story.append(
            L.signature_block(data.signatory, letterhead, lang, indent=False, contact=False)
        )
    return letter.build(story, progress=progress, should_abort=should_abort)


def contact_retention_text(data: AccessReportData, lang: str) -> list[str]:
    """The person's own dates: until when their contact data is kept, and why."""
    kept = data.contact_retention
    if kept is None:
        return []
    lines = [
        t(
            "doc.access.contact_kept_until",
            lang,
            count=kept.years,
            date=format_date(kept.until, lang),
            last=format_date(kept.last_contact, lang),
        )
    ]
    if kept.orders_until:
        lines.append(
            t("doc.access.contact_kept_for_orders", lang, date=format_date(kept.orders_until, lang))
        )
    if kept.unpaid:
        lines.append(t("doc.access.contact_kept_unpaid", lang))
    return lines


def build_access_json(data: AccessReportData, lang: str = "en") -> bytes:
    """The same data as UTF-8 JSON (machine-readable, for data portability).

    Keys and enumerated values are the app's English names; ``lang`` picks the language of
    the descriptive texts (purposes, retention).
    """
    doc = {
        "format": "asiakasrekisteri.access_report",
        "format_version": 1,
        "reference": data.reference,
        "received_on": data.received_on,
        "issued_on": data.issued_on or today(),
        "person": asdict(data.person),
        "orders": [asdict(o) for o in data.orders],
        "disclosures": [asdict(d) for d in data.disclosures],
        "objections": [asdict(o) for o in data.objections],
        "requests": [asdict(r) for r in data.requests],
        "documents": [asdict(d) for d in data.documents],
        "field_history": [asdict(c) for c in data.field_history],
        "purposes": data.purposes_text or t("doc.access.purposes_default", lang),
        "retention": data.retention_text
        or t("doc.access.retention_default", lang, years=data.bookkeeping_retention_years),
        "contact_retention": asdict(data.contact_retention) if data.contact_retention else None,
        "contact_retention_text": " ".join(contact_retention_text(data, lang)),
    }
    return json_bytes(doc)
