"""Help > User guide (F1): the short guide in the interface's language, kept in
``resources/help/<lang>.html`` and shown in a QTextBrowser; and the app's version for the
About box."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from core.i18n import language, t
from gui.messages import plain_title

HELP_DIR = Path(__file__).resolve().parent.parent / "resources" / "help"


def app_version() -> str:
    return version("asiakasrekisteri")


def guide_html(lang: str | None = None) -> str:
    return (HELP_DIR / f"{lang or language()}.html").read_text(encoding="utf-8")


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(plain_title(t("app.menu.guide")))
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # the guide links nowhere outside itself
        self.browser.setAccessibleName(plain_title(t("app.menu.guide")))
        self.browser.setHtml(guide_html())
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(t("app.help.close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 640)
