"""Several desks on one register at once, against the single-desk targets of DESIGN.md 9:

    python bench/desks.py [--db PATH|postgresql://USER@HOST:PORT/postgres]
                          [--desks 4] [--seconds 60] [--import-rows 20000]

Each desk is a process of its own (multiprocessing "spawn") logged in as its own receptionist.
It types a surname a keystroke every 120 ms, each keystroke the customer list's search
(gui.customers.model.search_page: core.customers.search.matching_ids and list_rows), opens the
first customer found (the detail panel's reads, gui.customers.detail.load_customer), adds an
order about every 5 s and saves an edit about every 10 s, a third of them on a customer every
desk edits, after the time it takes to type the change: those saves meet real Conflicts.
Desk 1 imports ``--import-rows`` rows through core's importer at about second 20, in a thread
of its own as the window's import does, while its receptionist goes on working.

The register is a copy of bench/run.py's benchmark database (100,000 customers, 1,000,000
orders): the cached SQLite file, or on a server a new database made from bench/run.py's
(``CREATE DATABASE ... TEMPLATE``, read into the server's cache first), dropped at the end.
Each desk freezes what its start-up built out of the garbage collector's reach, as the app
does once its main window is open (gui.app.freeze_startup_objects), and collects garbage on a
thread of its own every second instead of wherever objects are made, as the app's GUI thread
does (gui.app.collect_by_thresholds). Printed: a line per desk
(search n, p50, p95, save n, p95, conflicts, errors; ``--slowest N`` adds each desk's slowest
keystrokes), the targets ok/MISS, the audit chain verified by core.verify, and bench/run.py's
machine reference line.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run  # noqa: E402  (sets the benchmark's environment and keyring first)

KEYSTROKE_S = 0.12
ORDER_EVERY_S = 5.0
EDIT_EVERY_S = 10.0
SHARED_EDIT = 1 / 3  # the share of edits made on a customer every desk edits
IMPORT_AT_S = 20.0
DESK_PASSWORD = "Kirjahylly-Aurinko-77-tiski"
TARGET_SEARCH_P95_MS = 15.0
TARGET_SAVE_P95_MS = 100.0


@dataclass
class DeskResult:
    desk: int
    searches: list[float] = field(default_factory=list)  # ms
    typed: list[str] = field(default_factory=list)  # what each search was for
    opens: list[float] = field(default_factory=list)
    saves: list[float] = field(default_factory=list)
    conflicts: int = 0
    prepared: int = 0  # the search's kept list read again in the background
    errors: list[str] = field(default_factory=list)
    import_note: str = ""


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


def desk(
    n: int,
    url: str,
    start_at: float,
    seconds: float,
    surnames: list[str],
    shared: list[int],
    import_file: str,
) -> DeskResult:
    """One desk's minute: runs in a process of its own."""
    from core.customers.search import prepare_search
    from core.customers.service import customer_detail, update_customer
    from core.db import open_database
    from core.errors import Conflict
    from core.models import CustomerState
    from core.orders import create_order
    from core.security.auth import attempt_login
    from core.transfer.importing import import_customers
    from gui.app import GC_INTERVAL_MS, collect_by_thresholds, freeze_startup_objects
    from gui.customers.detail import load_customer
    from gui.customers.model import search_page

    result = DeskResult(n)
    rng = random.Random(n)
    db = open_database(url)
    actor = attempt_login(db, f"tiski{n}", DESK_PASSWORD)
    with db.read() as s:  # as the customer list does once its first rows are shown
        search_page(s, actor, "", False)
        prepare_search(s, actor)
    freeze_startup_objects()  # as the app does once its main window is open
    collecting = threading.Event()

    def collect_garbage() -> None:  # as the app's GUI thread does, every GC_INTERVAL_MS
        while not collecting.wait(GC_INTERVAL_MS / 1000):
            collect_by_thresholds()

    gc.disable()
    threading.Thread(target=collect_garbage, daemon=True).start()
    importer: threading.Thread | None = None
    preparing: threading.Thread | None = None

    def prepare() -> None:
        try:
            with db.read() as s:
                prepare_search(s, actor)
            result.prepared += 1
        except Exception as exc:
            result.errors.append(f"prepare: {type(exc).__name__}: {exc}")

    def do_import() -> None:
        started = time.perf_counter()
        try:
            report = import_customers(db, actor, Path(import_file), rejected_file=False)
            result.import_note = (
                f"{report.imported} imported, {report.unchanged} unchanged, "
                f"{report.rejected} rejected in {time.perf_counter() - started:.1f} s"
            )
        except Exception as exc:
            result.errors.append(f"import: {type(exc).__name__}: {exc}")

    def saved(action) -> None:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            with db.begin() as s:
                action(s)
        except Conflict:
            result.conflicts += 1
        except Exception as exc:
            result.errors.append(f"save: {type(exc).__name__}: {exc}")
        result.saves.append((time.perf_counter() - started) * 1000)

    time.sleep(max(0.0, start_at - time.time()))
    began = time.monotonic()
    end = began + seconds
    next_order = began + rng.uniform(2, 2 * ORDER_EVERY_S - 2)
    next_edit = began + rng.uniform(4, 2 * EDIT_EVERY_S - 4)
    opened: int | None = None
    try:
        while time.monotonic() < end:
            if n == 1 and importer is None and time.monotonic() - began >= IMPORT_AT_S:
                importer = threading.Thread(target=do_import)
                importer.start()
            name = rng.choice(surnames).lower()
            ids: list[int] = []
            for i in range(2, min(len(name), 7) + 1):  # the receptionist types 2..7 letters
                keystroke = time.monotonic()
                started = time.perf_counter()
                try:
                    with db.read() as s:
                        found, _rows = search_page(s, actor, name[:i], False)
                    ids = found.ids
                    if found.unprepared and not (preparing and preparing.is_alive()):
                        # As the customer list does: core reads its list again, meanwhile.
                        preparing = threading.Thread(target=prepare)
                        preparing.start()
                except Exception as exc:
                    result.errors.append(f"search: {type(exc).__name__}: {exc}")
                result.searches.append((time.perf_counter() - started) * 1000)
                result.typed.append(name[:i])
                time.sleep(max(0.0, keystroke + KEYSTROKE_S - time.monotonic()))
            if ids:
                started = time.perf_counter()
                try:
                    with db.read() as s:
                        shown = load_customer(s, actor, ids[0]).detail
                    # The panel offers saving only on a customer who may change.
                    opened = ids[0] if shown.state == CustomerState.ACTIVE else None
                except Exception as exc:
                    result.errors.append(f"open: {type(exc).__name__}: {exc}")
                result.opens.append((time.perf_counter() - started) * 1000)
            time.sleep(rng.uniform(0.5, 1.5))  # reading what the panel shows
            now = time.monotonic()
            if opened is not None and now >= next_order:
                next_order = now + rng.uniform(ORDER_EVERY_S - 2, ORDER_EVERY_S + 2)
                order = {
                    "item": "Arviokäynti",
                    "amount": f"{rng.randint(50, 900)},00",
                    "ordered_on": date.today(),
                }
                saved(lambda s, c=opened, o=order: create_order(s, actor, c, o))
            if now >= next_edit:
                next_edit = now + rng.uniform(EDIT_EVERY_S - 3, EDIT_EVERY_S + 3)
                target = rng.choice(shared) if rng.random() < SHARED_EDIT else opened
                if target is not None:
                    with db.read() as s:  # the edit form opens on what is stored now
                        version = customer_detail(s, actor, target).version
                    time.sleep(rng.uniform(1.0, 3.0))  # typing the new address
                    street = f"Tiskinkatu {n}{rng.randint(1, 99)}"
                    saved(
                        lambda s, c=target, v=version, st=street: update_customer(
                            s, actor, c, {"street": st}, expected_version=v
                        )
                    )
    except Exception:
        result.errors.append(traceback.format_exc(limit=3))
    finally:
        if importer is not None:
            importer.join()
        if preparing is not None:
            preparing.join()
        collecting.set()
        db.dispose()
    return result


