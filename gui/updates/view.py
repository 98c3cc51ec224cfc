"""Name and address updates [S8]: choose a file, see the changes per customer (old -> new)
and the rows that matched nobody or were invalid, then apply."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.customers.updates import SOURCES, UpdatePreview, apply_updates, preview_updates
from core.i18n import t
from core.models import Source
from core.recipients import list_recipients
from gui.messages import show_error
from gui.ops import DbOp
from gui.rows import Column, RowsModel
from gui.widgets import add_shortcut


def _change_rows(preview: UpdatePreview) -> list[tuple[int, str, str, str, str]]:
    """One table row per changed field: (line, customer, field, old, new)."""
    rows = []
    for u in preview.updates:
        for i, c in enumerate(u.changes):
            rows.append((u.line, u.name if i == 0 else "", t(f"field.{c.field}"), c.old, c.new))
    return rows


class UpdatesDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: UpdatePreview | None = None
        self.path: Path | None = None
        self.applied = False
        self.setWindowTitle(t("updates.title"))
        self.resize(1000, 640)

        self.file = QLineEdit()
        self.file.setReadOnly(True)
        self.file.setAccessibleName(t("updates.file"))
        self.choose = QPushButton(t("updates.choose"))
        add_shortcut(self.choose, QKeySequence.StandardKey.Open)
        self.choose.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.choose)
        self.source = QComboBox()
        for value in SOURCES:
            self.source.addItem(t(f"source.{value}"), value)
        self.source.setAccessibleName(t("updates.source"))
        form = QFormLayout()
        file_label = QLabel(t("updates.file"))
        file_label.setBuddy(self.choose)
        form.addRow(file_label, file_row)
        source_label = QLabel(t("updates.source"))
        source_label.setBuddy(self.source)
        form.addRow(source_label, self.source)
        # An update-service company is named: its entry in the register of recipients.
        self.source_name = QComboBox()
        self.source_name.setEditable(True)
        self.source_name.setAccessibleName(t("field.source_name"))
        name_label = QLabel(t("field.source_name"))
        name_label.setBuddy(self.source_name)
        form.addRow(name_label, self.source_name)
        self.source.currentIndexChanged.connect(self._source_changed)
        self._source_changed()
        DbOp(ctx, self, lambda s: [r.name for r in list_recipients(s, ctx.actor)]).success(
            self.source_name.addItems
        ).run()

        self.changes = RowsModel(
            [
                Column("updates.line", lambda r: str(r[0]), right=True),
                Column("field.customer", lambda r: r[1]),
                Column("updates.field", lambda r: r[2]),
                Column("updates.old", lambda r: r[3]),
                Column("updates.new", lambda r: r[4]),
            ],
            parent=self,
        )
        self.problems = RowsModel(
            [
                Column("updates.line", lambda r: str(r[0].line), right=True),
                Column("updates.kind", lambda r: r[1]),
                Column("updates.who", lambda r: r[0].who),
                Column("updates.reason", lambda r: r[0].reason),
            ],
            parent=self,
        )
        self.tabs = QTabWidget()
        self.change_view = self._table(self.changes, t("updates.changes_tab"))
        self.problem_view = self._table(self.problems, t("updates.problems_tab"))
        self.tabs.addTab(self.change_view, t("updates.changes_tab"))
        self.tabs.addTab(self.problem_view, t("updates.problems_tab"))

        self.summary = QLabel(t("updates.hint"))
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.apply_button = self.buttons.addButton(
            t("updates.apply"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    @Slot()
    def _source_changed(self) -> None:
        self.source_name.setEnabled(self.source.currentData() == Source.UPDATE_SERVICE.value)

    def _table(self, model: RowsModel, name: str) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setAccessibleName(name)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.verticalHeader().hide()
        view.setWordWrap(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return view

    @Slot()
    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, t("updates.choose"), "", t("common.csv_filter")
        )
        if path:
            self.load(Path(path))

    def load(self, path: Path) -> None:
        """Read the file and show what applying it would change (writes nothing)."""
        self.path = path
        self.file.setText(str(path))
        self.applied = False
        ctx = self.ctx

        DbOp(ctx, self, lambda s: preview_updates(s, ctx.actor, path)).success(
            self.show_preview
        ).failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        self.preview = None
        self.changes.set_rows([])
        self.problems.set_rows([])
        self.apply_button.setEnabled(False)
        self.summary.setText("")
        show_error(self, exc)

    def show_preview(self, preview: UpdatePreview) -> None:
        self.preview = preview
        self.changes.set_rows(_change_rows(preview))
        self.problems.set_rows(
            sorted(
                [(r, t("updates.unmatched")) for r in preview.unmatched]
                + [(r, t("updates.rejected")) for r in preview.rejected],
                key=lambda r: r[0].line,
            )
        )
        self.tabs.setTabText(
            1,
            t(
                "updates.problems_tab_count",
                count=len(preview.unmatched) + len(preview.rejected),
            ),
        )
        self.tabs.setTabText(0, t("updates.changes_tab_count", count=len(preview.updates)))
        counts = t(
            "updates.preview_counts",
            updated=len(preview.updates),
            unchanged=len(preview.unchanged),
            unmatched=len(preview.unmatched),
            rejected=len(preview.rejected),
        )
        self.summary.setText(t("updates.preview_summary", summary=counts))
        self.apply_button.setEnabled(bool(preview.updates))
        if not preview.updates and preview.has_problems:
            self.tabs.setCurrentIndex(1)

    @Slot()
    def apply(self) -> None:
        preview = self.preview
        if preview is None or not preview.updates:
            return
        source = self.source.currentData()
        name = self.source_name.currentText() if source == Source.UPDATE_SERVICE.value else ""
        ctx = self.ctx

        def done(count: int) -> None:
            self.applied = True
            self.apply_button.setEnabled(False)
            self.summary.setText(t("updates.applied", summary=preview.summary(updated=count)))

        DbOp(ctx, self, lambda s: apply_updates(s, ctx.actor, preview, source, name)).success(
            done
        ).run()
