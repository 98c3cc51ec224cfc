"""The Settings page's "Backups" group (manager): the folder, the second folder (a USB stick),
the last backup and the last copy off this disk, back up now, restore from a backup. On PostgreSQL both buttons show core's pg_dump/pg_restore guidance."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import format_datetime, t
from gui.backup.progress import ProgressRun
from gui.context import AppContext
from gui.messages import confirm, show_error
from gui.ops import DbOp
from gui.widgets import Form

if TYPE_CHECKING:
    from core.backup.create import BackupResult


class BackupGroup(QGroupBox):
    """``restored`` is emitted after a restore replaced the database (the app logs out)."""

    restored = Signal(object)  # core.backup.restore.RestoreReport

    def __init__(
        self,
        ctx: AppContext,
        folder_edit: QLineEdit,
        folder_row: QWidget | None = None,
        second_edit: QLineEdit | None = None,
        second_row: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(t("backup.group"), parent)
        self.ctx = ctx
        self.folder_edit = folder_edit
        self.second_edit = second_edit
        self.run: ProgressRun | None = None
        self.form = Form()
        # The folder field is the Settings page's (saved with the other settings).
        self.form.add(
            "backup_folder",
            t("field.backup_folder"),
            folder_row or folder_edit,
            t("settings.hint.backup_folder"),
        )
        self.form.labels["backup_folder"].setBuddy(folder_edit)
        folder_edit.setAccessibleName(t("field.backup_folder"))
        if second_edit is not None:
            self.form.add(
                "second_backup_folder",
                t("field.second_backup_folder"),
                second_row or second_edit,
                t("settings.hint.second_backup_folder"),
            )
            self.form.labels["second_backup_folder"].setBuddy(second_edit)
            second_edit.setAccessibleName(t("field.second_backup_folder"))
        self.last_label = QLabel()
        self.last_label.setObjectName("lastBackup")
        self.form.add("last_backup_at", t("backup.last"), self.last_label)
        self.last_offdisk_label = QLabel()
        self.last_offdisk_label.setObjectName("lastOffdiskBackup")
        self.form.add("last_offdisk_backup_at", t("backup.last_offdisk"), self.last_offdisk_label)
        self.backup_button = QPushButton(t("backup.backup_now"))
        self.backup_button.setObjectName("backupNow")
        self.backup_button.setToolTip(t("backup.backup_now_hint"))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(t("backup.restore"))
        self.restore_button.setObjectName("restoreBackup")
        self.restore_button.setToolTip(t("backup.restore_hint"))
        self.restore_button.clicked.connect(self.restore_from)
        self.status = QLabel()
        self.status.setObjectName("backupStatus")
        self.status.setWordWrap(True)
        actions = QWidget()
        buttons = QHBoxLayout(actions)
        buttons.setContentsMargins(0, 4, 0, 0)
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        self.form.layout_.addRow("", actions)  # under the fields, aligned with them
        self.form.layout_.addRow("", self.status)
        QVBoxLayout(self).addWidget(self.form)
        # Tests replace these: the file to restore, the question before replacing the database.
        self.choose_backup_file = self._ask_backup_file
        self.confirm_restore = self._confirm_restore
        self.ask_recovery_key = self._ask_recovery_key
        self.accept_broken_audit = self._accept_broken_audit
        self.load()

    def folder_text(self) -> str:
        return self.folder_edit.text()

    @Slot()
    def load(self) -> None:
        from core.settings import get_settings

        def read(s: Any) -> tuple[Any, Any]:
            row = get_settings(s)
            return row.last_backup_at, row.last_offdisk_backup_at

        def show(result: tuple[Any, Any]) -> None:
            last, offdisk = result
            self.last_label.setText(format_datetime(last) if last else t("backup.never"))
            self.last_offdisk_label.setText(
                format_datetime(offdisk) if offdisk else t("backup.never")
            )

        DbOp(self.ctx, self, read).read_only().success(show).run()

    def _busy(self, busy: bool) -> None:
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy)

    # --- back up now ----------------------------------------------------------------------------

    @Slot()
    def backup_now(self) -> None:
        from core.backup.create import backup_to_folders

        ctx = self.ctx
        if not ctx.db.is_sqlite:
            self._postgres(restore=False)
            return
        folder = self.folder_text().strip()
        dest = Path(folder).expanduser() if folder else None
        second_text = self.second_edit.text().strip() if self.second_edit is not None else ""
        second = Path(second_text).expanduser() if second_text else None
        self._busy(True)
        self.status.setText("")
        self.run = ProgressRun(
            self,
            ctx.tasks,
            t("backup.backup_title"),
            t("backup.backing_up"),
            lambda progress, abort: backup_to_folders(
                ctx.db, ctx.actor, progress, abort, folder=dest, second=second
            ),
            self._backed_up,
            self._backup_failed,
        )

    def _backed_up(self, result: BackupResult) -> None:
        self._busy(False)
        self.load()
        text = backup_result_text(result)
        self.status.setText(text)
        box = QMessageBox(
            QMessageBox.Icon.Warning if result.second_problem else QMessageBox.Icon.Information,
            t("backup.backup_title"),
            text,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.exec()
        from gui.main_window import MainWindow

        window = self.window()
        if isinstance(window, MainWindow):  # a copy off the disk ends its reminder
            window.offdisk.refresh()

    def _backup_failed(self, exc: BaseException) -> None:
        from core.backup.files import BackupAborted

        self._busy(False)
        if isinstance(exc, BackupAborted):
            self.status.setText(exc.message())
            return
        self.status.setText(t("backup.backup_failed"))
        show_error(self, exc, t("backup.backup_title"))

    def _postgres(self, restore: bool) -> None:
        from core.backup.create import backup
        from core.backup.restore import restore as core_restore

        try:  # core refuses at once on a server database, with the guidance to show
            if restore:
                core_restore(self.ctx.db.url, Path(), actor=self.ctx.actor)
            else:
                backup(self.ctx.db, self.ctx.actor)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            show_error(self, exc, t("backup.restore_title" if restore else "backup.backup_title"))

    # --- restore ----------------------------------------------------------------------------------

    def _ask_backup_file(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self,
            t("backup.choose_file"),
            self.folder_text().strip(),
            t("backup.file_filter") + " (*.arbak *.sqlite3);;* (*)",
        )
        return path

    def _confirm_restore(self, path: Path) -> bool:
        return confirm_replace(self, path)

    def _ask_recovery_key(self, reason: str) -> str:
        return ask_recovery_key(self, reason)

    def _accept_broken_audit(self, problem: str) -> bool:
        return confirm(
            self,
            t("backup.audit_broken_question", problem=problem),
            t("backup.audit_broken_accept"),
            t("backup.restore_title"),
            detail=t("backup.audit_broken_detail"),
            destructive=True,
        )

    @Slot()
    def restore_from(self) -> None:
        if not self.ctx.db.is_sqlite:
            self._postgres(restore=True)
            return
        chosen = self.choose_backup_file()
        if not chosen:
            return
        path = Path(chosen)
        if not self.confirm_restore(path):
            return
        self._start_restore(path, None)

    def _start_restore(
        self, path: Path, recovery_key: str | None, accept_broken_audit: bool = False
    ) -> None:
        from core.backup.restore import restore

        ctx = self.ctx
        url = ctx.db.url
        ctx.db.dispose()  # no pooled connection of this window holds the old file open
        self._busy(True)
        self.status.setText("")
        self.run = ProgressRun(
            self,
            ctx.tasks,
            t("backup.restore_title"),
            t("backup.restoring"),
            lambda progress, _abort: restore(
                url,
                path,
                actor=ctx.actor,
                recovery_key=recovery_key,
                progress=progress,
                accept_broken_audit=accept_broken_audit,
            ),
            self._restored,
            lambda exc: self._restore_failed(exc, path, recovery_key),
            cancellable=False,
        )

    def _restore_failed(
        self, exc: BaseException, path: Path, recovery_key: str | None = None
    ) -> None:
        from core.errors import AppError, KeyUnavailable

        self._busy(False)
        if isinstance(exc, KeyUnavailable) and exc.code == "backup.key_needed":
            key = self.ask_recovery_key(exc.message())
            if key:
                self._start_restore(path, key)
            return
        if isinstance(exc, AppError) and exc.code == "backup.audit_broken":
            if self.accept_broken_audit(exc.params["problem"]):
                self._start_restore(path, recovery_key, accept_broken_audit=True)
                return
        self.status.setText(t("backup.not_restored"))
        show_error(self, exc, t("backup.restore_title"))

    def _restored(self, report: Any) -> None:
        self.ctx.db.dispose()
        self._busy(False)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            t("backup.restore_title"),
            t("backup.restore_done", source=str(report.source)),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText(restore_summary(report) + "\n\n" + t("backup.logging_out"))
        box.exec()
        self.restored.emit(report)
        from gui.main_window import MainWindow

        window = self.window()
        if isinstance(window, MainWindow):  # everything is loaded again
            window.database_replaced = True
            window.discard_changes()
            window.log_out()


def backup_result_text(result: BackupResult) -> str:
    """The backup's file, then its copy in the second folder or why there is none."""
    lines = [t("backup.done", path=str(result.path))]
    if result.second is not None:
        lines.append(t("backup.second_done", path=str(result.second)))
    if result.second_problem:
        lines.append(result.second_problem)
    return "\n".join(lines)