# --- the register ------------------------------------------------------------------------------


def make_register(db_arg: str | None, work: Path) -> tuple[str, run.Server | None, str]:
    """A copy of the benchmark database to work on: (its URL, the server or None, its name)."""
    path = run.cached_database(100_000, 1_000_000, False)
    if db_arg and "://" in db_arg and not db_arg.startswith("sqlite"):
        server = run.Server(db_arg)
        template = run.server_database(server, 100_000, 1_000_000, False)
        name = "asiakasrekisteri_bench_desks"
        server.drop(name)
        with server.admin.connect() as conn:
            conn.exec_driver_sql(
                f'CREATE DATABASE "{name}" TEMPLATE "{run.make_url(template).database}"'
            )
        url = server.url(name).render_as_string(hide_password=False)
        prewarm(url)
        return url, server, name
    copy = Path(db_arg) if db_arg else work / "desks.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    shutil.copyfile(path, copy)
    return str(copy), None, ""


def prewarm(url: str) -> None:
    """Read the new copy into the server's cache (pg_prewarm, PostgreSQL's contrib), as a
    server that has been running all day has its register: a copy made a second ago has new
    files, none of whose pages the server has cached."""
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            conn.exec_driver_sql(
                "SELECT pg_prewarm(c.oid) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"
            )
    finally:
        engine.dispose()


