"""Sample inputs for every document: used by the tests, the render script and GUI previews.

The people and the company are invented. The hetu is a valid-looking made-up code.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from core.documents.data import (
    AccessReportData,
    Addressee,
    ContactRetention,
    CorrectedField,
    CorrectionNoticeData,
    DisclosureRow,
    DocumentRow,
    ErasureDecisionData,
    ErasureNoticeData,
    ExtensionNoticeData,
    FieldChangeRow,
    FormData,
    LabelEntry,
    Letterhead,
    ObjectionConfirmationData,
    ObjectionRow,
    OrderRow,
    PersonData,
    RecoverySheetData,
    RectificationDecisionData,
    RefusalDecisionData,
    RefusalItem,
    RequestRow,
    Signatory,
    StatementData,
)

HETU = "131052-308T"
ISSUED = date(2025, 3, 14)


def letterhead() -> Letterhead:
    return Letterhead(
        company_name="Huoneistomyynti Mensonen Oy",
        business_id="1234567-1",
        street="Huvilakatu 16",
        postal_code="00150",
        city="Helsinki",
        phone="040 038 3869",
        email="asiakaspalvelu@huoneistomyynti.com",
        contact_person="Jari Mensonen",
        contact_phone="040 038 3869",
        contact_email="jari.mensonen@huoneistomyynti.com",
        register_name="Asiakasrekisteri",
        controller_person="Jari Mensonen",
    )


def manager(lang: str = "fi") -> Signatory:
    return Signatory("Jari Mensonen", "toimitusjohtaja", "Managing Director")


def addressee() -> Addressee:
    return Addressee(
        "Maija Meikäläinen",
        street="Sörnäisten rantatie 25 A 12",
        postal_code="00500",
        city="Helsinki",
    )


def person() -> PersonData:
    return PersonData(
        first_name="Maija",
        last_name="Meikäläinen",
        organisation="Asunto Oy Kääpiö",
        email="maija.meikalainen@example.fi",
        street="Sörnäisten rantatie 25 A 12",
        postal_code="00500",
        city="Helsinki",
        country="FI",
        phone="+358401234567",
        hetu=HETU,
        source="shop",
        state="active",
        created_at=datetime(2019, 5, 2, 10, 15),
        updated_at=datetime(2024, 11, 20, 14, 3),
    )


def orders(n: int = 6) -> tuple[OrderRow, ...]:
    items = [
        "Kaksio, Vallila, Aleksis Kiven katu 7 B 21",
        "Arviokäynti ja hinta-arvio",
        "Yksiö, Kallio, Porthaninkatu 3 A 5",
        "Asuntokaupan asiakirjapalvelu",
        "Kolmio, Töölö, Runeberginkatu 40 C 33",
        "Kuntotarkastus",
    ]
    states = ["paid", "paid", "open", "none", "in_collection", "paid"]
    channels = ["shop", "web", "reseller"]
    start = date(2019, 5, 2)
    return tuple(
        OrderRow(
            number=f"T-{2019 + i // 200}-{i + 1:05d}",
            ordered_on=start + timedelta(days=2 * i),
            item=items[i % len(items)],
            amount=Decimal(149 + (i * 7919) % 250000) / 1,
            channel=channels[i % 3],
            invoice_state=states[i % len(states)],
        )
        for i in range(n)
    )


def access_report(n_orders: int = 6, lang: str = "fi") -> AccessReportData:
    return AccessReportData(
        person=person(),
        addressee=addressee(),
        reference="P-2025-0007",
        received_on=date(2025, 3, 3),
        issued_on=ISSUED,
        orders=orders(n_orders),
        disclosures=(
            DisclosureRow(
                "Perintä Oy Saatava",
                "debt_collection",
                date(2024, 6, 1),
                ("first_name", "last_name", "street", "postal_code", "city"),
            ),
            DisclosureRow(
                "Luottotieto Oy",
                "credit_decision",
                date(2023, 2, 10),
                ("first_name", "last_name", "hetu"),
            ),
        ),
        objections=(
            ObjectionRow("direct_marketing", date(2024, 1, 9)),
            ObjectionRow("publication", date(2024, 1, 9)),
        ),
        requests=(
            RequestRow("P-2024-0002", "objection", date(2024, 1, 8), "completed"),
            RequestRow("P-2025-0007", "access", date(2025, 3, 3), "in_progress"),
        ),
        documents=(DocumentRow("objection_confirmation", date(2024, 1, 9)),),
        contact_retention=ContactRetention(
            date(2031, 12, 31), date(2024, 11, 20), 3, date(2031, 12, 31), unpaid=True
        ),
        field_history=(
            FieldChangeRow(
                "street",
                "Hämeentie 1 B 4",
                "Sörnäisten rantatie 25 A 12",
                datetime(2024, 11, 20, 14, 3),
                "update_service",
            ),
            FieldChangeRow(
                "phone", "", "+358401234567", datetime(2021, 8, 2, 9, 30), "customer_notice"
            ),
        ),
        signatory=manager(lang),
    )


_REFUSED = {
    "fi": (
        RefusalItem(
            "last_name",
            "Meikäläinen",
            "Virtanen",
            "Olen mennyt naimisiin.",
            "Nimenmuutosta ei ole vielä päivitetty väestötietojärjestelmään; "
            "korjaamme nimen, kun saamme siitä virallisen tiedon.",
        ),
        RefusalItem(
            "orders",
            "Tilaus T-2019-00003, 14 590,00 €",
            "Tilauksen poistaminen",
            "En mielestäni tilannut palvelua.",
            "Tilaus on kirjanpitoaineistoa, joka on säilytettävä kirjanpitolain "
            "2 luvun 10 §:n mukaan kuusi vuotta tilikauden päättymisestä.",
        ),
    ),
    "en": (
        RefusalItem(
            "last_name",
            "Meikäläinen",
            "Virtanen",
            "I have got married.",
            "The change of name has not yet been updated in the Population Information "
            "System; we will correct the name once we receive official notice of it.",
        ),
        RefusalItem(
            "orders",
            "Order T-2019-00003, €14,590.00",
            "Delete the order",
            "I do not think I ordered the service.",
            "The order is part of the accounting records, which must be kept for six years "
            "from the end of the financial year under the Finnish Accounting Act "
            "(chapter 2, section 10).",
        ),
    ),
}

_ERASURE_TEXT = {
    "fi": {
        "partly": "Tilauksenne ovat kirjanpitoaineistoa, joka on säilytettävä kirjanpitolain "
        "2 luvun 10 §:n mukaan kuusi vuotta tilikauden päättymisestä.",
        "refused": "Teillä on avoin lasku (tilaus T-2025-00410), joka on siirretty perintään. "
        "Tietoja ei voida poistaa ennen kuin asia on selvitetty.",
        "kept": ("nimi ja postiosoite tilausten yhteydessä", "tilaukset 2023–2024 (4 kpl)"),
    },
    "en": {
        "partly": "Your orders are accounting records, which must be kept for six years from "
        "the end of the financial year under the Finnish Accounting Act (chapter 2, "
        "section 10).",
        "refused": "You have an open invoice (order T-2025-00410) that has been passed to debt "
        "collection. The data cannot be erased until the matter has been settled.",
        "kept": ("name and postal address on the orders", "orders 2023–2024 (4 orders)"),
    },
}

_EXTENSION_REASONS = {
    "fi": "Pyyntö koskee yli kymmenen vuoden tilaushistoriaa, jonka osa on arkistoitu "
    "paperisena lukittuun arkistoon; aineiston kokoaminen vie tavallista kauemmin.",
    "en": "The request covers more than ten years of orders, part of which are archived on "
    "paper in locked storage; gathering the material takes longer than usual.",
}


def refusal(lang: str = "fi") -> RectificationDecisionData:
    return RectificationDecisionData(
        addressee=addressee(),
        signatory=manager(lang),
        reference="P-2025-0009",
        received_on=date(2025, 3, 1),
        issued_on=ISSUED,
        refused=_REFUSED[lang],
        accepted=(CorrectedField("phone", "+358401234567", "+358409876543"),),
    )


def correction_notice(lang: str = "fi") -> CorrectionNoticeData:
    return CorrectionNoticeData(
        recipient=Addressee(
            "Perintä Oy Saatava",
            organisation="Asiakastietojen ylläpito",
            street="Perintäkuja 3",
            postal_code="33100",
            city="Tampere",
        ),
        signatory=manager(lang),
        subject_name="Maija Meikäläinen",
        corrected=(
            CorrectedField("street", "Hämeentie 1 B 4", "Sörnäisten rantatie 25 A 12"),
            CorrectedField("postal_code", "00530", "00500"),
        ),
        relation="recipient",
        disclosed_on=date(2024, 6, 1),
        reference="P-2025-0009",
        issued_on=ISSUED,
    )


def objection(lang: str = "fi") -> ObjectionConfirmationData:
    return ObjectionConfirmationData(
        addressee=addressee(),
        signatory=manager(lang),
        set_kinds=("direct_marketing", "research"),
        set_on=date(2025, 3, 12),
        active_kinds=("direct_marketing", "research", "publication"),
        reference="P-2025-0011",
        received_on=date(2025, 3, 11),
        issued_on=ISSUED,
    )


def erasure(outcome: str = "partly", lang: str = "fi") -> ErasureDecisionData:
    text = _ERASURE_TEXT[lang]
    reasons = "" if outcome == "erased" else str(text[outcome])
    return ErasureDecisionData(
        addressee=addressee(),
        signatory=manager(lang),
        outcome=outcome,
        retention_until=date(2030, 12, 31) if outcome == "partly" else None,
        kept=tuple(text["kept"]) if outcome == "partly" else (),
        reasons=reasons,
        recipients_notified=("Perintä Oy Saatava", "Luottotieto Oy")
        if outcome != "refused"
        else (),
        reference="P-2025-0012",
        received_on=date(2025, 3, 10),
        issued_on=ISSUED,
    )


def erasure_notice(lang: str = "fi", outcome: str = "erased") -> ErasureNoticeData:
    return ErasureNoticeData(
        recipient=Addressee(
            "Perintä Oy Saatava", street="Perintäkuja 3", postal_code="33100", city="Tampere"
        ),
        signatory=manager(lang),
        subject_name="Maija Meikäläinen",
        data_fields=("first_name", "last_name", "street", "postal_code", "city", "orders"),
        outcome=outcome,
        retention_until=date(2030, 12, 31) if outcome == "partly" else None,
        disclosed_on=date(2024, 6, 1),
        reference="P-2025-0012",
        issued_on=ISSUED,
    )


_DECISION_REASONS = {
    "fi": "Laskunne 2024-0007 on perinnässä, ja tietoja tarvitaan saatavan perimiseen.",
    "en": "Your invoice 2024-0007 is in collection, and the data are needed to collect it.",
}


def refusal_decision(lang: str = "fi", unidentified: bool = False) -> RefusalDecisionData:
    return RefusalDecisionData(
        addressee=addressee(),
        signatory=manager(lang),
        request_kind="access" if unidentified else "erasure",
        reasons="" if unidentified else _DECISION_REASONS[lang],
        grounds=("art11_2",) if unidentified else ("art17_3_e", "art17_3_b", "kpl_2_10"),
        unidentified=unidentified,
        reference="P-2025-0013",
        received_on=date(2025, 3, 10),
        issued_on=ISSUED,
    )


def extension(lang: str = "fi") -> ExtensionNoticeData:
    return ExtensionNoticeData(
        addressee=addressee(),
        signatory=manager(lang),
        request_kind="access",
        received_on=date(2025, 1, 31),
        original_due_on=date(2025, 2, 28),
        new_due_on=date(2025, 4, 30),
        reasons=_EXTENSION_REASONS[lang],
        reference="P-2025-0004",
        issued_on=date(2025, 2, 20),
    )


def labels(n: int = 25) -> tuple[LabelEntry, ...]:
    firsts = ["Maija", "Matti", "Liisa", "Pekka", "Aino", "Väinö", "Öljy-Önni", "Åsa"]
    lasts = ["Meikäläinen", "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen"]
    return tuple(
        LabelEntry(
            firsts[i % len(firsts)],
            lasts[i % len(lasts)],
            "Asunto Oy Kääpiö"
            if i % 5 == 0
            else "Asunto Oy Helsingin Länsisataman Merituulenpuisto"
            if i == 3
            else "",
            f"Esimerkkikatu {i + 1} A {i % 9 + 1}",
            f"{i % 99:03d}00".zfill(5),
            "Helsinki" if i % 2 else "Espoo",
            "SE" if i == 7 else "FI",
            customer_id=1001 + i,
        )
        for i in range(n)
    )


def statement() -> StatementData:
    return StatementData(statement_date=date(2018, 1, 4))


def recovery() -> RecoverySheetData:
    return RecoverySheetData(
        recovery_key="A4EA-SCQL-BQGQ-4DYQ-CEJB-GFAV-CYLR-QGI2-DMOB-2HQ7-EAQS-EIZE-EUTA",
        install_id="3f2b9c1e-7a44-4d8e-9b61-0c5e2f7d1a90",
        company_name="Huoneistomyynti Mensonen Oy",
        created_on=ISSUED,
        created_by="jari",
    )


def form(kind: str, prefilled: bool = False) -> FormData:
    if not prefilled:
        return FormData(kind)
    return FormData(
        kind, person=addressee(), email="maija.meikalainen@example.fi", phone="040 123 4567"
    )
