"""Screenshots of the screens issue 16 touched (run by hand:
python -m pytest tests/gui/screenshots_window_day.py -p no:cacheprovider -q; not part of the
suite: the file name has no test_ prefix). Written to /tmp/shots/window_day/."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox

from core.requests import required_reason
from gui import messages
from gui.requests.common import TextDialog

OUT = Path("/tmp/shots/window_day")


def _grab(widget, name: str, size: tuple[int, int] | None = (1280, 800)) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if size:
        widget.resize(*size)
    widget.show()
    widget.grab().save(str(OUT / f"{name}.png"))


def test_shots_dialogs(qtbot) -> None:
    dialog = TextDialog(
        None,
        "Hylkää pyyntö…",
        "Perustelu:",
        "Henkilö saa perustelun tiedoksi.",
        check=required_reason,
    )
    qtbot.addWidget(dialog)
    _grab(dialog, "reason_dialog", None)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    _grab(dialog, "reason_dialog_error", None)
    box, _ = messages.confirmation_box(
        None,
        "Tehdäänkö poistopyynnöstä kielteinen päätös? Henkilön tietoja ei poisteta, koska niiden "
        "poistamiselle on este (avoin lasku tai perintä). Kielteinen päätöskirje tehdään samalla.",
        "Tee kielteinen päätös",
    )
    qtbot.addWidget(box)
    _grab(box, "confirm_refusal", None)


def test_shots_customer(qtbot, db, manager) -> None:
    from tests.conftest import valid_hetu
    from tests.gui.test_window_day import _customers_page

    page, cid = _customers_page(qtbot, db, manager)
    page.open_customer(cid)
    page.detail.edits["email"].setText("aino@example.fi")
    from tests.gui.lists_fixtures import add_customer

    page.open_customer(add_customer(db, manager, hetu=valid_hetu()))
    page.resize(1040, 760)
    page.detail.show_hetu_button.click()
    _grab(page, "customer_detail_1040", None)
    _grab(page, "customer_detail")
    page.show_list()
    _grab(page, "customer_list")


def test_shots_request_page(qtbot, db, manager, tmp_path) -> None:
    from tests.gui.test_window_day import _rectification, _request_page

    _, rid = _rectification(db, manager)
    rp, asker = _request_page(qtbot, db, manager, tmp_path, rid)
    asker.texts = ["Nimi on väestötietojärjestelmän mukainen."]
    rp.buttons["refuse_item"].click()
    rp.buttons["finish_rect"].click()
    rp.buttons["refusal_cert"].click()
    page = rp.parent()
    while page.parent() is not None:
        page = page.parent()
    _grab(page, "request_page_saved")


def test_shots_duplicates(qtbot, gui_ctx_manager, db, manager) -> None:
    from gui.duplicates.view import DuplicatesPage
    from tests.gui.lists_fixtures import add_customer

    add_customer(db, manager, first_name="Eero", postal_code="00100")
    add_customer(db, manager, first_name="Eero", postal_code="00100")
    add_customer(db, manager, first_name="Liisa", email="liisa@example.fi", phone="0401234567")
    add_customer(db, manager, first_name="Liisa", email="liisa@example.fi", phone="0401234567")
    page = DuplicatesPage(gui_ctx_manager)
    qtbot.addWidget(page)
    _grab(page, "duplicates")


def test_shots_help(qtbot, gui_ctx_manager) -> None:
    from gui.help import HelpDialog

    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    _grab(dialog, "help_fi", None)
