"""Performance figures against DESIGN.md section 9, one line each:

    NAME VALUE UNIT target TARGET ok|MISS

    python bench/run.py [--only search,list,...] [--rebuild] [--customers N] [--orders N]
    python bench/run.py --db postgresql://USER@HOST:PORT/postgres [--keep] [--only ...]

The database of 100,000 customers and 1,000,000 orders is built once and cached under
bench/.cache/ (gitignored; a throwaway plain-text keyring lives there too, never the user's).
With ``--db`` naming a PostgreSQL server, the same sizes are built in a throwaway database on
that server (dropped at the end unless ``--keep``), and every figure is measured there; the
imports and the demo register go to throwaway databases of their own. The machine reference
line is the SQLite one in both cases (the cached SQLite database is built for it if missing).
Timed work runs the way the app runs it: core services, one transaction per action.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
HOME = CACHE / "home"
PASSWORD = "Kirjahylly-Aurinko-77"
ENV = {
    "HOME": str(HOME),
    "XDG_DATA_HOME": str(HOME / "data"),
    "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
    "ASIAKASREKISTERI_PASSWORD": PASSWORD,
    "ASIAKASREKISTERI_LANG": "fi",
}
os.environ.update(ENV)
os.environ.pop("ASIAKASREKISTERI_DB", None)
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import URL, make_url  # noqa: E402

from core.db import Database, open_database, resolve_url  # noqa: E402
from core.security.auth import attempt_login  # noqa: E402

TARGETS = {  # name: (target, unit, smaller is better)
    "startup_to_login": (0.6, "s"),
    "search_p50": (15.0, "ms"),
    "search_p95": (15.0, "ms"),
    # Not in DESIGN.md: the list sorted by a clicked header, typed into (an ORDER BY in the id
    # query); under a tenth of a second a keystroke still feels immediate.
    "search_sorted_p95": (100.0, "ms"),
    "customer_list_open": (200.0, "ms"),
    "customer_detail_open": (100.0, "ms"),
    "access_report_pdf_1000_orders": (1.0, "s"),
    "import_100k_rows": (15.0, "s"),
    "import_100k_xlsx": (20.0, "s"),
    "demo_100k_customers": (60.0, "s"),
    "peak_rss": (250.0, "MB"),
    "encrypted_backup": (10.0, "s"),
    "encrypted_restore": (10.0, "s"),
}


def line(name: str, value: float | None, note: str = "") -> None:
    target, unit = TARGETS[name]
    if value is None:
        print(f"{name} - {unit} target {target:g} SKIP {note}".rstrip(), flush=True)
        return
    verdict = "ok" if value < target else "MISS"
    shown = f"{value:.3f}" if value < 10 else f"{value:.1f}"
    print(f"{name} {shown} {unit} target {target:g} {verdict} {note}".rstrip(), flush=True)


# The letterhead every printed document needs (core.documents.layout.page.Letter).
LETTERHEAD = {
    "business_id": "1572860-0",
    "street": "Esplanadi 1",
    "postal_code": "00130",
    "city": "Helsinki",
    "email": "info@benchmark.fi",
    "contact_person": "Demo Manager",
}

# --- the cached database ---------------------------------------------------------------------


def build_database(path: Path | URL, customers: int, orders: int) -> None:
    from core.demo import generate
    from core.settings import initialise

    if isinstance(path, Path):
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    db = open_database(path)
    with db.begin() as s:
        actor = initialise(s, "Benchmark Oy", "demo", "Demo Manager", PASSWORD, **LETTERHEAD).actor
    per = max(1, round(orders / customers))
    started = time.perf_counter()
    generate(
        db,
        actor,
        customers,
        seed=1,
        orders_per_customer=(max(0, per - 5), per + 5),
        progress=lambda d, t, m: print(f"\r  building {m}", end="", file=sys.stderr),
    )
    print(f"\n  built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    _add_big_customer(db, actor)
    with db.engine.connect() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("ANALYZE")
        else:  # what autovacuum does soon after a load
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    db.dispose()


def _add_big_customer(db: Database, actor: object) -> None:
    """One customer with 1,000 orders, for the detail view and the access report."""
    from datetime import date, timedelta
    from decimal import Decimal

    from sqlalchemy import insert

    from core.customers.service import create_customer
    from core.models import Order

    with db.begin() as s:
        c = create_customer(
            s,
            actor,
            {
                "first_name": "Iso",
                "last_name": "Tilaaja",  # type: ignore[arg-type]
                "email": "iso.tilaaja@esimerkki.fi",
                "postal_code": "00100",
                "city": "Helsinki",
                "hetu": "131052-308T",
            },
        )
        s.execute(
            insert(Order),
            [
                {
                    "number": f"B-{i:06d}",
                    "customer_id": c.id,
                    "ordered_on": date(2024, 1, 1) - timedelta(days=i),
                    "item": f"Palvelu {i}",
                    "amount": Decimal("120.00") + i,
                    "channel": "shop",
                    "invoice_state": "paid",
                    "archived": False,
                    "updated_by": "demo",
                    "version": 1,
                }
                for i in range(1000)
            ],
        )


def cached_database(customers: int, orders: int, rebuild: bool) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"bench-{customers}-{orders}.sqlite3"
    if rebuild or not path.exists():
        print(
            f"Building the benchmark database ({customers} customers, {orders} orders)...",
            file=sys.stderr,
        )
        build_database(path, customers, orders)
    return path


class Server:
    """Throwaway databases on the PostgreSQL server ``--db`` names (its own database, usually
    ``postgres``, is only connected to for creating and dropping them)."""

    def __init__(self, url: str) -> None:
        self.base = resolve_url(url)
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT")

    def url(self, name: str) -> URL:
        return self.base.set(database=name)

    def exists(self, name: str) -> bool:
        with self.admin.connect() as conn:
            found = conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
            ).first()
        return found is not None

    def create(self, name: str) -> str:
        self.drop(name)
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        return self.url(name).render_as_string(hide_password=False)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def settings(self) -> str:
        with self.admin.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar_one()
            shown = [
                f"{name} {conn.exec_driver_sql(f'SHOW {name}').scalar_one()}"
                for name in ("shared_buffers", "work_mem", "effective_cache_size")
            ]
        return f"PostgreSQL {version}: " + ", ".join(shown)


def server_database(server: Server, customers: int, orders: int, rebuild: bool) -> str:
    """The benchmark database on the server, built unless kept from an earlier ``--keep``."""
    name = f"asiakasrekisteri_bench_{customers}_{orders}"
    url = server.url(name).render_as_string(hide_password=False)
    if rebuild or not server.exists(name):
        server.create(name)
        print(
            f"Building the benchmark database on the server ({customers} customers, "
            f"{orders} orders)...",
            file=sys.stderr,
        )
        try:
            build_database(make_url(url), customers, orders)
        except BaseException:
            server.drop(name)
            raise
    return url


# --- figures ---------------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def query_mix(db: Database, actor: object) -> list[str]:
    """What a receptionist types, keystroke by keystroke: names, a name pair, email, phone,
    postal code, city, organisation, and an exact hetu."""
    from sqlalchemy import select

    from core.customers.service import hetu_of
    from core.models import Customer

    with db.begin() as s:
        rng = random.Random(4)
        sample = (
            s.execute(
                select(Customer).where(Customer.id.in_([rng.randint(1, 90000) for _ in range(40)]))
            )
            .scalars()
            .all()
        )
        people = [c for c in sample if c.email and c.phone][:4]
        hetu = next(hetu_of(s, c) for c in sample if c.hetu_encrypted)
    words = []
    for c in people:
        words += [
            c.last_name.lower(),
            f"{c.first_name} {c.last_name}".lower(),
            c.email.split("@")[0],
            "0" + c.phone[4:6] + " " + c.phone[6:9],
        ]
    words += ["00100", "tampere", "rakennus oy", "mäki", "lindroos", "söderberg"]
    typed = [w[:i] for w in words for i in range(1, len(w) + 1)]
    return typed + [hetu]


def _first_page() -> int:
    try:
        from gui.customers.model import FIRST

        return int(FIRST)
    except Exception:  # the GUI package is optional for this script
        return 100


def bench_search(db: Database, actor: object) -> None:
    """What the customer list does per keystroke: the first page of ids in list order
    (core.customers.search.matching_ids) and their rows; the rest of the ids come after.
    Timed once the list has had core read the customers it keeps for searching, as it does in
    the background after its first search (prepare_search, printed)."""
    from core.customers.kept_list import forget_scans
    from core.customers.search import list_rows, matching_ids, prepare_search

    page = _first_page()
    queries = query_mix(db, actor)
    started = time.perf_counter()
    with db.read() as s:
        prepare_search(s, actor)  # type: ignore[arg-type]
    print(f"# search prepared in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)

    def first(q: str) -> None:
        with db.read() as s:
            result = matching_ids(s, actor, q, limit=page)  # type: ignore[arg-type]
            list_rows(s, actor, result.ids[:60])  # type: ignore[arg-type]

    def whole(q: str) -> None:
        with db.read() as s:
            matching_ids(s, actor, q)  # type: ignore[arg-type]

    # The keystrokes in the order they are typed, one pass to warm the caches and three
    # timed; each keystroke's latency is the median of its three (this machine's neighbours
    # make single runs swing by a factor of two from one minute to the next). Each pass
    # starts with no word's scan remembered, so that a keystroke finds only what the
    # keystrokes typed before it in that pass left (core remembers a word's scan for the next
    # letter typed).
    runs: list[list[float]] = [[] for _ in queries]
    for timed_pass in range(4):
        forget_scans(db.engine)
        for n, q in enumerate(queries):
            took = timed(lambda q=q: first(q)) * 1000  # type: ignore[misc]
            if timed_pass:
                runs[n].append(took)
    times = [statistics.median(r) for r in runs]
    complete = [timed(lambda q=q: whole(q)) * 1000 for q in queries]  # type: ignore[misc]
    times.sort()
    complete.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    line(
        "search_p50",
        statistics.median(times),
        f"({len(times)} keystrokes in typing order, first page, median of 3 passes each)",
    )
    line(
        "search_p95",
        p95,
        f"(max {times[-1]:.1f} ms; whole id list p50 "
        f"{statistics.median(complete):.0f} ms, p95 "
        f"{complete[int(len(complete) * 0.95) - 1]:.0f} ms, in the background)",
    )


def bench_sorted_search(db: Database, actor: object) -> None:
    """The same keystrokes with the list sorted by postal code, and by the last change newest
    first (no index on it): the first page of ids and rows, median of three runs each."""
    from core.customers.search import ListOrder, list_rows, matching_ids

    page = _first_page()
    queries = query_mix(db, actor)
    p95s = {}
    for order, descending in ((ListOrder.POSTAL_CODE, False), (ListOrder.UPDATED, True)):
        times = []
        for q in queries:

            def first(q: str = q, order: ListOrder = order, desc: bool = descending) -> None:
                with db.read() as s:
                    result = matching_ids(
                        s,
                        actor,  # type: ignore[arg-type]
                        q,
                        limit=page,
                        order=order,
                        descending=desc,
                    )
                    list_rows(s, actor, result.ids[:60])  # type: ignore[arg-type]

            times.append(statistics.median(timed(first) for _ in range(3)) * 1000)
        times.sort()
        p95s[order.value] = (times[int(len(times) * 0.95) - 1], statistics.median(times))
    shown = ", ".join(
        f"{name} p95 {p95:.1f} ms p50 {p50:.1f} ms" for name, (p95, p50) in p95s.items()
    )
    line("search_sorted_p95", max(p95 for p95, _ in p95s.values()), f"({shown})")


def machine_reference(db: Database) -> None:
    """This machine's speed at the moment, for reading the figures: one fixed SQLite query
    (2,568 candidate rows looked up and the first page sorted), no application code. About
    3 ms on a quiet 2-core machine here; neighbours on a shared host double it at times, and
    every figure below moves with it."""
    import json

    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        ids = [
            r[0]
            for r in raw.execute(
                'SELECT rowid FROM customers_fts WHERE customers_fts MATCH \'"söd" AND "erb" AND "erg"\''
            )
        ]
        query = (
            "SELECT id FROM customers WHERE id IN (SELECT value FROM json_each(?)) "
            "AND search_text LIKE '%söderberg%' ORDER BY last_name, first_name, id "
            "LIMIT 61"
        )
        best = min(
            timed(lambda: raw.execute(query, (json.dumps(ids),)).fetchall()) for _ in range(8)
        )
    print(
        f"# machine reference: {best * 1000:.2f} ms for a fixed SQLite query "
        f"(about 3 ms when the host is quiet)",
        flush=True,
    )


def bench_list_and_detail(db: Database, actor: object) -> None:
    from sqlalchemy import select

    from core.customers.search import list_rows, matching_ids
    from core.customers.service import customer_detail, customer_history
    from core.models import Customer
    from core.orders import list_orders

    def list_open() -> None:
        with db.begin() as s:
            result = matching_ids(s, actor, limit=_first_page())  # type: ignore[arg-type]
            list_rows(s, actor, result.ids[:60])  # type: ignore[arg-type]

    list_open()
    line("customer_list_open", min(timed(list_open) for _ in range(3)) * 1000)
    with db.begin() as s:
        big = s.execute(
            select(Customer.id).where(Customer.email == "iso.tilaaja@esimerkki.fi")
        ).scalar_one()

    def detail() -> None:
        with db.begin() as s:
            customer_detail(s, actor, big)  # type: ignore[arg-type]
            customer_history(s, actor, big)  # type: ignore[arg-type]
            list_orders(s, actor, customer_id=big)  # type: ignore[arg-type]

    detail()
    line(
        "customer_detail_open",
        min(timed(detail) for _ in range(3)) * 1000,
        "(customer with 1000 orders)",
    )


def bench_access_report(db: Database, actor: object) -> None:
    """What the manager's "Access report" does for the customer with 1,000 orders: collect
    everything stored on them (hetu decrypted, orders, history, requests) and build the PDF.
    The transaction is rolled back so that the cached database stays as it was."""
    from sqlalchemy import select

    from core.clock import today
    from core.documents.access_report import build_access_report
    from core.models import Customer
    from core.requests.access import collect_access_data
    from core.requests.erasure import letterhead
    from core.requests.intake import register_request

    def report() -> bytes:
        session = db.session_factory()
        try:
            big = session.execute(
                select(Customer.id).where(Customer.email == "iso.tilaaja@esimerkki.fi")
            ).scalar_one()
            req = register_request(
                session,
                actor,  # type: ignore[arg-type]
                kind="access",
                received_on=today(),
                channel="letter",
                signed_on_file=True,
                original_location="Arkisto",
                customer_id=big,
            )
            data = collect_access_data(session, actor, req.id)  # type: ignore[arg-type]
            return build_access_report(data, letterhead(session), "fi")
        finally:
            session.rollback()
            session.close()

    report()  # fonts and modules loaded once, as in a running app
    times = sorted(timed(report) for _ in range(3))
    line(
        "access_report_pdf_1000_orders",
        times[1],
        f"(median of 3: data from the database and the PDF; {len(report()) // 1024} KB)",
    )


def _child(args: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env={**os.environ, **ENV}, cwd=ROOT
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, result


def import_csv(rows: int) -> Path:
    from core.demo import make_customer

    path = CACHE / f"import-{rows}.csv"
    if path.exists():
        return path
    rng = random.Random(11)
    used: set[str] = set()
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(
            [
                "etunimi",
                "sukunimi",
                "yritys",
                "sähköposti",
                "katuosoite",
                "postinumero",
                "postitoimipaikka",
                "puhelin",
                "hetu",
            ]
        )
        for i in range(rows):
            d = make_customer(rng, 500000 + i, used)
            phone = d.get("phone", "")
            if phone and rng.random() < 0.5:
                phone = f"0{phone[4:6]} {phone[6:9]} {phone[9:]}"
            w.writerow(
                [
                    d["first_name"],
                    d["last_name"],
                    d.get("organisation", ""),
                    d.get("email", ""),
                    d["street"],
                    d["postal_code"],
                    d["city"],
                    phone,
                    d.get("hetu", ""),
                ]
            )
    return path


def import_xlsx(rows: int) -> Path:
    """The CSV's rows as an .xlsx workbook written with openpyxl (what the app writes with),
    typed the way Excel keeps them: postal codes as numbers (00100 as 100), the rest text."""
    from openpyxl import Workbook

    path = CACHE / f"import-{rows}.xlsx"
    if path.exists():
        return path
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Asiakkaat")
    with import_csv(rows).open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        headers = next(reader)
        postal = headers.index("postinumero")
        sheet.append(headers)
        for row in reader:
            cells: list[object] = list(row)
            if row[postal].isdigit():
                cells[postal] = int(row[postal])
            sheet.append(cells)
    partial = path.with_suffix(".partial")
    book.save(partial)
    partial.replace(path)
    return path


def _fresh_register(path: Path | str) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "--db",
            str(path),
            "init",
            "--company",
            "B Oy",
            "--manager",
            "demo",
        ],
        check=True,
        capture_output=True,
        env={**os.environ},
    )


def _empty_target(tmp: Path, name: str, server: Server | None) -> str:
    """Where a fresh register for an import or the demo goes: a file, or a server database."""
    return (
        server.create(f"asiakasrekisteri_bench_{name}") if server else str(tmp / f"{name}.sqlite3")
    )


def bench_import_xlsx(tmp: Path, server: Server | None = None) -> float:
    """``import-customers`` of 100,000 rows from .xlsx, as the command line runs it; returns
    its peak RSS."""
    main = str(ROOT / "main.py")
    source = import_xlsx(100_000)
    empty = _empty_target(tmp, "import_xlsx", server)
    _fresh_register(empty)
    seconds, peak, result = _child(
        [main, "--db", str(empty), "import-customers", str(source), "--user", "demo"]
    )
    line(
        "import_100k_xlsx",
        seconds if result.returncode == 0 else None,
        f"({result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr})",
    )
    if server:
        server.drop("asiakasrekisteri_bench_import_xlsx")
    return peak


def bench_import_and_demo(tmp: Path, server: Server | None = None) -> float:
    """Both as the command line runs them (a fresh process each); returns their peak RSS."""
    main = str(ROOT / "main.py")
    source = import_csv(100_000)
    empty = _empty_target(tmp, "import", server)
    _fresh_register(empty)
    seconds, peak_import, result = _child(
        [main, "--db", str(empty), "import-customers", str(source), "--user", "demo"]
    )
    line(
        "import_100k_rows",
        seconds if result.returncode == 0 else None,
        f"({result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr})",
    )
    if server:
        server.drop("asiakasrekisteri_bench_import")
    demo_db = _empty_target(tmp, "demo", server)
    if server:
        _fresh_register(demo_db)  # `demo` makes its own register only in a new file
    seconds, peak_demo, result = _child(
        [main, "--db", demo_db, "demo", "--customers", "100000", "--user", "demo"]
        if server
        else [main, "--db", demo_db, "demo", "--customers", "100000"]
    )
    line(
        "demo_100k_customers",
        seconds if result.returncode == 0 else None,
        "" if result.returncode == 0 else result.stderr.strip()[:200],
    )
    if server:
        server.drop("asiakasrekisteri_bench_demo")
    return max(peak_import, peak_demo)


def bench_backup_and_restore(path: Path, tmp: Path) -> None:
    """An encrypted backup of the big database, then its verified restore, on a copy (the
    cached database stays as built)."""
    from core.backup.create import backup
    from core.backup.restore import restore

    copy = tmp / "backup-bench.sqlite3"
    shutil.copyfile(path, copy)
    db = open_database(copy)
    actor = attempt_login(db, "demo", PASSWORD)
    size = copy.stat().st_size / 1e6
    started = time.perf_counter()
    made = backup(db, actor, tmp / "kopiot")
    seconds = time.perf_counter() - started
    db.dispose()
    line(
        "encrypted_backup",
        seconds,
        f"({size:.0f} MB database, {made.stat().st_size / 1e6:.0f} MB file)",
    )
    started = time.perf_counter()
    report = restore(copy, made, actor=actor)
    seconds = time.perf_counter() - started
    line(
        "encrypted_restore",
        seconds,
        "(decrypt, checks, erasures and prohibitions replayed, replaced database kept encrypted)"
        if report.kept
        else "",
    )


def bench_startup(path: Path | str) -> None:
    script = ROOT / "bench" / "startup.py"
    if not script.exists():
        line("startup_to_login", None, "(bench/startup.py not present)")
        return
    result = subprocess.run(
        [sys.executable, str(script), "--db", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
        cwd=ROOT,
    )
    shown = [ln for ln in result.stdout.splitlines() if " target " in ln]
    for ln in shown:
        print(ln, flush=True)
    if not shown:
        line("startup_to_login", None, f"({result.stderr.strip()[-200:]})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--db",
        help="a PostgreSQL server (postgresql://USER@HOST:PORT/DATABASE) to measure on",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the server's benchmark database for next time"
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated: startup,search,list,report,backup,import,xlsx,memory",
    )
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    want = lambda name: not only or name in only  # noqa: E731
    server = Server(args.db) if args.db else None
    path = cached_database(args.customers, args.orders, args.rebuild and server is None)
    target: Path | str = path
    if server:
        print(f"# server: {server.settings()}", flush=True)
        target = server_database(server, args.customers, args.orders, args.rebuild)
    work = CACHE / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        if want("startup"):
            bench_startup(target)
        if server:
            reference = open_database(path)
            machine_reference(reference)
            reference.dispose()
        db = open_database(target)
        actor = attempt_login(db, "demo", PASSWORD)
        gc.collect()
        gc.freeze()  # as the app does once its main window is up (gui.app.freeze_startup_objects)
        if not server:
            machine_reference(db)
        if want("search"):
            bench_search(db, actor)
            bench_sorted_search(db, actor)
        if want("list"):
            bench_list_and_detail(db, actor)
        if want("report"):
            bench_access_report(db, actor)
        db.dispose()
        del db, actor  # the desk's session on the big database is over
        gc.collect()
        if want("backup"):
            if server:
                note = "(a server is backed up with pg_dump: README, Several desks)"
                line("encrypted_backup", None, note)
                line("encrypted_restore", None, note)
            else:
                bench_backup_and_restore(path, work)
        peak_children = bench_import_and_demo(work, server) if want("import") else 0.0
        if want("import") or want("xlsx"):
            peak_children = max(peak_children, bench_import_xlsx(work, server))
        if want("memory"):
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            line(
                "peak_rss",
                max(own, peak_children),
                f"(this process {own:.0f} MB: search, list, detail, report on the big database;"
                f" import/demo processes {peak_children:.0f} MB)",
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if server:
            if not args.keep:
                server.drop(make_url(str(target)).database or "")
            server.admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
