"""A new office's first hour in a real window (issue 16, "Done means"), run by hand under Xvfb:

    xvfb-run -s "-screen 0 1280x800x24" .venv/bin/python tests/gui/walkthrough.py OUT

The app starts as `main.py` starts it (gui.app.Shell on a fresh data folder) and a script plays
the user with keystrokes and clicks on the real windows: the set-up wizard, the log-in, File >
Import customers… with a 200-row .xlsx holding 10 bad rows, a signed-request form printed to the
default CUPS printer through the print preview and the system print dialog, a rectification
request taken in and decided, and the refusal certificate printed. Each step's time (from the
user's action to the window that answers it) is printed, and the whole screen is saved as PNG
after each step. Not part of the suite (no test_ prefix): it needs a CUPS printer and a screen.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/walkthrough")
HOME = OUT / "home"
PRINTED = Path.home() / "PDF"  # cups-pdf's folder for the user running the script


def _fresh_home() -> None:
    HOME.mkdir(parents=True, exist_ok=True)
    os.environ["HOME"] = str(HOME)
    os.environ["XDG_DATA_HOME"] = str(HOME / ".local/share")
    os.environ["XDG_CONFIG_HOME"] = str(HOME / ".config")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")


def _sheet(path: Path) -> Path:
    """200 rows as an office's Excel list has them: postal codes as numbers, phones that lost
    their 0, and 10 bad rows (a date in the street column, a bad email, a bad postal code)."""
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Asiakkaat"
    sheet.append(
        [
            "Etunimi",
            "Sukunimi",
            "Katuosoite",
            "Postinumero",
            "Postitoimipaikka",
            "Sähköposti",
            "Puhelin",
        ]
    )
    first = ["Aino", "Eero", "Helmi", "Juha", "Kaisa", "Lauri", "Mervi", "Olli", "Pia", "Sami"]
    last = ["Ahonen", "Heikkinen", "Korhonen", "Laine", "Mäkelä", "Nieminen", "Ojala", "Virtanen"]
    for n in range(200):
        row = [
            first[n % 10],
            last[n % 8] if n else "Meikäläinen",
            f"Kauppakatu {n + 1}",
            100 + n,
            "Helsinki",
            f"asiakas{n}@example.fi",
            401234000 + n,
        ]
        if n % 20 == 7:  # 10 bad rows, three kinds
            kind = (n // 20) % 3
            if kind == 0:
                row[2] = datetime.date(2024, 1, 1)
            elif kind == 1:
                row[5] = "ei-sahkopostia"
            else:
                row[3] = "ABC"
        sheet.append(row)
    book.save(path)
    return path


class Player:
    """Plays the script: each step yields a seconds count to wait, or a condition to wait for.
    Actions that open a modal window are posted (``later``) so the script is never inside a
    nested event loop when it resumes."""

    def __init__(self, script: Callable[[Player], Iterator[object]]) -> None:
        from PySide6.QtCore import QTimer

        self.steps = script(self)
        self.waiting: Callable[[], object] | None = None
        self.until = 0.0
        self.deadline = 0.0
        self.busy = False
        self.timer = QTimer()
        self.timer.setInterval(15)
        self.timer.timeout.connect(self.pump)
        self.timer.start()
        self.marks: list[tuple[str, float]] = []
        self.shot_no = 0

    def pump(self) -> None:
        if self.busy:
            return
        now = time.monotonic()
        if self.waiting is not None:
            if not self.waiting():
                if now > self.deadline:
                    self.fail("timed out waiting")
                return
            self.waiting = None
        if now < self.until:
            return
        self.busy = True
        try:
            step = next(self.steps)
        except StopIteration:
            self.timer.stop()
            from PySide6.QtWidgets import QApplication

            QApplication.exit(0)
            return
        except Exception as exc:  # a broken step ends the run with its traceback
            import traceback

            traceback.print_exc()
            self.fail(str(exc))
            return
        finally:
            self.busy = False
        if callable(step):
            self.waiting = step
            self.deadline = now + 60
        else:
            self.until = now + float(step)  # type: ignore[arg-type]

    def fail(self, why: str) -> None:
        from PySide6.QtWidgets import QApplication

        self.shot("failed")
        print(f"FAILED: {why}", flush=True)
        self.timer.stop()
        QApplication.exit(1)

    def later(self, fn: Callable[[], object]) -> None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, fn)

    def shot(self, name: str) -> None:
        from PySide6.QtWidgets import QApplication

        self.shot_no += 1
        path = OUT / f"{self.shot_no:02d}_{name}.png"
        QApplication.primaryScreen().grabWindow(0).save(str(path))

    def mark(self, label: str, started: float) -> None:
        took = time.monotonic() - started
        self.marks.append((label, took))
        print(f"{label:<62} {took:7.2f} s", flush=True)


def top(cls: type, visible: bool = True) -> object | None:
    from PySide6.QtWidgets import QApplication

    for w in QApplication.topLevelWidgets():
        if isinstance(w, cls) and (w.isVisible() or not visible):
            return w
    return None


def type_into(widget: object, text: str) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    widget.setFocus(Qt.FocusReason.TabFocusReason)  # type: ignore[attr-defined]
    for ch in text:
        if ch.isascii():
            QTest.keyClick(widget, ch, Qt.KeyboardModifier.NoModifier, 15)  # type: ignore[arg-type]
        else:  # Qt's test keyboard knows ASCII only: the key event a Finnish layout sends
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch)
                )


def preview_print_action(preview: object) -> object:
    """The print preview's own Print button (Qt's, translated)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QAction

    text = QCoreApplication.translate("QPrintPreviewDialog", "Print")
    return next(a for a in preview.findChildren(QAction) if a.text() == text)  # type: ignore[attr-defined]


