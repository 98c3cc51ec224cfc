"""File > Import customers…: a wizard over core.transfer (no rule lives here).

Choose the file (.xlsx, .xls, .ods or CSV) and its sheet; see the first rows with the columns
matched to fields by their headers and change a match or ignore a column; validate everything
(``preview_import``, which writes nothing) and see "N new, M unchanged, K rejected" with the
rejected rows and their reasons; import with progress and Cancel; save the rejected rows as
.xlsx or CSV for fixing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from core.i18n import t
from core.transfer.csvio import HEADER_SYNONYMS, CsvTable, header_name
from core.transfer.importing import (
    ImportReport,
    import_customers,
    preview_import,
    write_rejected,
)
from core.transfer.sheets import read_customer_file_head, sheet_names
from gui.backup.progress import ProgressRun
from gui.messages import ERROR_COLOUR, error_label, show_error, show_inline
from gui.rows import Column, RowsModel

SAMPLE_ROWS = 8  # rows shown under the column matches
FIELDS = tuple(HEADER_SYNONYMS)


def _summary(report: ImportReport) -> str:
    return t(
        "import.wizard.preview_summary",
        new=report.imported,
        unchanged=report.unchanged,
        rejected=report.rejected,
        updated=report.updated,
    )


def _rejected_view(model: RowsModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return view


def _rejected_model(parent: QWidget) -> RowsModel:
    return RowsModel(
        [
            Column("import.wizard.row", lambda r: str(r.line), right=True),
            Column("import.wizard.reason", lambda r: r.reason),
        ],
        parent=parent,
    )


class FilePage(QWizardPage):
    """The file and, for a spreadsheet, its sheet. Only what the column page shows is read
    here, on the task runner: the sheet names, the header and the first rows; the whole file
    is read by the preview's worker."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.head: tuple[str | None, CsvTable] | None = None  # (sheet, its first rows)
        self.asked = 0  # the latest read asked for: an older one arriving late is dropped
        self.setTitle(t("import.wizard.file_title"))
        self.setSubTitle(t("import.wizard.file_hint"))
        self.file = QLineEdit()
        self.file.setReadOnly(True)
        self.file.setAccessibleName(t("import.wizard.file"))
        self.choose = QPushButton(t("import.wizard.choose"))
        self.choose.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(self.choose)
        self.sheet = QComboBox()
        self.sheet.setAccessibleName(t("import.wizard.sheet"))
        self.sheet.setEnabled(False)
        self.sheet.currentIndexChanged.connect(self._sheet_chosen)
        form = QFormLayout(self)
        file_label = QLabel(t("import.wizard.file"))
        file_label.setBuddy(self.choose)
        form.addRow(file_label, row)
        sheet_label = QLabel(t("import.wizard.sheet"))
        sheet_label.setBuddy(self.sheet)
        form.addRow(sheet_label, self.sheet)
        self.error = error_label(reserve=True)
        form.addRow(self.error)

    @Slot()
    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, t("import.wizard.choose_title"), "", t("import.wizard.open_filter")
        )
        if path:
            self.set_file(Path(path))

    def set_file(self, path: Path) -> None:
        self.w.path = None
        self.file.setText(str(path))
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.blockSignals(False)
        self.sheet.setEnabled(False)
        self._read(path, None)

    @Slot(int)
    def _sheet_chosen(self, _index: int) -> None:
        sheet = self.sheet.currentText() or None
        if self.w.path is not None and (self.head is None or self.head[0] != sheet):
            self._read(self.w.path, sheet)

    def _read(self, path: Path, sheet: str | None) -> None:
        """Read the sheet names (``sheet`` None: a new file) and the first rows off the GUI
        thread; the page is complete when they are here."""
        self.head = None
        self.asked += 1
        asked = self.asked
        show_inline(self.error, None)

        def read() -> tuple[list[str] | None, str | None, CsvTable]:
            names = sheet_names(path) if sheet is None else None
            chosen = sheet if sheet is not None else (names[0] if names else None)
            return names, chosen, read_customer_file_head(path, chosen, SAMPLE_ROWS)

        self.w.ctx.tasks.run(
            read, lambda result: self._read_done(asked, path, result), self._read_failed(asked)
        )
        self.completeChanged.emit()

    def _read_done(
        self, asked: int, path: Path, result: tuple[list[str] | None, str | None, CsvTable]
    ) -> None:
        if asked != self.asked:
            return
        names, chosen, table = result
        if names is not None:
            self.sheet.blockSignals(True)
            self.sheet.addItems(names)
            self.sheet.blockSignals(False)
            self.sheet.setEnabled(len(names) > 1)
        self.w.path = path
        self.head = (chosen, table)
        self.completeChanged.emit()

    def _read_failed(self, asked: int):  # type: ignore[no-untyped-def]
        def failed(exc: BaseException) -> None:  # an unreadable file: said here, wizard stays
            if asked == self.asked:
                show_inline(self.error, exc)
                self.completeChanged.emit()

        return failed

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        return self.w.path is not None and self.head is not None

    def validatePage(self) -> bool:  # noqa: N802 (Qt name)
        """Nothing is read here: the first rows came with the file's choice."""
        if self.head is None:
            return False
        self.w.sheet, self.w.table = self.head
        return True


