"""The Requests screen: an access request from intake to completion, the list colours,
buttons a receptionist may not use, and an erasure decided by a manager."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from core.clock import today
from core.models import Customer, Request
from core.requests import list_requests
from gui.context import AppContext
from gui.requests.intake import NewRequestDialog
from gui.requests.model import OVERDUE_BG, SOON_BG, request_table_model
from gui.requests.view import RequestsPage
from gui.tasks import SyncTaskRunner
from tests.conftest import valid_hetu
from tests.core.requests_helpers import add_order, make_customer, new_request


class FakeAsker:
    """Answers the screen's questions like a user would, and remembers what was saved."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.texts: list[str] = []
        self.saved: list[Path] = []
        self.shown: list[Path] = []
        self.printed: list[tuple[str, bytes]] = []  # the print previews shown
        self.scan: Path | None = None
        self.asked: list[tuple[str, str, bool]] = []  # (question, button, destructive)
        self.answer = True

    def text(self, title, label, note="", check=None):
        return self.texts.pop(0) if self.texts else None

    def months(self, title, label):
        return 2

    def confirm(self, text, action, destructive=False):
        self.asked.append((text, action, destructive))
        return self.answer

    def open_file(self, title):
        return self.scan

    def save_path(self, suggested):
        path = self.folder / suggested
        self.saved.append(path)
        return path

    def show_file(self, path):
        self.shown.append(path)

    def print_pdf(self, content, filename):
        self.printed.append((filename, content))


def _page(qtbot, db, actor, tmp_path) -> tuple[RequestsPage, FakeAsker]:
    asker = FakeAsker(tmp_path)
    page = RequestsPage(AppContext(db, actor, SyncTaskRunner()), asker=asker)
    qtbot.addWidget(page)
    return page, asker


def test_access_request_from_intake_to_completion(qtbot, db, manager, receptionist, tmp_path):
    hetu = valid_hetu(12, 12, 1962, 246)
    cid = make_customer(db, manager, hetu=hetu)
    page, asker = _page(qtbot, db, receptionist, tmp_path)
    ctx = page.ctx

    # intake: a letter without the signed form yet; found by identity code and name
    dialog = NewRequestDialog(ctx, page, kind="access", asker=asker)
    qtbot.addWidget(dialog)
    dialog.name.setText("Matti Meikäläinen")  # QTest types ASCII only
    qtbot.keyClicks(dialog.hetu, hetu)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.request_id is not None, dialog.error.text()
    rid = dialog.request_id
    page.refresh()
    assert page.model.rowCount() == 1
    page.open_request(rid)
    rp = page.page
    assert rp.detail.state == "awaiting_signature" and rp.detail.customer_id == cid
    assert not rp.buttons["report"].isEnabled()

    # the blank form to send, then the signed request comes back with its scan
    rp.buttons["form"].click()
    assert asker.printed[-1][1].startswith(b"%PDF")  # the print preview, not a file
    scan = tmp_path / "allekirjoitettu.pdf"
    scan.write_bytes(b"%PDF-1.4 signed\n%%EOF")
    asker.scan = scan
    asker.texts = ["Paloturvakaappi, mappi 2026/4"]
    rp.buttons["attach"].click()
    assert rp.detail.state == "in_progress", rp.error.text()
    assert rp.detail.attachments[0].filename == "allekirjoitettu.pdf"

    # receptionist: may produce the report and complete, may not decide
    assert not rp.buttons["refuse"].isEnabled() and not rp.buttons["extend"].isEnabled()
    rp.buttons["finish_access"].click()
    assert rp.error.isVisibleTo(rp) and rp.detail.state == "in_progress"  # report first
    rp.buttons["report"].click()
    rp.buttons["json"].click()
    assert [p.suffix for p in asker.saved[-2:]] == [".pdf", ".json"]
    assert hetu.encode() in asker.saved[-1].read_bytes()
    rp.buttons["finish_access"].click()
    assert rp.detail.state == "completed"
    assert {d.kind for d in rp.detail.documents} >= {"access_report", "access_json"}
    from PySide6.QtWidgets import QLabel

    texts = [w.text() for w in rp.body.widget().findChildren(QLabel)]
    assert any("Rekisteriote" in x for x in texts)  # the documents made, by name
    assert not any("{" in x for x in texts)  # every placeholder filled
    qtbot.keyClick(rp, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list_page


def test_list_marks_overdue_red_and_due_soon_amber(qtbot, db, receptionist, qtmodeltester):
    new_request(db, receptionist, "access", received_on=today() - timedelta(days=40))
    new_request(db, receptionist, "access", received_on=today() - timedelta(days=27))
    new_request(db, receptionist, "objection", objection_kinds=("research",))
    with db.begin() as s:
        rows = list_requests(s, receptionist)
    model = request_table_model()
    model.set_rows(rows)
    qtmodeltester.check(model)
    colours = [model.data(model.index(r, 6), Qt.ItemDataRole.BackgroundRole) for r in range(3)]
    assert colours[0].color() == OVERDUE_BG and colours[1].color() == SOON_BG
    assert colours[2] is None
    assert "myöhässä" in model.data(model.index(0, 6))


def test_filters_by_state_and_kind(qtbot, db, receptionist, tmp_path):
    new_request(db, receptionist, "access")
    new_request(db, receptionist, "erasure", signed=False)
    page, _ = _page(qtbot, db, receptionist, tmp_path)
    assert page.model.rowCount() == 2
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("erasure"))
    assert page.model.rowCount() == 1
    page.state_filter.setCurrentIndex(page.state_filter.findData("completed"))
    assert page.model.rowCount() == 0


