"""File > Export customers… (manager): every active customer to .xlsx or CSV through
``core.transfer.exporting.export_customers``, which checks the permission, makes the values
harmless for spreadsheets and writes the audit entry. The hetu only when asked for, after a
warning."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core import i18n
from core.clock import today
from core.i18n import t
from core.transfer.exporting import export_customers
from gui.messages import ERROR_COLOUR, confirm, error_label, show_inline
from gui.ops import DbOp


class ExportDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.count: int | None = None
        self.setWindowTitle(t("export.dialog.title"))
        self.setMinimumWidth(640)
        self.file = QLineEdit(str(Path.home() / f"{t('export.dialog.file_stem')}_{today()}.xlsx"))
        self.file.setAccessibleName(t("export.dialog.file"))
        self.choose = QPushButton(t("export.dialog.choose"))
        self.choose.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(self.choose)
        self.with_hetu = QCheckBox(t("export.dialog.with_hetu"))
        self.warning = QLabel(t("export.dialog.hetu_warning"))
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {ERROR_COLOUR};")
        # Its space is kept while hidden: ticking the box moves nothing under the mouse.
        policy = self.warning.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.warning.setSizePolicy(policy)
        self.warning.setVisible(False)
        self.with_hetu.toggled.connect(self.warning.setVisible)
        form = QFormLayout()
        label = QLabel(t("export.dialog.file"))
        label.setBuddy(self.file)
        form.addRow(label, row)
        self.hint = QLabel(t("export.dialog.hint"))
        self.hint.setWordWrap(True)
        self.outcome = QLabel()
        self.outcome.setObjectName("exportResult")
        self.outcome.setWordWrap(True)
        self.error = error_label(reserve=True)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            t("export.dialog.export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = self.buttons.addButton(
            t("export.dialog.close"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.with_hetu)
        layout.addWidget(self.warning)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    @Slot()
    def choose_file(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, t("export.dialog.choose_title"), self.file.text(), t("import.wizard.save_filter")
        )
        if path:
            target = Path(path)
            if target.suffix.lower() not in (".xlsx", ".csv"):
                target = target.with_name(
                    target.name + (".csv" if chosen.endswith("(*.csv)") else ".xlsx")
                )
            self.file.setText(str(target))

    def path(self) -> Path:
        target = Path(self.file.text().strip())
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_name(target.name + ".xlsx")
        return target

    @Slot()
    def export(self) -> None:
        show_inline(self.error, None)
        if not self.file.text().strip():
            self.error.setText(t("export.dialog.no_file"))
            self.error.setVisible(True)
            return
        path = self.path()
        with_hetu = self.with_hetu.isChecked()
        if with_hetu and not confirm(
            self,
            t("export.dialog.hetu_confirm", path=str(path)),
            t("export.dialog.export_with_hetu"),
            destructive=True,
        ):
            return
        ctx, lang = self.ctx, i18n.language()

        def run(s) -> int:
            return export_customers(s, ctx.actor, path, with_hetu=with_hetu, lang=lang)

        def done(count: int) -> None:
            self.count = count
            self.outcome.setText(t("export.dialog.done", count=count, path=str(path)))

        DbOp(ctx, self, run).success(done).failure(lambda exc: show_inline(self.error, exc)).run()
