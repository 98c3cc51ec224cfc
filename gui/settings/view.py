"""Settings (manager): the company and letterhead, the idle lock, address labels (the sheet,
the printer offset and its test page), backups, retention."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core import i18n
from core.documents.label_sheets import OFFSET_LIMIT_MM, SHEETS
from core.errors import ValidationError
from core.i18n import format_datetime, t
from core.models import LETTERHEAD_REQUIRED
from gui import documents
from gui.context import AppContext
from gui.messages import confirm, inform, show_error
from gui.ops import DbOp
from gui.widgets import Form

COMPANY = (
    "company_name",
    "business_id",
    "controller_person",
    "street",
    "postal_code",
    "city",
    "phone",
    "email",
    "register_name",
)
CONTACT = ("contact_person", "contact_phone", "contact_email")
NUMBERS = {
    "idle_lock_minutes": (1, 240),
    "retention_years": (1, 50),
    "bookkeeping_retention_years": (6, 50),
    "financial_year_end_day": (1, 31),
    "financial_year_end_month": (1, 12),
}
OFFSETS = ("label_offset_x_mm", "label_offset_y_mm")
FOLDERS = ("backup_folder", "second_backup_folder")


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.version: int | None = None
        self.loaded: dict[str, Any] = {}
        self.edits: dict[str, QLineEdit] = {}
        self.spins: dict[str, QSpinBox] = {}

        heading = QLabel(t("app.page.settings"))
        heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.company_form = Form()
        for name in COMPANY:
            self.edits[name] = self._line(self.company_form, name)
        self.contact_form = Form()
        for name in CONTACT:
            self.edits[name] = self._line(self.contact_form, name)
        self.app_form = Form()
        for name, (low, high) in NUMBERS.items():
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setObjectName(name)
            spin.setMaximumWidth(120)
            self.app_form.add(name, t(f"field.{name}"), spin, t(f"settings.hint.{name}"))
            self.spins[name] = spin
        self.labels_form = Form()
        self.label_sheet = QComboBox()
        self.label_sheet.setObjectName("label_sheet")
        self.label_sheet.setMaximumWidth(460)
        for sheet in SHEETS:
            self.label_sheet.addItem(sheet.name(), sheet.id)
        self.labels_form.add(
            "label_sheet", t("field.label_sheet"), self.label_sheet, t("settings.hint.label_sheet")
        )
        self.offsets: dict[str, QDoubleSpinBox] = {}
        for name in OFFSETS:
            offset = QDoubleSpinBox()
            offset.setObjectName(name)
            offset.setRange(-OFFSET_LIMIT_MM, OFFSET_LIMIT_MM)
            offset.setDecimals(1)
            offset.setSingleStep(0.1)
            offset.setSuffix(" mm")
            offset.setMaximumWidth(120)
            self.labels_form.add(name, t(f"field.{name}"), offset, t(f"settings.hint.{name}"))
            self.offsets[name] = offset
        self.test_page_button = QPushButton(t("settings.test_page"))
        self.test_page_button.setObjectName("labelTestPage")
        self.test_page_button.setToolTip(t("settings.test_page_hint"))
        self.test_page_button.clicked.connect(self.print_test_page)
        test_row = QHBoxLayout()
        test_row.addStretch(1)
        test_row.addWidget(self.test_page_button)
        self.backup_folder, folder_row = self._folder_row(
            "backup_folder", "settings.browse", self.choose_folder
        )
        self.second_backup_folder, second_row = self._folder_row(
            "second_backup_folder", "settings.browse_second", self.choose_second_folder
        )
        from gui.backup.group import BackupGroup

        self.backup_group = BackupGroup(
            ctx, self.backup_folder, folder_row, self.second_backup_folder, second_row
        )

        self.status = QLabel()
        self.status.setObjectName("settingsStatus")
        self.save_button = QPushButton(t("common.save"))
        self.save_button.setObjectName("save")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(t("settings.revert"))
        self.revert_button.clicked.connect(self.load)
        self.sheet_button = QPushButton(t("settings.recovery_sheet"))
        self.sheet_button.setObjectName("recoverySheet")
        self.sheet_button.setToolTip(t("settings.recovery_sheet_hint"))
        self.sheet_button.clicked.connect(self.print_recovery_sheet)
        # Tests replace it: the print preview (which waits for the user).
        self.print_pdf = documents.print_pdf
        self.rotate_button = QPushButton(t("settings.rotate_key"))
        self.rotate_button.setObjectName("rotateKey")
        self.rotate_button.clicked.connect(self.rotate_key)
        self.confirm_rotation = self._confirm_rotation
        # Tests replace these: where the new sheet goes, and opening it.
        self.choose_pdf_path = self._ask_pdf_path
        self.open_file = self._open_file
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        body = QWidget()
        body.setMaximumWidth(960)
        column = QVBoxLayout(body)
        for title_key, form in (
            ("settings.company", self.company_form),
            ("settings.contact", self.contact_form),
            ("settings.app", self.app_form),
            ("settings.labels", self.labels_form),
        ):
            box = QGroupBox(t(title_key))
            box_layout = QVBoxLayout(box)
            box_layout.addWidget(form)
            if form is self.labels_form:
                box_layout.addLayout(test_row)
            column.addWidget(box)
        column.addWidget(self.backup_group)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sheet_button)
        buttons.addWidget(self.rotate_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.load()

    def _folder_row(
        self, name: str, browse_key: str, browse_slot: Any
    ) -> tuple[QLineEdit, QWidget]:
        """A folder field with its Browse button beside it (each with its own Alt letter)."""
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        edit = QLineEdit()
        edit.setObjectName(name)
        browse = QPushButton(t(browse_key))
        browse.clicked.connect(browse_slot)
        row.addWidget(edit, 1)
        row.addWidget(browse)
        return edit, holder

    def _line(self, form: Form, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        # A letterhead field every letter needs is marked as required, as in the wizard.
        label = t(f"field.{name}") + (" *" if name in LETTERHEAD_REQUIRED else "")
        form.add(name, label, edit, t(f"settings.hint.{name}", default=""))
        return edit

    def forms(self) -> list[Form]:
        return [
            self.company_form,
            self.contact_form,
            self.app_form,
            self.labels_form,
            self.backup_group.form,
        ]

    # --- data ---------------------------------------------------------------------------------

    @Slot()
    def load(self) -> None:
        """Read the settings on the task runner and fill the fields when they arrive."""
        from core.settings import get_settings

        def read(s: Session) -> tuple[int, dict[str, Any], tuple[Any, Any]]:
            row = get_settings(s)
            loaded = {
                name: getattr(row, name)
                for name in (*COMPANY, *CONTACT, *NUMBERS, *FOLDERS, "label_sheet")
            }
            loaded.update({name: float(getattr(row, name)) for name in OFFSETS})
            return row.version, loaded, (row.updated_by, row.updated_at)

        DbOp(self.ctx, self, read).read_only().success(self._show).run()

    def _show(self, result: tuple[int, dict[str, Any], tuple[Any, Any]]) -> None:
        self.version, self.loaded, updated = result
        for name, edit in self.edits.items():
            edit.setText(self.loaded[name] or "")
        for name, spin in self.spins.items():
            spin.setValue(int(self.loaded[name] or spin.minimum()))
        self.backup_folder.setText(self.loaded["backup_folder"] or "")
        self.second_backup_folder.setText(self.loaded["second_backup_folder"] or "")
        self.label_sheet.setCurrentIndex(
            max(0, self.label_sheet.findData(self.loaded["label_sheet"]))
        )
        for name, offset in self.offsets.items():
            offset.setValue(self.loaded[name])
        for form in self.forms():
            form.clear_errors()
        self.backup_group.load()
        self.status.setText(
            t("settings.updated", who=updated[0], when=format_datetime(updated[1]))
            if updated[0]
            else ""
        )

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: edit.text().strip() for name, edit in self.edits.items()}
        values.update({name: spin.value() for name, spin in self.spins.items()})
        values["backup_folder"] = self.backup_folder.text().strip()
        values["second_backup_folder"] = self.second_backup_folder.text().strip()
        values["label_sheet"] = self.label_sheet.currentData()
        values.update({name: round(offset.value(), 1) for name, offset in self.offsets.items()})
        return values

    def changed_values(self) -> dict[str, Any]:
        if not self.loaded:  # the settings have not arrived yet: nothing typed over them
            return {}

        def same(old: Any, new: Any) -> bool:
            return (old or "") == new if isinstance(new, str) else old == new

        return {k: v for k, v in self.values().items() if not same(self.loaded.get(k), v)}

    def has_unsaved_changes(self) -> bool:
        return bool(self.changed_values())

    def discard_changes(self) -> None:
        self.load()

    @Slot()
    def save(self) -> None:
        from core.settings import update_settings

        for form in self.forms():
            form.clear_errors()
        changes = self.changed_values()
        if not changes:
            self.status.setText(t("settings.nothing"))
            return
        actor, version = self.ctx.actor, self.version
        self.save_button.setEnabled(False)  # a double-click saves once
        DbOp(
            self.ctx, self, lambda s: update_settings(s, actor, expected_version=version, **changes)
        ).success(self._saved).failure(self._not_saved).run()

    def _saved(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.load()
        self.status.setText(t("settings.saved"))

    def _not_saved(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)  # what was typed stays in the fields
        if isinstance(exc, ValidationError):
            if not any(form.show_validation(exc) for form in self.forms()):
                show_error(self, exc)
            self.status.setText(t("settings.not_saved"))
            return
        show_error(self, exc)  # a conflict (someone else saved first) or a refusal

    @Slot()
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, t("field.backup_folder"), self.backup_folder.text()
        )
        if folder:
            self.backup_folder.setText(folder)

    @Slot()
    def choose_second_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, t("backup.choose_second"), self.second_backup_folder.text()
        )
        if folder:
            self.second_backup_folder.setText(folder)

    # --- the recovery sheet again -------------------------------------------------------------

    def _ask_pdf_path(self) -> str:
        from pathlib import Path

        suggestion = str(Path.home() / t("setup.sheet_file"))
        path, _ = QFileDialog.getSaveFileName(
            self, t("settings.recovery_sheet"), suggestion, "PDF (*.pdf)"
        )
        return path

    def _open_file(self, path: Any) -> None:
        documents.open_file(self, path)

    @Slot()
    def print_recovery_sheet(self) -> None:
        """A new recovery sheet (the key is read from this desk's keyring; audited)."""
        from core.documents.data import Letterhead
        from core.settings import get_settings, recovery_key_text
        from gui.first_run import Created, recovery_sheet_pdf

        actor = self.ctx.actor

        def sheet_data(s: Session) -> Created:
            key = recovery_key_text(s, actor)
            row = get_settings(s)
            return Created(
                key,
                row.install_id,
                row.company_name,
                actor.full_name or actor.username,
                Letterhead.from_settings(row),
            )

        def show(created: Created) -> None:
            self.print_pdf(
                self,
                recovery_sheet_pdf(created),
                t("setup.sheet_file"),
                on_saved=lambda path: self.status.setText(t("setup.printed", path=str(path))),
            )

        DbOp(self.ctx, self, sheet_data).success(show).run()

    # --- the label sheet's test page ---------------------------------------------------------

    @Slot()
    def print_test_page(self) -> None:
        """The frames of the chosen sheet with the offsets as they stand on the page (saved or
        not), in the print preview at 100 %: the office tunes the offset before saving it."""
        from core.transfer.mailing import produce_label_test_page

        actor, lang = self.ctx.actor, i18n.language()
        sheet = self.label_sheet.currentData()
        x, y = (round(offset.value(), 1) for offset in self.offsets.values())
        name = f"{t('settings.test_page_file')}.pdf"

        def show(pdf: bytes) -> None:
            self.print_pdf(self, pdf, name, actual_size=True)

        DbOp(
            self.ctx, self, lambda s: produce_label_test_page(s, actor, lang, sheet, x, y)
        ).success(show).failure(self._test_page_failed).run()

    def _test_page_failed(self, exc: BaseException) -> None:
        if not (isinstance(exc, ValidationError) and self.labels_form.show_validation(exc)):
            show_error(self, exc)

    # --- a new data key -----------------------------------------------------------------------

    def _confirm_rotation(self) -> bool:
        return confirm(
            self,
            t("settings.rotate_key_question"),
            t("settings.rotate_key_action"),
            destructive=True,
        )

    @Slot()
    def rotate_key(self) -> None:
        """A new data key (core.key_rotation), its new recovery sheet written where chosen."""
        from pathlib import Path

        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QProgressDialog

        from core import i18n
        from core.key_rotation import Rotation, rotate_and_write_sheet
        from gui.backup.progress import _Relay

        if not self.confirm_rotation():
            return
        path = self.choose_pdf_path()
        if not path:
            return
        sheet = Path(path).with_suffix(".pdf")
        actor, lang = self.ctx.actor, i18n.language()
        dialog = QProgressDialog(t("settings.rotate_key_action"), "", 0, 0, self)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        relay = _Relay(dialog)  # worker -> GUI thread, queued

        def show_progress(done: int, total: int, message: str) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)
            dialog.setLabelText(message)

        relay.progressed.connect(show_progress)
        dialog.show()
        self.rotate_button.setEnabled(False)

        def op(s: Session) -> Rotation:
            return rotate_and_write_sheet(s, actor, sheet, lang, relay.progressed.emit)

        def finished() -> None:
            dialog.close()
            self.rotate_button.setEnabled(True)

        def done(rotation: Rotation) -> None:
            finished()
            self.status.setText(t("setup.printed", path=str(sheet)))
            inform(self, t("settings.rotate_key_action"), rotation.notice())
            self.open_file(sheet)

        def failed(exc: BaseException) -> None:
            finished()
            show_error(self, exc)

        DbOp(self.ctx, self, op).success(done).failure(failed).run()
