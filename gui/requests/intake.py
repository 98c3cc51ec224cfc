"""The "New request" dialog: one form whose kind-specific part changes with the kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core.clock import today
from core.customers.search import CustomerRow, search_customers
from core.errors import ValidationError, ValidationErrors
from core.i18n import t
from core.models import ObjectionKind, RequestChannel, RequestKind
from core.requests import RECTIFIABLE, Attachment, ItemInput, register_request
from gui.messages import error_label, show_inline
from gui.ops import DbOp
from gui.requests.common import SEARCH_DEBOUNCE_MS, Asker
from gui.widgets import DateEdit


def _label(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    widget.setAccessibleName(text.replace("&", ""))
    return label


class NewRequestDialog(QDialog):
    """Registers a request; ``request_id`` holds the new id after ``accept()``."""

    def __init__(
        self, ctx: Any, parent: QWidget | None = None, kind: str = "access", asker: Any = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = asker or Asker(self)
        self.request_id: int | None = None
        self.scan: Path | None = None
        self.setWindowTitle(t("req.new_title"))
        layout = QVBoxLayout(self)
        self.error = error_label(strong=True, reserve=True)
        layout.addWidget(self.error)

        basics = QFormLayout()
        self.kind = QComboBox()
        for k in RequestKind:
            self.kind.addItem(t(f"req.kind.{k.value}"), k.value)
        self.received = DateEdit()
        self.received.setCalendarPopup(True)
        self.received.setDisplayFormat("d.M.yyyy")
        self.received.setDate(QDate(today().year, today().month, today().day))
        self.received.setMaximumDate(QDate(today().year, today().month, today().day))
        self.channel = QComboBox()
        for c in RequestChannel:
            self.channel.addItem(t(f"req.channel.{c.value}"), c.value)
        self.language = QComboBox()
        self.language.addItem(t("req.lang.fi"), "fi")
        self.language.addItem(t("req.lang.en"), "en")
        for text, widget in (
            (t("req.f.kind"), self.kind),
            (t("req.f.received_on"), self.received),
            (t("req.f.channel"), self.channel),
            (t("req.f.language"), self.language),
        ):
            basics.addRow(_label(text, widget), widget)
        layout.addLayout(basics)

        person = QGroupBox(t("req.h.person"))
        pform = QFormLayout(person)
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setFixedHeight(48)
        self.hetu = QLineEdit()
        self.hetu.setPlaceholderText(t("req.hetu_hint"))
        self.customer_search = QLineEdit()
        self.customer_search.setPlaceholderText(t("req.customer_search_hint"))
        self.customer = QComboBox()
        self.customer.addItem(t("req.customer_auto"), None)
        # One search when the typing pauses, not one per keystroke.
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.run_search)
        self.customer_search.textChanged.connect(self.search_timer.start)
        person_fields: tuple[tuple[str, QWidget], ...] = (
            (t("req.f.subject_name"), self.name),
            (t("req.f.subject_email"), self.email),
            (t("req.f.subject_address"), self.address),
            (t("req.f.hetu"), self.hetu),
            (t("req.f.customer_search"), self.customer_search),
            (t("req.f.customer"), self.customer),
        )
        for text, person_field in person_fields:
            pform.addRow(_label(text, person_field), person_field)
        layout.addWidget(person)

        signed = QGroupBox(t("req.h.signature"))
        sform = QFormLayout(signed)
        self.signed = QCheckBox(t("req.f.signed_on_file"))
        self.signed.setAccessibleName(t("req.f.signed_on_file"))
        self.location = QLineEdit()
        self.location.setPlaceholderText(t("req.location_hint"))
        scan_row = QHBoxLayout()
        self.scan_label = QLabel(t("req.no_scan"))
        scan_button = QPushButton(t("req.choose_scan"))
        scan_button.clicked.connect(self._choose_scan)
        scan_row.addWidget(self.scan_label, 1)
        scan_row.addWidget(scan_button)
        self.identity = QLineEdit()
        self.identity.setPlaceholderText(t("req.identity_hint"))
        sform.addRow(self.signed)
        sform.addRow(_label(t("req.f.original_location"), self.location), self.location)
        sform.addRow(t("req.f.scan"), scan_row)
        sform.addRow(_label(t("req.f.identity_method"), self.identity), self.identity)
        layout.addWidget(signed)

        self.items_box = QGroupBox(t("req.h.items"))
        ibox = QVBoxLayout(self.items_box)
        self.items = QTableWidget(0, 3)
        self.items.setHorizontalHeaderLabels(
            [t("req.col.field"), t("req.col.requested"), t("req.col.grounds")]
        )
        self.items.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.items.setAccessibleName(t("req.h.items"))
        buttons_row = QHBoxLayout()
        add = QPushButton(t("req.add_item"))
        remove = QPushButton(t("req.remove_item"))
        add.clicked.connect(self.add_item)
        remove.clicked.connect(lambda: self.items.removeRow(self.items.currentRow()))
        buttons_row.addWidget(add)
        buttons_row.addWidget(remove)
        buttons_row.addStretch(1)
        ibox.addWidget(self.items)
        ibox.addLayout(buttons_row)
        layout.addWidget(self.items_box)

        self.objection_box = QGroupBox(t("req.h.objections"))
        obox = QVBoxLayout(self.objection_box)
        self.objection_checks: dict[str, QCheckBox] = {}
        for objection in ObjectionKind:
            check = QCheckBox(t(f"doc.objection.{objection.value}").capitalize())
            self.objection_checks[objection.value] = check
            obox.addWidget(check)
        layout.addWidget(self.objection_box)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(t("req.register"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("req.cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self._kind_changed()
        self.resize(640, 720)

    @Slot()
    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.items_box.setVisible(kind == RequestKind.RECTIFICATION.value)
        self.objection_box.setVisible(kind == RequestKind.OBJECTION.value)
        if kind == RequestKind.RECTIFICATION.value and self.items.rowCount() == 0:
            self.add_item()

    @Slot()
    def add_item(self, field: str = "", requested: str = "", grounds: str = "") -> None:
        from PySide6.QtWidgets import QTableWidgetItem

        row = self.items.rowCount()
        self.items.insertRow(row)
        combo = QComboBox()
        for f in RECTIFIABLE:
            combo.addItem(t(f"field.{f}"), f)
        if field:
            combo.setCurrentIndex(max(0, combo.findData(field)))
        self.items.setCellWidget(row, 0, combo)
        self.items.setItem(row, 1, QTableWidgetItem(requested))
        self.items.setItem(row, 2, QTableWidgetItem(grounds))

    @Slot()
    def run_search(self) -> None:
        text = self.customer_search.text()
        self.customer.clear()
        self.customer.addItem(t("req.customer_auto"), None)
        if len(text.strip()) < 2:
            return
        actor = self.ctx.actor

        def show(rows: list[CustomerRow]) -> None:
            if text != self.customer_search.text():
                return  # typed on meanwhile
            for r in rows:
                place = f", {r.postal_code} {r.city}".rstrip(", ") if r.city else ""
                self.customer.addItem(f"{r.first_name} {r.last_name}{place}", r.id)
            if rows:
                self.customer.setCurrentIndex(1)

        DbOp(self.ctx, self, lambda s: search_customers(s, actor, text, limit=30)).success(
            show
        ).failure(lambda exc: show_inline(self.error, exc)).run()

    @Slot()
    def _choose_scan(self) -> None:
        path = self.asker.open_file(t("req.choose_scan"))
        if path is not None:
            self.scan = path
            self.scan_label.setText(path.name)
            self.signed.setChecked(True)

    def _item_inputs(self) -> list[ItemInput]:
        out = []
        for row in range(self.items.rowCount()):
            combo = self.items.cellWidget(row, 0)
            requested = self.items.item(row, 1)
            grounds = self.items.item(row, 2)
            value = requested.text() if requested else ""
            if not value.strip():
                continue
            field = combo.currentData() if isinstance(combo, QComboBox) else ""
            out.append(ItemInput(field, value, grounds.text() if grounds else ""))
        return out

    @Slot()
    def submit(self) -> None:
        kind = self.kind.currentData()
        d = self.received.date()
        from datetime import date

        scan = self.scan
        # Everything the request says is read from the form here, on the GUI thread.
        fields: dict[str, Any] = dict(
            kind=kind,
            received_on=date(d.year(), d.month(), d.day()),
            channel=self.channel.currentData(),
            language=self.language.currentData(),
            signed_on_file=self.signed.isChecked(),
            original_location=self.location.text(),
            identity_method=self.identity.text(),
            subject_name=self.name.text(),
            subject_email=self.email.text(),
            subject_address=self.address.toPlainText(),
            customer_id=self.customer.currentData(),
            hetu=self.hetu.text().strip(),
            items=self._item_inputs() if kind == RequestKind.RECTIFICATION.value else (),
            objection_kinds=[k for k, c in self.objection_checks.items() if c.isChecked()]
            if kind == RequestKind.OBJECTION.value
            else (),
        )
        actor = self.ctx.actor

        def register(s: Session) -> int:
            # The scan is read here, on the task runner: a large file does not freeze the form.
            attachment = Attachment(scan.name, scan.read_bytes()) if scan is not None else None
            return register_request(s, actor, attachment=attachment, **fields).id

        self.ok_button.setEnabled(False)  # a double-click registers once
        DbOp(self.ctx, self, register).success(self._registered).failure(self._refused).run()

    def _registered(self, request_id: int) -> None:
        self.request_id = request_id
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)  # what was typed stays in the form
        if isinstance(exc, (ValidationErrors, ValidationError)):
            errors = exc.errors if isinstance(exc, ValidationErrors) else [exc]
            self.error.setText("\n".join(e.message() for e in errors))
            self.error.setVisible(True)
            return
        show_inline(self.error, exc)