def test_manager_erases_with_holds_shown_and_gets_the_letter(qtbot, db, manager, tmp_path):
    cid = make_customer(db, manager)
    add_order(db, manager, cid, date(today().year - 2, 6, 1))
    rid = new_request(db, manager, "erasure", customer_id=cid)
    page, asker = _page(qtbot, db, manager, tmp_path)
    page.open_request(rid)
    rp = page.page
    assert rp.holds and rp.holds[0].kind == "accounting_retention"
    rp.buttons["erase"].click()
    assert rp.detail.state == "completed" and rp.detail.decision == "partly", rp.error.text()
    assert asker.saved[-1].read_bytes().startswith(b"%PDF")
    with db.begin() as s:
        assert s.get(Customer, cid).state == "restricted"


def test_receptionist_sees_decisions_disabled(qtbot, db, manager, receptionist, tmp_path):
    cid = make_customer(db, manager)
    rid = new_request(db, receptionist, "erasure", customer_id=cid)
    page, _ = _page(qtbot, db, receptionist, tmp_path)
    page.open_request(rid)
    for key in ("erase", "refuse", "extend"):
        assert not page.page.buttons[key].isEnabled(), key
    assert page.page.buttons["withdraw"].isEnabled()


def test_refusal_reason_is_required_on_screen(qtbot, db, manager, tmp_path):
    rid = new_request(db, manager, "access")
    page, asker = _page(qtbot, db, manager, tmp_path)
    page.open_request(rid)
    asker.texts = ["  "]
    page.page.buttons["refuse"].click()
    assert "perustelu" in page.page.error.text()
    asker.texts = ["Pyyntö on ilmeisen perusteeton, koska sama pyyntö käsiteltiin eilen."]
    page.page.buttons["refuse"].click()
    with db.begin() as s:
        assert s.get(Request, rid).state == "refused"


def test_intake_reads_the_scan_on_the_task_runner_and_registers_once(
    qtbot, db, receptionist, tmp_path, monkeypatch
):
    from tests.gui.guard import DeferredRunner

    runner = DeferredRunner()
    ctx = AppContext(db, receptionist, runner)
    scan = tmp_path / "allekirjoitettu.pdf"
    scan.write_bytes(b"%PDF-1.4 signed\n%%EOF")
    read: list[Path] = []
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        read.append(self)
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    dialog = NewRequestDialog(ctx, kind="access")
    qtbot.addWidget(dialog)
    runner.run_pending()
    dialog.name.setText("Matti Meikalainen")
    dialog.scan = scan
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    ok.click()  # a double-click
    assert not read and not ok.isEnabled()  # nothing read on the GUI thread, one save asked
    assert len(runner.pending) == 1
    runner.run_pending()
    assert read == [scan] and dialog.request_id is not None, dialog.error.text()


def test_a_notice_to_a_recipient_without_address_is_refused_on_screen(qtbot, db, manager, tmp_path):
    """Issue 15 point 3: the screen lists the office's own channel as no addressee, and the
    notices button says which register entry to complete; nothing is saved."""
    from PySide6.QtWidgets import QLabel
    from sqlalchemy import select

    from core.disclosures import record_disclosure
    from core.models import RequestItem
    from core.recipients import create_recipient
    from core.requests import ItemInput, decide_rectification, finish_rectification

    cid = make_customer(db, manager, source="shop")
    with db.begin() as s:
        entry = create_recipient(s, manager, {"name": "Asuntotieto Oy", "city": "Helsinki"})
        record_disclosure(s, manager, cid, entry.id, "credit_decision", ["city"])
    rid = new_request(
        db, manager, "rectification", customer_id=cid, items=(ItemInput("city", "Espoo"),)
    )
    with db.begin() as s:
        item = s.execute(select(RequestItem.id).where(RequestItem.request_id == rid)).scalar()
        decide_rectification(s, manager, item, True)
        finish_rectification(s, manager, rid)
    page, asker = _page(qtbot, db, manager, tmp_path)
    page.open_request(rid)
    rp = page.page
    lines = [label.text() for label in rp.findChildren(QLabel)]
    assert any(
        "Myymälä (tietolähde: Postitoimipaikka): yrityksen oma myyntikanava, ei ilmoitusta" in x
        for x in lines
    ), lines
    rp.buttons["notices"].click()
    assert rp.error.text() == (
        "Vastaanottajan Asuntotieto Oy tiedoista puuttuu: katuosoite, postinumero. "
        "Täydennä ne vastaanottajarekisteriin."
    )
    assert asker.saved == []
    page.resize(1280, 800)
