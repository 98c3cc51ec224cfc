"""Start-up safety: a SQLite file that fails ``PRAGMA quick_check`` is not opened; the latest
good backup is offered instead (a manager's login restores it; the damaged file is kept)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import format_datetime, t
from gui.backup.progress import ProgressRun
from gui.messages import error_label, show_error
from gui.widgets import Form, app_icon

_STAMP = re.compile(r"-(\d{8}-\d{6})(?:-[a-z]+)?\.(?:sqlite3|arbak)$")


@dataclass(frozen=True)
class Damage:
    """A damaged database and what can replace it."""

    location: str
    latest: Path | None  # the newest backup that passes its own check
    taken_at: datetime | None  # when that backup was taken (from its name)


def backup_time(path: Path) -> datetime | None:
    match = _STAMP.search(path.name)
    if match is None:
        return None
    try:
        return datetime.strptime(match[1], "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def check_database(location: str) -> Damage | None:
    """None when the database may be opened (healthy, new, or on a server); else the damage.

    Runs ``PRAGMA quick_check`` read-only; call it off the GUI thread for a large file.
    """
    from core.backup.files import latest_good_backup
    from core.db import quick_check, resolve_url, sqlite_path

    url = resolve_url(location)
    if sqlite_path(url) is None or quick_check(url):
        return None
    latest = latest_good_backup(url)
    return Damage(location, latest, backup_time(latest) if latest else None)


class DamagedDatabaseDialog(QDialog):
    """ "The database is damaged": restore the latest good backup, choose another, or quit.

    Accepted after a restore (the caller goes on to the login); rejected means quit.
    """

    def __init__(self, damage: Damage, tasks: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.damage = damage
        self.tasks = tasks
        self.chosen: Path | None = damage.latest
        self.report: Any = None
        self.run: ProgressRun | None = None
        self.setWindowTitle(t("backup.damaged_title"))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(640)
        heading = QLabel(t("backup.damaged_title"))
        heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        intro = QLabel(t("backup.damaged_text", path=damage.location))
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.offer = QLabel()
        self.offer.setObjectName("offeredBackup")
        self.offer.setWordWrap(True)
        self.offer.setTextFormat(Qt.TextFormat.PlainText)
        self.offer.setStyleSheet("font-weight: 600;")
        self.offer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        login_note = QLabel(t("backup.damaged_login"))
        login_note.setWordWrap(True)
        self.form = Form()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.add("username", t("backup.username"), self.username)
        self.form.add("password", t("backup.password"), self.password)
        self.message = error_label(reserve=True)  # the buttons under it stay put
        self.message.setObjectName("damagedMessage")
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton(t("backup.restore_this"))
        self.restore_button.setObjectName("restoreThis")
        self.restore_button.setDefault(True)
        self.other_button = QPushButton(t("backup.choose_other"))
        self.other_button.setObjectName("chooseOther")
        self.quit_button = QPushButton(t("common.quit"))
        self.quit_button.setObjectName("quit")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.other_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(lambda: self.restore_chosen())
        self.other_button.clicked.connect(self.choose_other)
        self.quit_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addWidget(self.offer)
        layout.addSpacing(6)
        layout.addWidget(login_note)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        # Tests replace these.
        self.choose_file = self._ask_file
        self.ask_recovery_key = self._ask_recovery_key
        self._show_offer()
        self.username.setFocus()

    def _show_offer(self) -> None:
        path = self.chosen
        if path is None:
            self.offer.setText(t("backup.no_backup"))
        else:
            when = backup_time(path)
            self.offer.setText(
                t("backup.offer", when=format_datetime(when) if when else "–", path=str(path))
            )
        self.restore_button.setEnabled(path is not None)

    def _ask_file(self) -> str:
        start = str(self.chosen.parent) if self.chosen else ""
        path, _ = QFileDialog.getOpenFileName(
            self,
            t("backup.choose_file"),
            start,
            t("backup.file_filter") + " (*.arbak *.sqlite3);;* (*)",
        )
        return path

    def _ask_recovery_key(self, reason: str) -> str:
        from gui.backup.group import ask_recovery_key

        return ask_recovery_key(self, reason)

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    @Slot()
    def choose_other(self) -> None:
        chosen = self.choose_file()
        if chosen:
            self.chosen = Path(chosen)
            self._show_offer()

    @Slot()
    def restore_chosen(self, recovery_key: str | None = None) -> None:
        from core.backup.restore import restore

        if self.chosen is None:
            return
        username = self.username.text().strip()
        if not username:
            self.show_message(t("login.username_missing"))
            self.username.setFocus()
            return
        self.show_message("")
        src, password, location = self.chosen, self.password.text(), self.damage.location
        key = recovery_key or None
        for button in (self.restore_button, self.other_button, self.quit_button):
            button.setEnabled(False)
        self.run = ProgressRun(
            self,
            self.tasks,
            t("backup.restore_title"),
            t("backup.restoring"),
            lambda progress, _abort: restore(
                location,
                src,
                username=username,
                password=password,
                recovery_key=key,
                progress=progress,
            ),
            self._restored,
            self._failed,
            cancellable=False,
        )

    def _enable(self) -> None:
        for button in (self.other_button, self.quit_button):
            button.setEnabled(True)
        self.restore_button.setEnabled(self.chosen is not None)

    def _failed(self, exc: BaseException) -> None:
        from core.errors import AppError, AuthError, KeyUnavailable, PermissionDenied

        self._enable()
        if isinstance(exc, KeyUnavailable) and exc.code == "backup.key_needed":
            key = self.ask_recovery_key(exc.message())
            if key:
                self.restore_chosen(key)
            return
        if isinstance(exc, (AuthError, PermissionDenied)):
            self.show_message(exc.message())
            self.password.clear()
            self.password.setFocus()
            return
        if isinstance(exc, AppError):
            self.show_message(exc.message())
            return
        show_error(self, exc, t("backup.restore_title"))

    def _restored(self, report: Any) -> None:
        from gui.backup.group import restore_summary

        self.report = report
        summary = restore_summary(report)
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Information,
            t("backup.restore_title"),
            t("backup.restore_done", source=str(report.source)),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText(summary)
        box.exec()
        self.accept()
