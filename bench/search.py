"""Customer search latency on a big database (DESIGN.md section 9).

    python main.py --db /tmp/big.sqlite3 demo --customers 100000
    ASIAKASREKISTERI_PASSWORD=... python bench/search.py --db /tmp/big.sqlite3 --user demo

Measures, with the real worker thread and the real Customers page (offscreen):
- search-as-you-type: from a keystroke's search request (after the 150 ms debounce) to the
  first rows in the model, and to the complete id list, over prefixes of realistic queries;
- customer list open: from creating the page to the first rows (and the complete list);
- customer detail open: from Enter on a row to the form showing the customer.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import func, select

    from core.db import open_database
    from core.models import Customer
    from core.security.auth import attempt_login
    from gui.context import AppContext
    from gui.customers.view import CustomersPage
    from gui.tasks import SyncTaskRunner, TaskRunner

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", default="demo")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--sync",
        action="store_true",
        help="run the queries on the GUI thread (separates thread hand-over from query time)",
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    db = open_database(args.db, create=False)
    actor = attempt_login(db, args.user, os.environ["ASIAKASREKISTERI_PASSWORD"])
    ctx = AppContext(db=db, actor=actor, tasks=SyncTaskRunner() if args.sync else TaskRunner())
    with db.begin() as s:
        total = s.execute(select(func.count(Customer.id))).scalar_one()
        sample = s.execute(
            select(
                Customer.first_name,
                Customer.last_name,
                Customer.email,
                Customer.postal_code,
                Customer.phone,
            )
            .order_by(func.random())
            .limit(args.queries)
        ).all()
    rng = random.Random(args.seed)
    queries = []
    for first, last, email, postal, phone in sample:
        kind = rng.choice(["last", "last", "first last", "email", "postal", "phone"])
        text = {
            "last": last,
            "first last": f"{first} {last}",
            "email": email or last,
            "postal": postal or last,
            "phone": (phone[-7:] if phone else last),
        }[kind]
        queries.append(text.lower())

    def wait(signal, predicate=lambda *a: True, timeout_ms: int = 10000) -> None:
        if args.sync:
            return  # already done
        loop = QEventLoop()

        def check(*values) -> None:
            if predicate(*values):
                loop.quit()

        signal.connect(check)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(check)

    # List open: page construction starts the empty search.
    started = time.perf_counter()
    page = CustomersPage(ctx)
    page.resize(1280, 800)
    page.show()
    wait(page.model.searched, lambda count, complete: True)
    list_first = (time.perf_counter() - started) * 1000
    if not page.model.complete:
        wait(page.model.searched, lambda count, complete: complete)
    list_all = (time.perf_counter() - started) * 1000

    first_rows: list[float] = []
    all_rows: list[float] = []
    for query in queries:
        for end in range(1, len(query) + 1):
            page.search.setText(query[:end])
            page.run_search()  # what the debounce timer does 150 ms after the keystroke
            wait(page.model.searched, lambda count, complete: complete)
            first_rows.append(page.model.first_rows_ms)
            all_rows.append(page.model.all_rows_ms)
            app.processEvents()

    detail_times: list[float] = []
    ids = [page.model.customer_id(i) for i in range(min(page.model.rowCount(), 1))]
    page.search.setText("")
    page.run_search()
    wait(page.model.searched, lambda count, complete: complete)
    rows = rng.sample(range(page.model.rowCount()), 20)
    for row in rows:
        page.show_list()
        started = time.perf_counter()
        page.open_row(row)
        wait(page.detail.loaded)
        detail_times.append((time.perf_counter() - started) * 1000)
    del ids

    def line(name: str, values: list[float], target: float) -> None:
        p50, p95 = statistics.median(values), percentile(values, 95)
        verdict = "ok" if p95 < target else "OVER"
        print(
            f"{name:<44} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (target p95 < {target:.0f} ms)"
            f"  {verdict}  n={len(values)}"
        )

    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; worker: "
        f"{'none (--sync)' if args.sync else 'TaskRunner thread'}"
    )
    print(
        f"database: {db.display_location()}, {total} customers, "
        f"{len(queries)} queries, {len(first_rows)} keystrokes"
    )
    line("search: keystroke to first rows in model", first_rows, 15)
    line("search: keystroke to complete id list", all_rows, 200)
    print(
        f"{'customer list open: first rows':<44} {list_first:7.1f} ms  (target < 200 ms)  "
        f"{'ok' if list_first < 200 else 'OVER'}"
    )
    print(f"{'customer list open: all ids':<44} {list_all:7.1f} ms")
    line("customer detail open", detail_times, 100)
    ctx.tasks.wait()


if __name__ == "__main__":
    main()