def prepare(url: str, desks: int) -> tuple[list[str], list[int]]:
    """The desks' users (receptionists), the surnames they type and the customers all edit."""
    from sqlalchemy import func, select

    from core.db import open_database
    from core.models import Customer, CustomerState, User
    from core.security.auth import attempt_login, create_user

    db = open_database(url)
    manager = attempt_login(db, "demo", run.PASSWORD)
    with db.begin() as s:
        for n in range(1, desks + 1):
            if s.execute(select(User.id).where(User.username == f"tiski{n}")).first():
                continue
            create_user(
                s,
                manager,
                f"tiski{n}",
                f"Tiski {n}",
                "receptionist",
                DESK_PASSWORD,
                date(2024, 1, 1),
                must_change_password=False,
            )
        rng = random.Random(9)
        top = s.execute(select(func.max(Customer.id))).scalar_one()
        sample = (
            s.execute(
                select(Customer.last_name).where(
                    Customer.id.in_([rng.randint(1, top) for _ in range(400)])
                )
            )
            .scalars()
            .all()
        )
        shared = list(
            s.execute(
                select(Customer.id)
                .where(Customer.state == CustomerState.ACTIVE, Customer.id.in_(range(500, 600)))
                .limit(4)
            ).scalars()
        )
    db.dispose()
    return sorted(set(sample)), shared


def verify(url: str) -> str:
    from core.db import open_database
    from core.verify import verify_database

    db = open_database(url)
    try:
        report = verify_database(db, "en")
    finally:
        db.dispose()
    return "ok: " + "; ".join(report.lines) if report.ok else "MISS: " + "; ".join(report.problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an SQLite file to make, or a PostgreSQL server's URL")
    parser.add_argument("--desks", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument(
        "--slowest", type=int, default=0, help="also print each desk's N slowest keystrokes"
    )
    args = parser.parse_args()
    work = run.CACHE / "desks"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # Each run is a new copy of the register: the desks' audit anchors (core.security.audit,
    # in the user's config folder) are this run's own, not those an earlier copy left.
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    url, server, name = make_register(args.db, work)
    try:
        if server:
            print(f"# server: {server.settings()}", flush=True)
        reference = run.open_database(run.cached_database(100_000, 1_000_000, False))
        run.machine_reference(reference)
        reference.dispose()
        surnames, shared = prepare(url, args.desks)
        source = run.import_csv(args.import_rows)
        start_at = time.time() + 5 + 2 * args.desks  # every process imported and logged in
        jobs = [
            (n, url, start_at, args.seconds, surnames, shared, str(source))
            for n in range(1, args.desks + 1)
        ]
        # Not a multiprocessing.Pool: its daemonic workers may not start the import's helper.
        with ProcessPoolExecutor(
            args.desks, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            results: list[DeskResult] = list(pool.map(desk, *zip(*jobs, strict=True)))
        chain = verify(url)
    finally:
        if server:
            server.drop(name)
            server.admin.dispose()
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{'desk':>4} {'search n':>8} {'p50 ms':>7} {'p95 ms':>7} {'open p95':>8} "
        f"{'save n':>6} {'p95 ms':>7} {'conflicts':>9} {'errors':>6}"
    )
    for r in results:
        print(
            f"{r.desk:>4} {len(r.searches):>8} {statistics.median(r.searches or [0]):>7.1f} "
            f"{percentile(r.searches, 0.95):>7.1f} {percentile(r.opens, 0.95):>8.1f} "
            f"{len(r.saves):>6} {percentile(r.saves, 0.95):>7.1f} {r.conflicts:>9} "
            f"{len(r.errors):>6}"
        )
        if r.import_note:
            print(f"     desk {r.desk} import: {r.import_note}")
        if r.prepared:
            print(f"     desk {r.desk} read its search list again {r.prepared} times")
        if args.slowest:
            slow = sorted(zip(r.searches, r.typed, strict=True), reverse=True)[: args.slowest]
            print("     slowest: " + ", ".join(f"{q!r} {ms:.0f}" for ms, q in slow))
        for error in r.errors[:3]:
            print(f"     desk {r.desk} error: {error.strip().splitlines()[-1]}")
    worst_search = max(percentile(r.searches, 0.95) for r in results)
    worst_save = max(percentile(r.saves, 0.95) for r in results)
    errors = sum(len(r.errors) for r in results)
    conflicts = sum(r.conflicts for r in results)
    verdict = lambda ok: "ok" if ok else "MISS"  # noqa: E731
    print(
        f"search p95 {worst_search:.1f} ms target {TARGET_SEARCH_P95_MS:g} "
        f"{verdict(worst_search < TARGET_SEARCH_P95_MS)} (worst desk)"
    )
    print(
        f"save p95 {worst_save:.1f} ms target {TARGET_SAVE_P95_MS:g} "
        f"{verdict(worst_save < TARGET_SAVE_P95_MS)} (worst desk)"
    )
    print(f"errors {errors} target 0 {verdict(errors == 0)} ({conflicts} expected Conflicts)")
    print(f"audit chain {chain}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
