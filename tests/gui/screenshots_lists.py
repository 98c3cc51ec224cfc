"""Save screenshots of the Customers and Orders pages (fi and en) to look at.

    QT_QPA_PLATFORM=offscreen python -m tests.gui.screenshots_lists --db DB --user USER [--out DIR]

The password comes from ASIAKASREKISTERI_PASSWORD. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from core import i18n
    from core.db import open_database
    from core.security.auth import attempt_login
    from gui.context import AppContext
    from gui.customers.view import CustomersPage
    from gui.orders.dialog import OrderDialog
    from gui.orders.view import OrdersPage
    from gui.tasks import SyncTaskRunner

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--out", default="/tmp/shots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    db = open_database(args.db, create=False)
    actor = attempt_login(db, args.user, os.environ["ASIAKASREKISTERI_PASSWORD"])
    ctx = AppContext(db=db, actor=actor, tasks=SyncTaskRunner())

    def save(widget, name: str) -> None:
        widget.resize(1280, 800)
        widget.show()
        for _ in range(5):
            app.processEvents()
        widget.grab().save(str(out / f"{name}.png"))

    for lang in ("fi", "en"):
        i18n.set_language(lang)
        page = CustomersPage(ctx)
        save(page, f"customers_{lang}")
        page.search.setText("virta")
        page.run_search()
        save(page, f"customers_search_{lang}")
        page.open_row(0)
        save(page, f"customer_detail_{lang}")
        page.detail.edits["email"].setText("ei-sahkopostia")
        page.detail.hetu_edit.setReadOnly(False)
        page.detail.hetu_edit.setText("131052-308X")
        page.detail.save()
        save(page, f"customer_errors_{lang}")
        page.new_customer() if not page.has_unsaved_changes() else page.discard_changes()
        page.detail.new_customer()
        save(page, f"customer_new_{lang}")
        orders = OrdersPage(ctx)
        save(orders, f"orders_{lang}")
        orders.table.selectRow(0)
        dialog = OrderDialog(ctx, order=orders.current())
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(out / f"order_dialog_{lang}.png"))
        page.close()
        orders.close()
        dialog.close()
    print(f"saved to {out}")


if __name__ == "__main__":
    main()