def restore_summary(report: Any) -> str:
    """What a restore did besides replacing the data, one line each."""
    lines = []
    if report.kept is not None:
        lines.append(t("backup.kept", path=str(report.kept)))
    if report.migrated_from:
        lines.append(t("backup.migrated", revision=report.migrated_from))
    if report.erasures_reapplied:
        lines.append(t("backup.reapplied", count=report.erasures_reapplied))
    if report.objections_reapplied:
        lines.append(t("backup.objections_reapplied", count=report.objections_reapplied))
    if report.erasures_unreadable:
        lines.append(t("backup.erasures_unreadable"))
    return "\n".join(lines)


def confirm_replace(parent: QWidget | None, path: Path) -> bool:
    return confirm(
        parent,
        t("backup.confirm", path=str(path)),
        t("backup.confirm_yes"),
        t("backup.restore_title"),
        t("backup.confirm_detail"),
        destructive=True,
    )


def ask_recovery_key(parent: QWidget | None, reason: str) -> str:
    """The recovery key typed in (its form checked here); empty when the user gives up."""
    from core.security.crypto import DataKey
    from gui.key_dialogs import RecoveryKeyDialog

    given: list[str] = []

    def take(text: str) -> None:
        DataKey.from_recovery_text(text)  # a mistyped key is refused in the dialog
        given.append(text)

    dialog = RecoveryKeyDialog(take, reason, parent)
    for button in dialog.findChildren(QPushButton):
        if button.text() == t("common.quit"):
            button.setText(t("backup.cancel"))
    return given[-1] if dialog.exec() and given else ""
