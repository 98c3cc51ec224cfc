"""Screenshots of the audit log screen with real entries (run by hand: python -m pytest
tests/gui/screenshots_audit.py -p no:cacheprovider -q; not part of the suite: the file name has
no test_ prefix)."""

from __future__ import annotations

from pathlib import Path

from gui.app import apply_language
from gui.main_window import MainWindow
from tests.core.test_audit_view import _everything

OUT = Path("/work/shots-auditlog")


def test_shots(qtbot, gui_ctx_manager, db, tmp_path) -> None:
    _everything(db, gui_ctx_manager.actor, tmp_path)
    OUT.mkdir(exist_ok=True)
    for lang in ("fi", "en"):
        apply_language(lang, save=False)
        window = MainWindow(gui_ctx_manager)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        page = window.page("audit")
        page.refresh()
        qtbot.wait(50)
        window.grab().save(str(OUT / f"audit-{lang}.png"))
        page.customer.setText("Ahonen Aino")
        page.customer.look_up()
        page.customer.choose(page.customer.completions.stringList()[0])
        qtbot.wait(50)
        window.grab().save(str(OUT / f"audit-customer-{lang}.png"))
        window.close()
    apply_language("fi", save=False)
