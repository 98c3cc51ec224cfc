"""Screenshots of the Requests screen (run by hand: python -m pytest tests/gui/screenshots_requests.py
-p no:cacheprovider -q -k shots --shots; not part of the suite: the file name has no test_ prefix)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from core.clock import today
from core.disclosures import record_disclosure
from core.i18n import set_language
from core.requests import ItemInput
from gui.context import AppContext
from gui.requests.intake import NewRequestDialog
from gui.requests.view import RequestsPage
from gui.tasks import SyncTaskRunner
from tests.core.requests_helpers import add_order, make_customer, new_request, recipient
from tests.gui.test_requests_screen import FakeAsker

OUT = Path("/tmp/shots")


def _grab(widget, name: str) -> None:
    OUT.mkdir(exist_ok=True)
    widget.resize(1280, 800)
    widget.show()
    widget.grab().save(str(OUT / f"{name}.png"))


def test_shots(qtbot, db, manager, receptionist, tmp_path) -> None:
    for lang in ("fi", "en"):
        set_language(lang)
        if lang == "fi":
            cid = make_customer(db, manager)
            c2 = make_customer(
                db, manager, first_name="Liisa", last_name="Korhonen", email="liisa@example.fi"
            )
            add_order(db, manager, c2, date(today().year - 2, 3, 3))
            add_order(db, manager, c2, date(today().year - 1, 5, 3), invoice_state="open")
            with db.begin() as s:
                record_disclosure(
                    s,
                    manager,
                    cid,
                    recipient(
                        s, manager, "Perintä Oy Saatava", "Perintäkuja 3", "33100", "Tampere"
                    ),
                    "debt_collection",
                    ["street", "last_name"],
                )
            new_request(db, receptionist, "access", received_on=today() - timedelta(days=40))
            new_request(db, receptionist, "erasure", c2, received_on=today() - timedelta(days=26))
            rect = new_request(
                db,
                receptionist,
                "rectification",
                cid,
                items=(
                    ItemInput("street", "Sörnäisten rantatie 25 A 12", "Muutin 1.10."),
                    ItemInput("last_name", "Virtanen", "Menin naimisiin"),
                ),
            )
            new_request(
                db,
                receptionist,
                "objection",
                cid,
                signed=False,
                objection_kinds=("direct_marketing", "publication"),
            )
            new_request(
                db,
                receptionist,
                "anonymisation",
                signed=False,
                subject_name="Pekka Tuntematon",
                customer_id=None,
            )
        page = RequestsPage(AppContext(db, manager, SyncTaskRunner()), asker=FakeAsker(tmp_path))
        qtbot.addWidget(page)
        _grab(page, f"requests_list_{lang}")
        page.open_request(rect)
        _grab(page, f"request_rectification_{lang}")
        erasure = [r for r in page.model._rows if r.kind == "erasure"][0]
        page.open_request(erasure.id)
        _grab(page, f"request_erasure_{lang}")
        rpage = RequestsPage(
            AppContext(db, receptionist, SyncTaskRunner()), asker=FakeAsker(tmp_path)
        )
        qtbot.addWidget(rpage)
        access = [r for r in rpage.model._rows if r.kind == "access"][0]
        rpage.open_request(access.id)
        _grab(rpage, f"request_access_receptionist_{lang}")
        dialog = NewRequestDialog(page.ctx, None, kind="rectification")
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.grab().save(str(OUT / f"new_request_{lang}.png"))
    set_language("fi")
