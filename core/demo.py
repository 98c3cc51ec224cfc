"""Synthetic but realistic Finnish customers, orders, objections and requests.

Deterministic for a given seed. Every hetu is valid (checksum, century sign) and the
individual numbers stay below 900, so none is a temporary number.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select

from core.clock import now, today
from core.dates import add_months
from core.db import Database
from core.models import (
    Customer,
    InvoiceState,
    Objection,
    ObjectionKind,
    Order,
    Request,
    RequestChannel,
    RequestKind,
    RequestState,
    SalesChannel,
    Source,
    table_of,
)
from core.security import audit
from core.security.permissions import Actor, Permission, require
from core.settings import Initialised, create_register, data_key
from core.transfer.importing import insert_customers

# The demonstration register: an invented company and its manager ``demo`` (the GUI's --demo
# and ``main.py demo`` on a database that does not exist yet).
DEMO_COMPANY = "Esimerkkiasunnot Oy"
DEMO_USER = "demo"
DEMO_PASSWORD = "Esittely-Kahvi-2024"  # the GUI's --demo database only; shown at its login
DEMO_MANAGER = "Demo Esihenkilö"
DEMO_CUSTOMERS = 2000
DEMO_SETTINGS: dict[str, Any] = {
    "business_id": "1572860-0",
    "controller_person": DEMO_COMPANY,
    "street": "Mannerheimintie 12 B",
    "postal_code": "00100",
    "city": "Helsinki",
    "phone": "+358 9 1234 5678",
    "email": "asiakaspalvelu@esimerkki.fi",
    "contact_person": DEMO_MANAGER,
    "contact_email": "tietosuoja@esimerkki.fi",
}
DEMO_TITLE = "Toimitusjohtaja"


def create_demo_register(location: Any, password: str) -> tuple[Database, Initialised]:
    """A new database holding the demonstration company and its manager ``demo``."""
    return create_register(
        location,
        DEMO_COMPANY,
        DEMO_USER,
        DEMO_MANAGER,
        password,
        manager_title=DEMO_TITLE,
        **DEMO_SETTINGS,
    )


FIRST_NAMES = (
    "Aino Anna Anne Anneli Eeva Elina Elisa Emilia Emma Helena Hanna Heidi Ilona Inkeri Johanna "
    "Juulia Kaarina Katariina Kirsi Laura Leena Liisa Maria Marjatta Minna Noora Outi Päivi Riikka "
    "Sanna Satu Sofia Suvi Tiina Tuula Venla Aleksi Antti Eero Eino Elias Heikki Ilkka Jari Jouni "
    "Juha Juho Jussi Kalle Kari Lauri Markku Matti Mikko Niko Oskari Pekka Petri Sami Seppo Timo "
    "Tuomas Ville Väinö Onni Leevi Åsa Jyrki Pertti Kyösti"
).split()
LAST_NAMES = (
    "Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen "
    "Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen "
    "Salo Laitinen Tuominen Rantanen Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen "
    "Leinonen Hiltunen Hirvonen Kallio Lindroos Öhman Väisänen Pääkkönen Ylönen Söderberg"
).split()
STREETS = (
    "Mannerheimintie Hämeenkatu Aleksanterinkatu Kauppakatu Koulukatu Rantatie Kirkkokatu "
    "Puistokatu Satamakatu Asemakatu Itäinen Pitkäkatu Läntinen Rantakatu Tehtaankatu "
    "Myllytie Koivukuja Kuusitie Männikkötie Järvenpääntie Sibeliuksenkatu Runebergintie"
).split()
CITIES = (
    ("00100", "HELSINKI"),
    ("00530", "HELSINKI"),
    ("00940", "HELSINKI"),
    ("02100", "ESPOO"),
    ("01300", "VANTAA"),
    ("33100", "TAMPERE"),
    ("20100", "TURKU"),
    ("90100", "OULU"),
    ("40100", "JYVÄSKYLÄ"),
    ("15110", "LAHTI"),
    ("70100", "KUOPIO"),
    ("28100", "PORI"),
    ("04400", "JÄRVENPÄÄ"),
    ("65100", "VAASA"),
    ("96100", "ROVANIEMI"),
    ("53100", "LAPPEENRANTA"),
)
ORGS = (
    "Rakennus Oy Virta",
    "Asunto Oy Kuusela",
    "Kiinteistö Oy Rantala",
    "Tilitoimisto Laine",
    "Remonttipalvelu Koski Oy",
    "Lakiasiaintoimisto Salo",
    "Insinööritoimisto Heikkilä Oy",
    "Kauppahuone Niemi Ky",
    "Sijoitus Oy Mäkelä",
)
ITEMS = (
    "Kerrostaloasunto {street} {n} A {a}, {city}",
    "Rivitaloasunto {street} {n} B {a}, {city}",
    "Omakotitalo {street} {n}, {city}",
    "Välityspalkkio, {street} {n}, {city}",
    "Arviokäynti ja hinta-arvio",
    "Vuokravälitys, {street} {n} C {a}, {city}",
    "Kuntotarkastus",
    "Asuntokaupan asiakirjapalvelu",
)
CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
EMAIL_DOMAINS = ("esimerkki.fi", "example.com", "posti.example.fi", "demo.example.net")

Progress = Callable[[int, int, str], None]


def make_hetu(rng: random.Random, used: set[str]) -> str:
    while True:
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 76))
        individual = rng.randrange(2, 900)
        if born.year >= 2000:
            sign = rng.choice("AAAB")
        else:
            sign = rng.choice("-----Y")
        digits = f"{born:%d%m}{born.year % 100:02d}{individual:03d}"
        value = f"{digits[:6]}{sign}{digits[6:]}{CHECK_CHARS[int(digits) % 31]}"
        if value not in used:
            used.add(value)
            return value


def _ascii(text: str) -> str:
    return text.lower().replace("ä", "a").replace("ö", "o").replace("å", "a").replace(" ", "")


def make_customer(rng: random.Random, n: int, used_hetus: set[str]) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    postal, city = rng.choice(CITIES)
    data: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "street": f"{rng.choice(STREETS)} {rng.randint(1, 80)} {rng.choice('ABC')} "
        f"{rng.randint(1, 40)}",
        "postal_code": postal,
        "city": city.title() if rng.random() < 0.9 else city,
        "source": rng.choice([s.value for s in Source][:6] + ["shop", "web_service"]),
    }
    if rng.random() < 0.85:
        data["email"] = f"{_ascii(first)}.{_ascii(last)}{n}@{rng.choice(EMAIL_DOMAINS)}"
    if rng.random() < 0.8:
        data["phone"] = f"+35840{rng.randint(1000000, 9999999)}"
    if rng.random() < 0.2:
        data["organisation"] = rng.choice(ORGS)
    if rng.random() < 0.7:
        data["hetu"] = make_hetu(rng, used_hetus)
    return data


def _order_numbers(session: Any) -> dict[int, int]:
    counters: dict[int, int] = {}
    for number in session.execute(
        select(func.max(Order.number)).group_by(func.substr(Order.number, 1, 4))
    ).scalars():
        if number and "-" in number:
            year, seq = number.split("-", 1)
            if year.isdigit() and seq.isdigit():
                counters[int(year)] = int(seq)
    return counters


def generate(
    db: Database,
    actor: Actor,
    customers: int,
    seed: int = 1,
    progress: Progress | None = None,
    batch: int = 2000,
    orders_per_customer: tuple[int, int] = (0, 6),
) -> dict[str, int]:
    """Add ``customers`` synthetic customers with orders, objections and a few requests."""
    require(actor, Permission.CUSTOMERS)
    rng = random.Random(seed)
    used: set[str] = set()
    made = {"customers": 0, "orders": 0, "objections": 0, "requests": 0}
    with db.begin() as s:
        counters = _order_numbers(s)
        request_seq = int(s.execute(select(func.count(Request.id))).scalar_one())
        # A register may hold demo customers already (the same seed gives the same hetus):
        # a hetu is stored once (the unique index of migration 0006), so those are skipped.
        key = data_key(s)
        stored = set(
            s.execute(select(Customer.hetu_index).where(Customer.hetu_index.is_not(None))).scalars()
        )
    current = today()
    done = 0
    while done < customers:
        size = min(batch, customers - done)
        rows = []
        for i in range(size):
            # Built valid by construction (a test runs every field through validation).
            data = make_customer(rng, done + i + 1, used)
            hetu = data.pop("hetu", "")
            while stored and hetu and key.blind_index(hetu) in stored:
                hetu = make_hetu(rng, used)
            data.setdefault("country", "FI")
            rows.append((data, hetu))
        stamp = now()
        with db.begin() as s:
            ids = insert_customers(s, actor, rows, "demo")
            orders: list[dict[str, Any]] = []
            objections: list[dict[str, Any]] = []
            requests: list[dict[str, Any]] = []
            for cid, (clean, _h) in zip(ids, rows, strict=True):
                for _ in range(rng.randint(*orders_per_customer)):
                    ordered = current - timedelta(days=rng.randrange(0, 365 * 8))
                    counters[ordered.year] = counters.get(ordered.year, 0) + 1
                    age = (current - ordered).days
                    if age < 60:
                        state = rng.choice(["open", "open", "paid", "none"])
                    elif age < 400:
                        state = rng.choice(["paid"] * 12 + ["open", "in_collection"])
                    else:
                        state = rng.choice(["paid"] * 20 + ["none", "in_collection"])
                    street = clean["street"].rsplit(" ", 2)[0]
                    item = rng.choice(ITEMS).format(
                        street=street,
                        n=rng.randint(1, 80),
                        a=rng.randint(1, 40),
                        city=clean["city"].title(),
                    )
                    is_home = item.startswith(("Kerrostaloasunto", "Rivitaloasunto", "Omakotitalo"))
                    amount = (
                        Decimal(rng.randint(60, 650) * 1000)
                        if is_home
                        else Decimal(rng.randint(150, 4000))
                    )
                    orders.append(
                        {
                            "number": f"{ordered.year}-{counters[ordered.year]:06d}",
                            "customer_id": cid,
                            "ordered_on": ordered,
                            "item": item[:300],
                            "amount": amount,
                            "channel": rng.choice([c.value for c in SalesChannel]),
                            "invoice_state": state
                            if state in {s.value for s in InvoiceState}
                            else "none",
                            "archived": False,
                            "created_at": stamp,
                            "updated_at": stamp,
                            "updated_by": actor.username,
                            "version": 1,
                        }
                    )
                if rng.random() < 0.08:
                    for kind in rng.sample([k.value for k in ObjectionKind], rng.randint(1, 3)):
                        objections.append(
                            {
                                "customer_id": cid,
                                "kind": kind,
                                "set_on": current - timedelta(days=rng.randrange(900)),
                                "set_by": actor.username,
                            }
                        )
                if rng.random() < 0.004:
                    request_seq += 1
                    received = current - timedelta(days=rng.randrange(0, 36))
                    kind = rng.choice([k.value for k in RequestKind])
                    signed = rng.random() < 0.7
                    requests.append(
                        {
                            "number": f"P-{received.year}-{request_seq:04d}",
                            "kind": kind,
                            "customer_id": cid,
                            "subject_name": f"{clean['first_name']} {clean['last_name']}",
                            "subject_email": clean.get("email", ""),
                            "received_on": received,
                            "channel": rng.choice([c.value for c in RequestChannel]),
                            "language": "fi" if rng.random() < 0.85 else "en",
                            "signed_on_file": signed,
                            "state": (
                                RequestState.IN_PROGRESS.value
                                if signed
                                else RequestState.AWAITING_SIGNATURE.value
                            ),
                            "due_on": add_months(received, 1),
                            "created_by": actor.username,
                            "created_at": stamp,
                            "version": 1,
                        }
                    )
            conn = s.connection()
            if orders:
                conn.execute(insert(table_of(Order)), orders)
            if objections:
                conn.execute(insert(table_of(Objection)), objections)
            if requests:
                conn.execute(insert(table_of(Request)), requests)
            audit.record(
                s,
                actor,
                "demo.generate",
                "customer",
                f"{ids[0]}-{ids[-1]}",
                ["customers", "orders", "objections", "requests"],
            )
        made["customers"] += size
        made["orders"] += len(orders)
        made["objections"] += len(objections)
        made["requests"] += len(requests)
        done += size
        if progress:
            progress(done, customers, f"{done}/{customers}")
    return made