def press(widget: object, key: object) -> None:
    from PySide6.QtTest import QTest

    QTest.keyClick(widget, key)  # type: ignore[arg-type]


PASSWORD = "Kirjahylly-Aurinko-77"


def script(p: Player) -> Iterator[object]:
    from PySide6.QtCore import Qt
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton, QWizard

    from gui.first_run import FirstRunWizard
    from gui.login import LoginDialog
    from gui.main_window import MainWindow
    from gui.printing import PrintPreview
    from gui.transfer.import_wizard import ImportWizard

    started = p.started
    yield lambda: top(FirstRunWizard)
    p.mark("start to the set-up wizard", started)
    wizard = top(FirstRunWizard)
    p.shot("wizard_company")
    edits = wizard.company_page.edits
    for name, value in (
        ("company_name", "Asuntokulma Oy"),
        ("business_id", "1572860-0"),
        ("street", "Mannerheimintie 1"),
        ("postal_code", "00100"),
        ("city", "Helsinki"),
        ("phone", "040 038 3869"),
        ("email", "info@asuntokulma.fi"),
        ("contact_person", "Maija Manageri"),
    ):
        if name in edits:
            type_into(edits[name], value)
    yield 0.2
    p.shot("wizard_company_filled")
    wizard.next()
    yield 0.2
    page = wizard.manager_page
    type_into(page.username, "maija")
    type_into(page.full_name, "Maija Manageri")
    type_into(page.password, PASSWORD)
    type_into(page.again, PASSWORD)
    yield 0.2
    p.shot("wizard_manager")
    t0 = time.monotonic()
    wizard.next()
    yield lambda: wizard.currentPage() is wizard.recovery_page
    p.mark("manager page Next to the recovery key (register created)", t0)
    p.shot("wizard_recovery_key")
    wizard.recovery_page.stored.setChecked(True)
    t0 = time.monotonic()
    p.later(lambda: wizard.button(QWizard.WizardButton.FinishButton).click())
    yield lambda: top(LoginDialog)
    p.mark("Finish to the log-in window", t0)

    login = top(LoginDialog)
    p.shot("login")
    password_edit = login.password  # type: ignore[attr-defined]
    type_into(password_edit, PASSWORD)
    t0 = time.monotonic()
    p.later(lambda: press(password_edit, Qt.Key.Key_Return))
    yield lambda: top(MainWindow) or top(QMessageBox)
    box = top(QMessageBox)
    if box is not None:
        p.shot("after_login_message")
        p.later(box.accept)
        yield lambda: top(MainWindow)
    p.mark("log-in to the main window", t0)
    window = top(MainWindow)
    window.showMaximized()
    yield 0.5
    p.shot("main_window_empty")

    # --- the office's Excel list -----------------------------------------------------------
    sheet = _sheet(OUT / "asiakkaat.xlsx")
    t0 = time.monotonic()
    p.later(window.import_action.trigger)
    yield lambda: top(ImportWizard)
    p.mark("File > Import customers… to the wizard", t0)
    iw = top(ImportWizard)
    t0 = time.monotonic()
    iw.file_page.set_file(sheet)  # the path as the file dialog hands it over
    yield 0.3
    p.shot("import_file")
    p.later(iw.next)
    yield lambda: iw.currentPage() is iw.columns_page
    p.mark("file chosen, Next to the column matches", t0)
    p.shot("import_columns")
    t0 = time.monotonic()
    p.later(iw.next)
    yield (
        lambda: iw.currentPage() is iw.preview_page and iw.preview_page.summary.text()[:1].isdigit()
    )
    p.mark("Next to the check: " + iw.preview_page.summary.text().split("\n")[0], t0)
    p.shot("import_check")
    t0 = time.monotonic()
    p.later(iw.next)
    yield lambda: iw.currentPage() is iw.result_page and "valmis" in iw.result_page.summary.text()
    p.mark("Import: " + iw.result_page.summary.text().split("\n")[0], t0)
    iw.result_page.write(OUT / "korjattavat")
    yield 0.2
    p.shot("import_result")
    p.later(lambda: iw.button(QWizard.WizardButton.FinishButton).click())
    yield lambda: not iw.isVisible()
    yield 1.0
    p.shot("customer_list_after_import")

    # --- a signed-request form to the printer ------------------------------------------------
    window.open_page(window.page_keys().index("lists"))
    yield 0.5
    lists = window.page("lists")
    before = set(PRINTED.glob("*.pdf")) if PRINTED.exists() else set()
    t0 = time.monotonic()
    p.later(lists.form_buttons["rectification"][1].click)
    yield lambda: top(PrintPreview)
    p.mark("Print (rectification form) to the print preview", t0)
    yield 0.5
    p.shot("print_preview_form")
    preview = top(PrintPreview)
    print_action = preview_print_action(preview)
    t0 = time.monotonic()
    p.later(print_action.trigger)
    yield lambda: top(QPrintDialog)
    p.mark("Print in the preview to the system print dialog", t0)
    dialog = top(QPrintDialog)
    combo = dialog.findChild(QComboBox)
    yield 0.3
    p.shot("print_dialog_form")
    printer_name = combo.currentText() if combo is not None else "?"
    t0 = time.monotonic()
    ok = next(b for b in dialog.findChildren(QPushButton) if b.isDefault())
    p.later(ok.click)
    yield lambda: not dialog.isVisible()
    p.mark("the print dialog's Print to the pages sent (rendered at the printer's dpi)", t0)
    yield lambda: PRINTED.exists() and len(set(PRINTED.glob("*.pdf")) - before) > 0
    p.mark(f"Print to the printer '{printer_name}': the job in {PRINTED}", t0)
    yield lambda: not preview.isVisible()
    printed_form = sorted(set(PRINTED.glob("*.pdf")) - before)
    yield 0.3

    # --- a rectification request, taken in and decided --------------------------------------
    from gui.requests.common import TextDialog
    from gui.requests.intake import NewRequestDialog

    window.open_page(window.page_keys().index("requests"))
    yield 0.5
    requests = window.page("requests")
    t0 = time.monotonic()
    p.later(requests.new_button.click)
    yield lambda: top(NewRequestDialog)
    p.mark("New request to its dialog", t0)
    intake = top(NewRequestDialog)
    intake.kind.setCurrentIndex(intake.kind.findData("rectification"))
    type_into(intake.name, "Aino Meikäläinen")
    t0 = time.monotonic()
    type_into(intake.customer_search, "Meikäläinen")
    yield lambda: intake.customer.count() > 1
    p.mark("customer search in the intake (after typing pauses)", t0)
    intake.customer.setCurrentIndex(1)
    intake.signed.setChecked(True)
    type_into(intake.location, "Kansio 2026, välilehti 1")
    type_into(intake.identity, "Henkilökortti tarkistettu")
    intake.add_item("last_name", "Virtanen", "Menin naimisiin")
    intake.add_item("first_name", "Aina", "Nimi on väärin")
    yield 0.3
    p.shot("intake_rectification")
    t0 = time.monotonic()
    p.later(intake.buttons.accepted.emit)
    yield (
        lambda: (
            not intake.isVisible()
            and requests.page is not None
            and getattr(requests.page, "detail", None) is not None
        )
    )
    p.mark("Register to the request page", t0)
    yield 0.5
    rp = requests.page
    p.shot("request_page")
    rp.item_table.selectRow(0)
    t0 = time.monotonic()
    p.later(rp.buttons["accept"].click)
    yield lambda: top(QMessageBox)
    box = top(QMessageBox)
    p.shot("confirm_accept")
    accept = next(
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
    )
    p.later(accept.click)
    yield lambda: rp.detail is not None and rp.detail.items[0].decision == "accepted"
    p.mark("Accept and correct (item 1) to done", t0)
    rp = requests.page
    rp.item_table.selectRow(1)
    p.later(rp.buttons["refuse_item"].click)
    yield lambda: top(TextDialog)
    reason = top(TextDialog)
    type_into(reason.edit, "Nimi on väestötietojärjestelmän mukainen.")
    yield 0.2
    p.shot("refusal_reason")
    t0 = time.monotonic()
    p.later(reason.accept)
    yield lambda: requests.page.detail.items[1].decision == "refused"
    p.mark("Refuse item 2 with a reason", t0)
    rp = requests.page
    p.later(rp.buttons["finish_rect"].click)
    yield lambda: top(QMessageBox)
    box = top(QMessageBox)
    accept = next(
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
    )
    t0 = time.monotonic()
    p.later(accept.click)
    yield lambda: requests.page.detail.state == "completed"
    p.mark("Finish the request", t0)
    yield 0.5
    p.shot("request_completed")

    # --- the refusal certificate to the printer ---------------------------------------------
    from PySide6.QtWidgets import QFileDialog

    rp = requests.page
    t0 = time.monotonic()
    p.later(rp.buttons["refusal_cert"].click)
    yield lambda: top(QFileDialog)
    p.mark("Refusal certificate to the save dialog", t0)
    save = top(QFileDialog)
    yield 0.3
    p.shot("save_certificate")
    print("  suggested:", save.selectedFiles(), flush=True)
    p.later(save.reject)  # printed, not saved: the copy on paper goes to the person
    yield lambda: not save.isVisible() and rp.print_button.isEnabled()
    before = set(PRINTED.glob("*.pdf"))
    t0 = time.monotonic()
    p.later(rp.print_button.click)
    yield lambda: top(PrintPreview)
    p.mark("Print the refusal certificate to the print preview", t0)
    yield 0.5
    p.shot("print_preview_certificate")
    preview = top(PrintPreview)
    print_action = preview_print_action(preview)
    p.later(print_action.trigger)
    yield lambda: top(QPrintDialog)
    dialog = top(QPrintDialog)
    ok = next(b for b in dialog.findChildren(QPushButton) if b.isDefault())
    t0 = time.monotonic()
    p.later(ok.click)
    yield lambda: len(set(PRINTED.glob("*.pdf")) - before) > 0
    p.mark("Print to the printer (refusal certificate)", t0)
    yield lambda: not preview.isVisible()
    printed = printed_form + sorted(set(PRINTED.glob("*.pdf")) - before)
    yield 0.5
    p.shot("done")
    print("printed:", *[str(x) for x in printed], sep="\n  ", flush=True)
    window.close()
    yield 0.5


def main() -> int:
    _fresh_home()
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from PySide6.QtWidgets import QApplication

    import gui.app as app

    QApplication(["asiakasrekisteri"])
    player = Player(script)
    player.started = started  # type: ignore[attr-defined]
    return app.run()  # as main.py starts it


if __name__ == "__main__":
    raise SystemExit(main())
