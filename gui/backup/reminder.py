"""The manager's reminder to copy a backup off this disk (core.backup.offdisk decides when).

It sits in the status bar, whose height is reserved for it from the start, so showing or hiding
it never moves a field under the mouse. "Back up to a USB stick now…" writes a backup to the
second backup folder (asking for one first when none is set); "Remind me tomorrow" hides it on
this desk until the next day. The main window checks after log-in, on every change of page and
every five minutes while it is open; a receptionist never has it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget
from sqlalchemy.orm import Session

from core import clock
from core.i18n import t
from core.security.permissions import Permission
from gui.backup.progress import ProgressRun
from gui.context import AppContext
from gui.messages import inform, show_error
from gui.ops import DbOp

# "Remind me tomorrow", per database, for as long as the app runs on this desk.
_snoozed_until: dict[str, date] = {}


class OffdiskReminder(QWidget):
    """``backed_up`` carries the file written to the second folder; ``folder_chosen`` the
    second folder the manager chose here (saved in the settings)."""

    backed_up = Signal(object)
    folder_chosen = Signal(str)
    visibility_changed = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("offdiskReminder")
        self.run: ProgressRun | None = None
        self.text = QLabel()
        self.text.setObjectName("offdiskReminderText")
        self.text.setStyleSheet("color: #8a4b00; font-weight: 600;")
        self.text.setToolTip(t("backup.reminder_hint"))
        self.backup_button = QPushButton(t("backup.reminder_backup"))
        self.backup_button.setObjectName("offdiskBackup")
        self.backup_button.clicked.connect(self.back_up)
        self.later_button = QPushButton(t("backup.reminder_later"))
        self.later_button.setObjectName("offdiskLater")
        self.later_button.clicked.connect(self.remind_tomorrow)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 8, 0)
        row.addWidget(self.text)
        row.addWidget(self.backup_button)
        row.addWidget(self.later_button)
        row.addStretch(1)
        # Tests replace it: the folder dialog.
        self.choose_folder = self._ask_folder
        self.hide()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt name)
        super().setVisible(visible)
        self.visibility_changed.emit(visible)

    def _key(self) -> str:
        return self.ctx.db.display_location()

    @Slot()
    def refresh(self) -> None:
        from core.backup.offdisk import offdisk_reminder

        if not self.ctx.can(Permission.BACKUP):
            self.hide()
            return
        snoozed = _snoozed_until.get(self._key())
        if snoozed is not None and clock.today() < snoozed:
            self.hide()
            return
        now = clock.now()

        def show(reminder: object) -> None:
            if reminder is None:
                self.hide()
                return
            days = getattr(reminder, "days", None)
            self.text.setText(
                t("backup.reminder_never") if days is None else t("backup.reminder", count=days)
            )
            self.show()

        def failed(exc: BaseException) -> None:  # a reminder is no reason for a dialog
            self.hide()

        DbOp(self.ctx, self, lambda s: offdisk_reminder(s, now)).read_only().success(show).failure(
            failed
        ).run()

    @Slot()
    def remind_tomorrow(self) -> None:
        _snoozed_until[self._key()] = clock.today() + timedelta(days=1)
        self.hide()

    def _ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, t("backup.choose_second"), str(Path.home()))

    @Slot()
    def back_up(self) -> None:
        from core.backup.files import second_backup_folder

        DbOp(self.ctx, self, second_backup_folder).read_only().success(self._second_read).run()

    def _second_read(self, second: Path | None) -> None:
        if second is not None:
            self._start()
            return
        chosen = self.choose_folder()
        if not chosen:
            return
        from core.settings import update_settings

        actor = self.ctx.actor

        def save(s: Session) -> None:
            update_settings(s, actor, second_backup_folder=chosen)

        def saved(_result: object) -> None:
            self.folder_chosen.emit(chosen)
            self._start()

        DbOp(self.ctx, self, save).success(saved).run()

    def _start(self) -> None:
        from core.backup.create import backup_to_second

        ctx = self.ctx
        self.backup_button.setEnabled(False)
        self.run = ProgressRun(
            self.window(),
            ctx.tasks,
            t("backup.backup_title"),
            t("backup.backing_up"),
            lambda progress, abort: backup_to_second(ctx.db, ctx.actor, progress, abort),
            self._done,
            self._failed,
        )

    def _done(self, path: Path) -> None:
        self.backup_button.setEnabled(True)
        self.hide()
        self.backed_up.emit(path)
        inform(self.window(), t("backup.backup_title"), t("backup.done", path=str(path)))

    def _failed(self, exc: BaseException) -> None:
        from core.backup.files import BackupAborted

        self.backup_button.setEnabled(True)
        if isinstance(exc, BackupAborted):
            return
        show_error(self.window(), exc, t("backup.backup_title"))
