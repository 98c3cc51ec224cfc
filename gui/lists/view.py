"""Lists & labels: the objection-aware label run and mailing list [S6], blank signed-request
forms and the privacy statement.

Who gets mail is the core's rule (``core.transfer.mailing``); this page shows the selection, how many
were left out and why, and hands the documents to ``gui.documents``. Labels and the mailing
list are the manager's (the core refuses anyone else; the buttons say so); any user may print
the blank forms and the statement.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core import i18n
from core.clock import today
from core.documents import office as printouts
from core.documents.data import FORM_KINDS, LabelEntry
from core.documents.label_sheets import DEFAULT_SHEET, SHEETS, label_sheet
from core.i18n import t
from core.models import Source
from core.security.permissions import Permission
from core.transfer import mailing
from gui import documents
from gui.lists.model import mailing_model
from gui.ops import DbOp

FILTER_DELAY_MS = 300
PREVIEW_ROWS = 1000  # the table shows the first rows; the counts and the documents cover all


SHORTENED_NAMED = 10  # the status line names this many shortened labels, then "…"


def _who(entry: LabelEntry) -> str:
    name = f"{entry.first_name} {entry.last_name}".strip()
    return f"{name} (#{entry.customer_id})" if entry.customer_id is not None else name


def number(value: int) -> str:
    """1 884 in Finnish (no-break space), 1,884 in English."""
    text = f"{value:,}"
    return text if i18n.language() == "en" else text.replace(",", "\u00a0")


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    buddy.setAccessibleName(text.replace("&", ""))
    return label


class ListsPage(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.selection: mailing.MailingSelection | None = None
        self.shortened: list[LabelEntry] = []  # the last label run's shortened labels
        self._generation = 0
        self.may_mail = ctx.can(Permission.LETTERS)
        self.may_print_forms = ctx.can(Permission.BLANK_FORMS)

        heading = QLabel(t("lists.title"))
        heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.language = QComboBox()
        self.language.addItem(t("lists.lang.fi"), "fi")
        self.language.addItem(t("lists.lang.en"), "en")
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.language())))
        self.language.setToolTip(t("lists.lang_hint"))
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(_label(t("lists.lang"), self.language))
        top.addWidget(self.language)

        body = QHBoxLayout()
        body.addWidget(self._mailing_box(), 1)
        forms = self._forms_box()
        forms.setMinimumWidth(340)
        forms.setMaximumWidth(440)
        body.addWidget(forms)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)

        self.filter_timer = QTimer(self)
        self.filter_timer.setSingleShot(True)
        self.filter_timer.setInterval(FILTER_DELAY_MS)
        self.filter_timer.timeout.connect(self.preview)
        self.prefix.textEdited.connect(lambda _text: self.filter_timer.start())
        self.source.currentIndexChanged.connect(lambda _i: self.filter_timer.start())
        if not self.may_mail:
            self.status.setText(t("lists.manager_only") + ".")
        self._load_sheet()
        self.preview()

    # --- building the page ----------------------------------------------------------------

    def _mailing_box(self) -> QGroupBox:
        box = QGroupBox(t("lists.mailing.title"))
        rule = QLabel(t("lists.mailing.rule"))
        rule.setWordWrap(True)

        self.prefix = QLineEdit()
        self.prefix.setObjectName("postal_code_prefix")
        self.prefix.setPlaceholderText(t("lists.prefix_placeholder"))
        self.prefix.setMaxLength(5)
        self.prefix.setMaximumWidth(120)
        self.prefix.returnPressed.connect(self.preview)
        self.source = QComboBox()
        self.source.setObjectName("source")
        self.source.addItem(t("lists.all_sources"), None)
        for source in Source:
            self.source.addItem(t(f"source.{source.value}"), source.value)
        self.preview_button = QPushButton(t("lists.preview"))
        self.preview_button.setToolTip(t("lists.preview_hint"))
        self.preview_button.clicked.connect(self.preview)
        filters = QHBoxLayout()
        filters.addWidget(_label(t("lists.prefix"), self.prefix))
        filters.addWidget(self.prefix)
        filters.addSpacing(12)
        filters.addWidget(_label(t("lists.source"), self.source))
        filters.addWidget(self.source)
        filters.addStretch(1)
        filters.addWidget(self.preview_button)

        self.summary = QLabel(t("lists.loading"))
        self.summary.setObjectName("summary")
        self.summary.setStyleSheet("font-weight: 600;")
        self.left_out = QLabel()
        self.left_out.setObjectName("left_out")
        self.left_out.setWordWrap(True)

        self.model = mailing_model(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(t("lists.table_name"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(40)
        # Fixed widths for the short columns, the text columns share the rest: never
        # ResizeToContents, which reads every row of a 100,000-row run.
        for column, width in ((3, 90), (4, 115), (5, 60)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

        self.sheet = QComboBox()
        self.sheet.setObjectName("label_sheet")
        for sheet in SHEETS:
            self.sheet.addItem(sheet.name(), sheet.id)
        self.sheet.setToolTip(t("lists.sheet_hint"))
        # The sheets' names are long: the closed box shows as much as fits, the list all.
        self.sheet.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.sheet.setMinimumContentsLength(22)
        self.sheet.view().setMinimumWidth(self.sheet.view().sizeHintForColumn(0) + 24)
        self.sheet.currentIndexChanged.connect(self._sheet_changed)
        self.skip = QSpinBox()
        self.skip.setObjectName("skip")
        self.skip.setToolTip(t("lists.skip_hint"))
        self.default_sheet = DEFAULT_SHEET  # until Settings' choice arrives (_load_sheet)
        self._select_sheet(self.default_sheet)
        self.labels_button = QPushButton(t("lists.labels"))
        self.labels_button.setObjectName("labels")
        self.labels_button.clicked.connect(self.save_labels)
        self.print_labels_button = QPushButton(t("print.print_labels"))
        self.print_labels_button.setObjectName("print_labels")
        self.print_labels_button.setToolTip(t("print.print_labels_hint"))
        self.print_labels_button.clicked.connect(self.print_labels)
        self.csv_button = QPushButton(t("lists.csv"))
        self.csv_button.setObjectName("csv")
        self.csv_button.clicked.connect(self.save_csv)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(_label(t("lists.sheet"), self.sheet))
        sheet_row.addWidget(self.sheet)
        sheet_row.addSpacing(12)
        sheet_row.addWidget(_label(t("lists.skip"), self.skip))
        sheet_row.addWidget(self.skip)
        sheet_row.addStretch(1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.labels_button)
        actions.addWidget(self.print_labels_button)
        actions.addWidget(self.csv_button)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(box)
        layout.addWidget(rule)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.left_out)
        layout.addWidget(self.table, 1)
        layout.addLayout(sheet_row)
        layout.addLayout(actions)
        self._update_buttons()
        return box

    def _forms_box(self) -> QGroupBox:
        box = QGroupBox(t("lists.forms.title"))
        note = QLabel(t("lists.forms.note"))
        note.setWordWrap(True)
        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        self.form_buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        kinds = [*FORM_KINDS, "statement"]
        for row, kind in enumerate(kinds):
            name = QLabel(t(f"lists.doc.{kind}"))
            name.setWordWrap(True)
            if kind == "objection":
                name.setToolTip(t("lists.doc.objection_hint"))
            save = QPushButton(t("lists.save"))
            save.setObjectName(f"save_{kind}")
            save.setToolTip(t("lists.save_hint"))
            save.setAccessibleName(f"{t(f'lists.doc.{kind}')}: {t('lists.save')}")
            save.clicked.connect(lambda _=False, k=kind: self.save_printout(k))
            print_ = QPushButton(t("lists.print"))
            print_.setObjectName(f"print_{kind}")
            print_.setToolTip(t("print.print_hint"))
            print_.setAccessibleName(f"{t(f'lists.doc.{kind}')}: {t('lists.print')}")
            print_.clicked.connect(lambda _=False, k=kind: self.print_printout(k))
            for button in (save, print_):
                button.setEnabled(self.may_print_forms)
            grid.addWidget(name, row, 0)
            grid.addWidget(save, row, 1)
            grid.addWidget(print_, row, 2)
            self.form_buttons[kind] = (save, print_)
        self.statement_html_button = QPushButton(t("lists.save_html"))
        self.statement_html_button.setObjectName("save_statement_html")
        self.statement_html_button.setToolTip(t("lists.save_html_hint"))
        self.statement_html_button.setAccessibleName(
            f"{t('lists.doc.statement')}: {t('lists.save_html')}"
        )
        self.statement_html_button.setEnabled(self.may_print_forms)
        self.statement_html_button.clicked.connect(self.save_statement_html)
        grid.addWidget(self.statement_html_button, kinds.index("statement"), 3)
        layout = QVBoxLayout(box)
        layout.addWidget(note)
        layout.addSpacing(6)
        layout.addLayout(grid)
        layout.addStretch(1)
        return box

    # --- the label sheet ------------------------------------------------------------------

    def _load_sheet(self) -> None:
        """Settings' sheet, read on the task runner: a sheet newly chosen in Settings becomes
        the page's choice, otherwise the user's pick stays."""
        from core.settings import get_settings

        def arrived(default: str) -> None:
            if default != self.default_sheet:
                self.default_sheet = default
                self._select_sheet(default)

        DbOp(self.ctx, self, lambda s: str(get_settings(s).label_sheet)).read_only().success(
            arrived
        ).run()

    def _select_sheet(self, sheet_id: str) -> None:
        self.sheet.setCurrentIndex(max(0, self.sheet.findData(sheet_id)))
        self._sheet_changed()

    @Slot()
    def _sheet_changed(self) -> None:
        self.skip.setRange(0, label_sheet(self.sheet.currentData()).per_page - 1)

    # --- the mailing selection ------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        return {
            "postal_code_prefix": self.prefix.text().strip(),
            "source": self.source.currentData(),
        }

    def doc_lang(self) -> str:
        return str(self.language.currentData())

    @Slot()
    def preview(self) -> None:
        self.filter_timer.stop()
        self._generation += 1
        generation, filters, actor = self._generation, self.filters(), self.ctx.actor

        def show(selection: mailing.MailingSelection) -> None:
            if generation == self._generation:
                self.show_selection(selection)

        DbOp(
            self.ctx,
            self,
            lambda s: mailing.mailing_candidates(s, actor, limit=PREVIEW_ROWS, **filters),
        ).success(show).run()

    def show_selection(self, selection: mailing.MailingSelection) -> None:
        self.selection = selection
        self.model.set_rows(selection.entries)
        self.summary.setText(t("lists.summary", count=selection.count))
        left_out = t(
            "lists.left_out",
            objection=number(selection.left_out_objection),
            address=number(selection.left_out_no_address),
        )
        if not selection.complete:
            left_out += " " + t("lists.first_rows", shown=number(len(selection.entries)))
        self.left_out.setText(left_out)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_rows = bool(self.selection and self.selection.count)
        for button in (self.labels_button, self.print_labels_button, self.csv_button):
            button.setEnabled(self.may_mail and has_rows)
            if not self.may_mail:
                button.setToolTip(t("lists.manager_only"))
            elif not has_rows:
                button.setToolTip(t("lists.nobody"))
            else:
                hints = {
                    self.labels_button: "lists.labels_hint",
                    self.print_labels_button: "print.print_labels_hint",
                }
                button.setToolTip(t(hints.get(button, "lists.csv_hint")))
        self.skip.setEnabled(self.may_mail)
        self.sheet.setEnabled(self.may_mail)

    def refresh(self) -> None:
        """Called by the main window when the page is shown again."""
        self._load_sheet()
        self.preview()

    # --- producing documents --------------------------------------------------------------

    def _file_name(self, kind: str, ext: str) -> str:
        return f"{t(f'lists.file.{kind}', self.doc_lang())}-{today().isoformat()}.{ext}"

    def _mailing_build(self, csv: bool) -> documents.Build:
        # The selection is made again when the document is built, so a prohibition set since
        # the preview is honoured all the same.
        filters, actor, lang, skip, sheet = (
            self.filters(),
            self.ctx.actor,
            self.doc_lang(),
            self.skip.value(),
            self.sheet.currentData(),
        )
        self.shortened = []

        def build(s: Session, filename: str) -> bytes:
            selection = mailing.mailing_candidates(s, actor, **filters)
            if csv:
                return mailing.produce_mailing_csv(s, actor, selection, lang, filename)
            run = mailing.produce_label_run(s, actor, selection, lang, skip, filename, sheet)
            self.shortened = list(run.shortened)  # read on the GUI thread once it is done
            return run.pdf

        return build

    def _saved(self, path: Any) -> None:
        self.status.setText(" ".join([t("lists.saved", path=str(path)), self._shortened_text()]))

    def _shortened_text(self) -> str:
        """Which customers' labels were cut to fit (the label run names them)."""
        if not self.shortened:
            return ""
        names = ", ".join(_who(entry) for entry in self.shortened[:SHORTENED_NAMED])
        if len(self.shortened) > SHORTENED_NAMED:
            names += ", …"
        return t("lists.shortened", count=len(self.shortened), names=names) + "."

    def _busy(self, busy: bool) -> None:
        for button in (
            self.labels_button,
            self.print_labels_button,
            self.csv_button,
            self.preview_button,
        ):
            button.setEnabled(not busy)
        if not busy:
            self._update_buttons()
            if self.shortened:  # before the preview opens or the file is saved
                self.status.setText(self._shortened_text())

    @Slot()
    def save_labels(self) -> None:
        self._produce_mailing(csv=False)

    @Slot()
    def print_labels(self) -> None:
        """The label sheets in the print preview, printed at 100 % (never fitted to the page:
        the labels must land on the sheet's labels)."""
        self._busy(True)
        documents.produce_and_print(
            self.ctx,
            self,
            self._mailing_build(csv=False),
            self._file_name("labels", documents.PDF),
            on_finished=lambda: self._busy(False),
            actual_size=True,
            on_saved=self._saved,
        )

    @Slot()
    def save_csv(self) -> None:
        self._produce_mailing(csv=True)

    def _produce_mailing(self, csv: bool) -> None:
        kind, ext = ("mailing_csv", documents.CSV) if csv else ("labels", documents.PDF)
        self._busy(True)
        started = documents.produce_and_save(
            self.ctx,
            self,
            self._mailing_build(csv),
            self._file_name(kind, ext),
            ext,
            open_after=not csv,
            on_saved=self._saved,
            on_finished=lambda: self._busy(False),
        )
        if not started:
            self._busy(False)

    def _printout_build(self, kind: str) -> documents.Build:
        actor, lang = self.ctx.actor, self.doc_lang()

        def build(s: Session, filename: str) -> bytes:
            if kind == "statement":
                return printouts.produce_statement(s, actor, lang, filename)
            return printouts.produce_blank_form(s, actor, kind, lang, filename)

        return build

    def save_printout(self, kind: str) -> None:
        documents.produce_and_save(
            self.ctx,
            self,
            self._printout_build(kind),
            self._file_name(kind, documents.PDF),
            on_saved=self._saved,
        )

    @Slot()
    def save_statement_html(self) -> None:
        """The privacy statement as an HTML page for the website, opened in the browser."""
        actor, lang = self.ctx.actor, self.doc_lang()
        documents.produce_and_save(
            self.ctx,
            self,
            lambda s, filename: printouts.produce_statement_html(s, actor, lang, filename),
            self._file_name("statement", documents.HTML),
            documents.HTML,
            on_saved=self._saved,
        )

    def print_printout(self, kind: str) -> None:
        documents.produce_and_print(
            self.ctx,
            self,
            self._printout_build(kind),
            self._file_name(kind, documents.PDF),
            on_saved=self._saved,
        )