class ColumnsPage(QWizardPage):
    """The first rows with each column's field; the user may change a match or ignore it."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(t("import.wizard.columns_title"))
        self.setSubTitle(t("import.wizard.columns_hint"))
        self.sample = QTableWidget()
        self.sample.setAccessibleName(t("import.wizard.sample"))
        self.sample.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sample.verticalHeader().hide()
        self.combos: list[QComboBox] = []
        self.error = error_label(reserve=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sample, 1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:  # noqa: N802 (Qt name)
        table = self.w.table
        assert table is not None
        show_inline(self.error, None)
        headers = [header_name(h) for h in table.headers]
        sample = [cells for _line, cells in table.rows[:SAMPLE_ROWS]]
        self.sample.clear()
        self.sample.setColumnCount(len(headers))
        self.sample.setRowCount(len(sample) + 1)
        self.sample.setHorizontalHeaderLabels(
            [h or t("import.wizard.no_header", number=i + 1) for i, h in enumerate(headers)]
        )
        self.combos = []
        for column, fld in enumerate(table.fields):
            combo = QComboBox()
            combo.addItem(t("import.wizard.ignore"), None)
            for name in FIELDS:
                combo.addItem(t(f"field.{name}"), name)
            combo.setCurrentIndex(max(0, combo.findData(fld)))
            combo.setAccessibleName(
                t("import.wizard.match_of", column=headers[column] or str(column + 1))
            )
            combo.currentIndexChanged.connect(lambda _i: self.completeChanged.emit())
            self.sample.setCellWidget(0, column, combo)
            self.combos.append(combo)
        for row, cells in enumerate(sample, start=1):
            for column, text in enumerate(cells[: len(headers)]):
                self.sample.setItem(row, column, QTableWidgetItem(text))
        self.sample.resizeColumnsToContents()
        for column in range(len(headers)):
            self.sample.setColumnWidth(column, max(self.sample.columnWidth(column), 150))

    def fields(self) -> list[str | None]:
        return [combo.currentData() for combo in self.combos]

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        chosen = [f for f in self.fields() if f]
        duplicated = len(chosen) != len(set(chosen))
        missing = not {"first_name", "last_name"} <= set(chosen)
        text = ""
        if duplicated:
            text = t("import.wizard.field_twice")
        elif missing:
            text = t("import.wizard.names_needed")
        self.error.setText(text)  # its room is kept: the table under it does not move
        return not duplicated and not missing

    def validatePage(self) -> bool:  # noqa: N802 (Qt name)
        self.w.fields = self.fields()
        return True


class PreviewPage(QWizardPage):
    """Everything validated, nothing written: new, unchanged and rejected rows."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(t("import.wizard.preview_title"))
        self.setSubTitle(t("import.wizard.preview_hint"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, t("import.wizard.import"))
        self.summary = QLabel()
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        self.rejected = _rejected_model(self)
        self.view = _rejected_view(self.rejected, t("import.wizard.rejected_rows"))
        self.error = error_label(reserve=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        self.report: ImportReport | None = None

    def initializePage(self) -> None:  # noqa: N802 (Qt name)
        self.report = None
        self.summary.setText(t("import.wizard.validating"))
        self.rejected.set_rows([])
        show_inline(self.error, None)
        w = self.w
        path, sheet, fields, ctx = w.path, w.sheet, w.fields, w.ctx
        assert path is not None

        def work(progress, should_abort) -> ImportReport:
            return preview_import(
                ctx.db,
                ctx.actor,
                path,
                sheet=sheet,
                fields=fields,
                progress=progress,
                should_abort=should_abort,
            )

        ProgressRun(
            self,
            ctx.tasks,
            t("import.wizard.preview_title"),
            t("import.wizard.validating"),
            work,
            self._shown,
            self._failed,
            delay_ms=600,
        )

    def _shown(self, report: ImportReport) -> None:
        if report.aborted:
            self.summary.setText(t("import.wizard.validation_cancelled"))
            return
        self.report = report
        self.summary.setText(_summary(report))
        self.rejected.set_rows(report.rejected_rows)
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.summary.clear()
        show_inline(self.error, exc)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        # Also with nothing new: the last page is where the rejected rows are saved.
        return self.report is not None


class ResultPage(QWizardPage):
    """The import itself, with progress and Cancel; then what was done and the rejected rows."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(t("import.wizard.result_title"))
        self.summary = QLabel()
        self.summary.setObjectName("resultSummary")
        self.summary.setWordWrap(True)
        self.rejected = _rejected_model(self)
        self.view = _rejected_view(self.rejected, t("import.wizard.rejected_rows"))
        self.save = QPushButton(t("import.wizard.save_rejected"))
        self.save.clicked.connect(self.save_rejected)
        self.save.setEnabled(False)
        self.saved = QLabel()
        self.saved.setWordWrap(True)
        self.error = error_label(reserve=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save)
        buttons.addWidget(self.saved, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.report: ImportReport | None = None
        self.running = False

    def initializePage(self) -> None:  # noqa: N802 (Qt name)
        w = self.w
        path, sheet, fields, ctx = w.path, w.sheet, w.fields, w.ctx
        assert path is not None
        self.report = None
        self.running = True
        self.summary.setText(t("import.wizard.importing"))

        def work(progress, should_abort) -> ImportReport:
            return import_customers(
                ctx.db,
                ctx.actor,
                path,
                sheet=sheet,
                fields=fields,
                progress=progress,
                should_abort=should_abort,
                rejected_file=False,
            )

        ProgressRun(
            self,
            ctx.tasks,
            t("import.wizard.result_title"),
            t("import.wizard.importing"),
            work,
            self._done,
            self._failed,
        )

    def _done(self, report: ImportReport) -> None:
        self.running = False
        self.report = report
        self.w.imported = True
        key = "import.wizard.cancelled_summary" if report.aborted else "import.wizard.done_summary"
        self.summary.setText(
            t(
                key,
                imported=report.imported,
                unchanged=report.unchanged,
                rejected=report.rejected,
                updated=report.updated,
            )
        )
        self.rejected.set_rows(report.rejected_rows)
        self.save.setEnabled(bool(report.rejected_rows))
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.summary.setText(t("import.wizard.failed"))
        self.summary.setStyleSheet(f"color: {ERROR_COLOUR};")
        show_inline(self.error, exc)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        return not self.running

    @Slot()
    def save_rejected(self) -> None:
        assert self.report is not None and self.w.path is not None
        suggested = self.w.path.with_name(
            f"{self.w.path.stem}_{t('import.wizard.rejected_file')}.xlsx"
        )
        path, chosen = QFileDialog.getSaveFileName(
            self,
            t("import.wizard.save_rejected_title"),
            str(suggested),
            t("import.wizard.save_filter"),
        )
        if path:
            self.write(Path(path), csv=chosen.endswith("(*.csv)"))

    def write(self, path: Path, csv: bool = False) -> None:
        """Write the rejected rows to ``path`` (.xlsx unless it ends in .csv or ``csv``)."""
        assert self.report is not None
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_name(path.name + (".csv" if csv else ".xlsx"))
        try:
            count = write_rejected(path, self.report)
        except Exception as exc:
            show_error(self, exc)
            return
        self.saved.setText(t("import.wizard.rejected_saved", count=count, path=str(path)))


class ImportWizard(QWizard):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.sheet: str | None = None
        self.table: CsvTable | None = None
        self.fields: list[str | None] | None = None
        self.imported = False  # something may have been written: the lists refresh
        self.setWindowTitle(t("import.wizard.title"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        for button, key in (
            (QWizard.WizardButton.BackButton, "import.wizard.back"),
            (QWizard.WizardButton.NextButton, "import.wizard.next"),
            (QWizard.WizardButton.FinishButton, "import.wizard.finish"),
            (QWizard.WizardButton.CancelButton, "import.wizard.cancel"),
        ):
            self.setButtonText(button, t(key))
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.columns_page, self.preview_page, self.result_page):
            self.addPage(page)
        self.resize(1000, 640)
