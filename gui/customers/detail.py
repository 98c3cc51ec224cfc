"""One customer: the editable form with inline messages, the masked hetu, the objections,
and tabs for orders, requests, disclosures and history. A new customer uses the same form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core import orders
from core.customers import service as customers
from core.customers.service import CustomerDetail
from core.customers.views import customer_disclosures, customer_requests
from core.errors import Conflict, Suppressed, ValidationError
from core.i18n import format_date, format_datetime, t
from core.models import ObjectionKind, Source
from core.security.permissions import Actor, Permission
from gui import messages
from gui.customers import tabs
from gui.customers.disclosure import DisclosureDialog
from gui.customers.form import FieldErrors, MessageBar, messages_of
from gui.messages import confirm, error_text
from gui.ops import DbOp

HETU_VISIBLE_MS = 30_000
HETU_WIDEST = "888888A-888W"  # wider than any hetu, in any font
CLIPBOARD_MS = 10_000
SECRET_HINT = "x-kde-passwordManagerHint"
TEXT_FIELDS = (
    "first_name",
    "last_name",
    "organisation",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
)
REQUIRED = ("first_name", "last_name")
MUTED = "color: #5f6368;"


@dataclass(frozen=True)
class Loaded:
    detail: CustomerDetail
    orders: list
    requests: list
    disclosures: list
    history: list


def load_customer(s: Session, actor: Actor, customer_id: int) -> Loaded:
    """Runs on the worker: everything the panel shows, in one transaction."""
    return Loaded(
        customers.customer_detail(s, actor, customer_id),
        orders.list_orders(s, actor, customer_id=customer_id, include_archived=True)
        if actor.can(Permission.ORDERS)
        else [],
        customer_requests(s, actor, customer_id),
        customer_disclosures(s, actor, customer_id),
        customers.customer_history(s, actor, customer_id),
    )


def _table(model, stretch: int) -> QTableView:
    """A compact read-only table; column ``stretch`` takes the room the others leave."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    # A long cell (a history source naming its file) is cut short, whole in its tooltip,
    # rather than squeezing the stretching column to nothing.
    header.setMaximumSectionSize(view.fontMetrics().horizontalAdvance("M") * 16)
    return view


class CustomerDetailPanel(QWidget):
    back_requested = Signal()
    saved = Signal(int)  # customer id, after a save or an archive
    new_order_requested = Signal(int)
    loaded = Signal(int)  # customer id, once the form shows it

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id: int | None = None
        self.detail: CustomerDetail | None = None
        self._snapshot: dict[str, Any] = {}
        self._hetu_clear = ""
        self._clip_value = ""
        self.hetu_timer = QTimer(self, singleShot=True, interval=HETU_VISIBLE_MS)
        self.hetu_timer.timeout.connect(self.hide_hetu)
        self.clip_timer = QTimer(self, singleShot=True, interval=CLIPBOARD_MS)
        self.clip_timer.timeout.connect(self.clear_clipboard)
        self._leave_after_save = False
        self.ask_unsaved = messages.ask_unsaved  # a test answers in its place
        self._build()
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        """Esc from any field (a field passes the keys it does not use up to the form)."""
        if event.key() == Qt.Key.Key_Escape:
            self.leave()
            return
        super().keyPressEvent(event)

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        header = QHBoxLayout()
        self.back_button = QPushButton(t("customers.detail.back"))
        self.back_button.clicked.connect(self.leave)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.meta = QLabel()
        self.meta.setStyleSheet(MUTED)
        header.addWidget(self.back_button)
        header.addSpacing(12)
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.meta)
        outer.addLayout(header)
        self.message = MessageBar()
        outer.addWidget(self.message)

        body = QHBoxLayout()
        outer.addLayout(body, 1)
        # The fields keep room for their error lines (nothing jumps), so the column is taller
        # than a 1280x800 screen leaves: it scrolls instead of making the window taller.
        left_column = QWidget()
        left = QVBoxLayout(left_column)
        left.setContentsMargins(0, 0, 0, 0)
        left_scroll = QScrollArea()
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_scroll.setWidget(left_column)
        body.addWidget(left_scroll, 5)
        basics = QGroupBox(t("customers.detail.basics"))
        form = QFormLayout(basics)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        self.fields = FieldErrors()
        self.edits: dict[str, QLineEdit] = {}
        for field in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(field)
            edit.returnPressed.connect(self.save)
            edit.textEdited.connect(self._edited)
            self.edits[field] = edit
            label = t(f"field.{field}") + (" *" if field in REQUIRED else "")
            self.fields.add_row(form, field, label, edit)
            if field == "phone":
                self._add_hetu_row(form)
        self.edits["country"].setMaxLength(2)
        self.edits["country"].setMaximumWidth(60)
        self.source = QComboBox()
        self.source.setObjectName("source")
        for source in Source:
            self.source.addItem(t(f"source.{source.value}"), source.value)
        self.source.currentIndexChanged.connect(self._edited)
        self.fields.add_row(form, "source", t("field.source"), self.source)
        left.addWidget(basics)

        box = QGroupBox(t("field.objections"))
        grid = QGridLayout(box)
        self.objection_boxes: dict[str, QCheckBox] = {}
        self.objection_dates: dict[str, QLabel] = {}
        for i, kind in enumerate(ObjectionKind):
            check = QCheckBox(t(f"customers.objection.{kind.value}"))
            check.setObjectName(f"objection_{kind.value}")
            check.toggled.connect(self._edited)
            when = QLabel()
            when.setStyleSheet(MUTED)
            grid.addWidget(check, i, 0)
            grid.addWidget(when, i, 1, Qt.AlignmentFlag.AlignRight)
            self.objection_boxes[kind.value], self.objection_dates[kind.value] = check, when
        left.addWidget(box)
        left.addStretch(1)

        right = QVBoxLayout()
        body.addLayout(right, 7)
        self.tabs = QTabWidget()
        self.orders_model = tabs.orders_model(self)
        self.requests_model = tabs.requests_model(self)
        self.disclosures_model = tabs.disclosures_model(self)
        self.history_model = tabs.history_model(self)
        orders_page = QWidget()
        orders_layout = QVBoxLayout(orders_page)
        orders_layout.setContentsMargins(4, 4, 4, 4)
        self.orders_view = _table(self.orders_model, 2)
        orders_layout.addWidget(self.orders_view)
        self.new_order_button = QPushButton(t("orders.new"))
        self.new_order_button.clicked.connect(self._new_order)
        orders_layout.addWidget(self.new_order_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs.addTab(orders_page, t("customers.tab.orders"))
        self.tabs.addTab(_table(self.requests_model, 4), t("customers.tab.requests"))
        disclosures_page = QWidget()
        disclosures_layout = QVBoxLayout(disclosures_page)
        disclosures_layout.setContentsMargins(4, 4, 4, 4)
        disclosures_layout.addWidget(_table(self.disclosures_model, 3))
        self.disclose_button = QPushButton(t("customers.disclosure.new"))
        self.disclose_button.setObjectName("disclose")
        self.disclose_button.clicked.connect(self.record_disclosure)
        disclosures_layout.addWidget(self.disclose_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs.addTab(disclosures_page, t("customers.tab.disclosures"))
        self.tabs.addTab(_table(self.history_model, 3), t("customers.tab.history"))
        right.addWidget(self.tabs)

        buttons = QHBoxLayout()
        self.archive_button = QPushButton(t("customers.detail.archive"))
        self.archive_button.clicked.connect(self.toggle_archived)
        self.form_button = QPushButton(t("customers.detail.print_form"))
        self.form_button.setToolTip(t("customers.detail.print_form_tip"))
        form_menu = QMenu(self.form_button)
        from core.documents.data import FORM_KINDS

        for form_kind in FORM_KINDS:
            for lang in ("fi", "en"):
                action = form_menu.addAction(
                    f"{t(f'lists.doc.{form_kind}')} ({t(f'lists.lang.{lang}')})"
                )
                action.triggered.connect(
                    lambda _=False, k=form_kind, la=lang: self.print_form(k, la)
                )
        self.form_button.setMenu(form_menu)
        self.cancel_button = QPushButton(t("customers.detail.cancel"))
        self.cancel_button.setToolTip(t("customers.detail.cancel_tip"))
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button = QPushButton(t("customers.detail.save"))
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.archive_button)
        buttons.addWidget(self.form_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

    def _add_hetu_row(self, form: QFormLayout) -> None:
        self.hetu_edit = QLineEdit()
        self.hetu_edit.setObjectName("hetu")
        self.hetu_edit.setPlaceholderText(t("customers.detail.hetu_placeholder"))
        self.hetu_edit.setMaxLength(11)
        # Room for the longest hetu with its margins: a narrower field scrolls to the end
        # and shows "052-308T" for 131052-308T.
        fit = self.hetu_edit.fontMetrics().horizontalAdvance(HETU_WIDEST) + 24
        self.hetu_edit.setMinimumWidth(fit)
        self.hetu_edit.returnPressed.connect(self.save)
        self.hetu_edit.textEdited.connect(self._edited)
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.show_hetu_button = QPushButton(t("customers.detail.hetu_show"))
        self.show_hetu_button.clicked.connect(self.toggle_hetu)
        self.copy_hetu_button = QPushButton(t("customers.detail.hetu_copy"))
        self.copy_hetu_button.clicked.connect(self.copy_hetu)
        self.change_hetu_button = QPushButton(t("customers.detail.hetu_change"))
        self.change_hetu_button.clicked.connect(self.change_hetu)
        for button in (self.show_hetu_button, self.copy_hetu_button, self.change_hetu_button):
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            row.addWidget(button)
        self.hetu_buttons = buttons
        self.fields.add_row(form, "hetu", t("field.hetu"), self.hetu_edit, buttons)
        self.fields.widgets["hetu"] = self.hetu_edit

    # --- loading -----------------------------------------------------------------------------
    def print_form(self, kind: str, lang: str) -> bool:
        """A request form prefilled with this customer's name and address, in the print
        preview (Print, or Save PDF)."""
        from core.documents.office import produce_prefilled_form
        from gui.documents import produce_and_print

        if self.customer_id is None:
            return False
        ctx, cid = self.ctx, self.customer_id

        name = f"{t('customers.detail.form_file')}-{kind}-{lang}.pdf"
        produce_and_print(
            ctx,
            self,
            lambda s, filename: produce_prefilled_form(s, ctx.actor, kind, lang, cid, filename),
            name,
        )
        return True

    def load(self, customer_id: int, keep_message: bool = False) -> None:
        self.customer_id = customer_id
        if not keep_message:
            self.message.hide()
        actor = self.ctx.actor
        DbOp(self.ctx, self, lambda s: load_customer(s, actor, customer_id)).success(
            self._show_loaded
        ).failure(self._load_failed).run()

    def _load_failed(self, exc: BaseException) -> None:
        self.message.show_message(error_text(exc), "error")

    def _show_loaded(self, loaded: Loaded) -> None:
        d = loaded.detail
        if d.id != self.customer_id:
            return
        self.detail = d
        self.fields.clear()
        self.hide_hetu()
        for field in TEXT_FIELDS:
            value = getattr(d, field)
            if field == "phone":
                value = customers.validation.format_phone(value) if value else ""
            self.edits[field].setText(value)
        self.source.setCurrentIndex(max(0, self.source.findData(d.source)))
        self.hetu_edit.setText(d.hetu_masked)
        self.hetu_edit.setReadOnly(True)
        has_hetu = d.has_hetu and self.ctx.can(Permission.HETU_REVEAL)
        self.show_hetu_button.setVisible(has_hetu)
        self.copy_hetu_button.setVisible(has_hetu)
        self.change_hetu_button.setVisible(True)
        self.change_hetu_button.setEnabled(True)
        self.change_hetu_button.setText(
            t("customers.detail.hetu_change" if d.has_hetu else "customers.detail.hetu_add")
        )
        set_on = {o.kind: o.set_on for o in d.objections}
        for kind, check in self.objection_boxes.items():
            check.blockSignals(True)
            check.setChecked(kind in set_on)
            check.blockSignals(False)
            self.objection_dates[kind].setText(
                t("customers.objection.set_on", date=format_date(set_on[kind]))
                if kind in set_on
                else ""
            )
        self.orders_model.set_rows(loaded.orders)
        self.requests_model.set_rows(loaded.requests)
        self.disclosures_model.set_rows(loaded.disclosures)
        self.history_model.set_rows(loaded.history)
        for i in range(self.tabs.count()):
            self.tabs.setTabEnabled(i, True)
        self.tabs.setTabText(0, f"{t('customers.tab.orders')} ({len(loaded.orders)})")
        self.tabs.setTabText(1, f"{t('customers.tab.requests')} ({len(loaded.requests)})")
        self.tabs.setTabText(2, f"{t('customers.tab.disclosures')} ({len(loaded.disclosures)})")
        self.new_order_button.setVisible(self.ctx.can(Permission.ORDERS))
        self.new_order_button.setEnabled(d.state == "active" and not d.archived)
        self.title.setText(
            d.display_name + (f" – {t('customers.state.archived')}" if d.archived else "")
        )
        self.meta.setText(
            t(
                "customers.detail.meta",
                created=format_date(d.created_at),
                updated=format_datetime(d.updated_at),
                by=d.updated_by,
            )
        )
        self.archive_button.setVisible(True)
        self.archive_button.setText(
            t("customers.detail.unarchive" if d.archived else "customers.detail.archive")
        )
        editable = d.state != "anonymised"
        for edit in self.edits.values():
            edit.setReadOnly(not editable)
        self.save_button.setEnabled(editable)
        self._snapshot = self.values()
        self.edits["first_name"].setFocus()
        self.loaded.emit(d.id)

    def new_customer(self) -> None:
        """Empty form for a new customer (Ctrl+N)."""
        self.customer_id = None
        self.detail = None
        self.message.hide()
        self.fields.clear()
        self.hide_hetu()
        for edit in self.edits.values():
            edit.clear()
            edit.setReadOnly(False)
        self.edits["country"].setText("FI")
        self.source.setCurrentIndex(max(0, self.source.findData(Source.SHOP.value)))
        self.hetu_edit.clear()
        self.hetu_edit.setReadOnly(False)
        for button in (self.show_hetu_button, self.copy_hetu_button, self.change_hetu_button):
            button.hide()
        for kind, check in self.objection_boxes.items():
            check.blockSignals(True)
            check.setChecked(False)
            check.blockSignals(False)
            self.objection_dates[kind].clear()
        for model in (
            self.orders_model,
            self.requests_model,
            self.disclosures_model,
            self.history_model,
        ):
            model.set_rows([])
        for i in range(self.tabs.count()):
            self.tabs.setTabEnabled(i, False)
        self.title.setText(t("customers.detail.new_title"))
        self.meta.clear()
        self.archive_button.hide()
        self.save_button.setEnabled(True)
        self._snapshot = self.values()
        self.edits["first_name"].setFocus()

    # --- state -------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {f: self.edits[f].text().strip() for f in TEXT_FIELDS}
        out["source"] = self.source.currentData()
        out["hetu"] = "" if self.hetu_edit.isReadOnly() else self.hetu_edit.text().strip()
        out["objections"] = frozenset(k for k, c in self.objection_boxes.items() if c.isChecked())
        return out

    def has_unsaved_changes(self) -> bool:
        return bool(self._snapshot) and self.values() != self._snapshot

    def discard_changes(self) -> None:
        if self.customer_id is None:
            self.new_customer()
        elif self.detail is not None:
            self.load(self.customer_id)

    @Slot()
    def _edited(self, *_args: Any) -> None:
        if self.message.isVisible() and not self.message.button.isVisible():
            self.message.hide()

    @Slot()
    def cancel(self) -> None:
        """Undo changes (the button): the form shows the saved data again."""
        if self.has_unsaved_changes():
            self.discard_changes()

    @Slot()
    def leave(self) -> None:
        """Esc and Back: with unsaved edits ask Save, Discard or Cancel; then to the list."""
        if self.has_unsaved_changes():
            choice = self.ask_unsaved(self, t("customers.unsaved.customer"))
            if choice == messages.SAVE:
                self._leave_after_save = True
                self.save()
                return
            if choice != messages.DISCARD:
                return
            self.discard_changes()
        self.back_requested.emit()

    # --- saving ------------------------------------------------------------------------------
    @Slot()
    def save(self) -> None:
        self._save()

    def _save(self, confirmed_suppressed: bool = False) -> None:
        """``confirmed_suppressed``: the user chose to add a person erased at their request
        (the core then sets every prohibition)."""
        if not self.save_button.isEnabled():
            return
        values = self.values()
        kinds = values.pop("objections")
        customer_id, detail, actor = self.customer_id, self.detail, self.ctx.actor
        save: Callable[[Session], int]
        if customer_id is None:
            data = {k: v for k, v in values.items()}

            def create(s: Session) -> int:
                created = customers.create_customer(
                    s, actor, data, confirmed_suppressed=confirmed_suppressed
                )
                if kinds:
                    customers.add_objections(s, actor, created.id, kinds)
                return created.id

            save = create
        else:
            old = self._snapshot
            changes = {k: v for k, v in values.items() if k != "hetu" and v != old.get(k)}
            if values["hetu"]:
                changes["hetu"] = values["hetu"]
            objections_changed = kinds != old.get("objections")
            version = detail.version if detail else None

            def update(s: Session) -> int:
                if changes:
                    customers.update_customer(
                        s, actor, customer_id, changes, expected_version=version
                    )
                if objections_changed:
                    customers.set_objections(s, actor, customer_id, kinds)
                return customer_id

            save = update

        self.save_button.setEnabled(False)
        DbOp(self.ctx, self, save).success(self._saved).failure(self._save_failed).run()

    def _saved(self, customer_id: int) -> None:
        created = self.customer_id is None
        leave, self._leave_after_save = self._leave_after_save, False
        self.save_button.setEnabled(True)
        self.customer_id = customer_id
        self.message.show_message(
            t("customers.detail.created" if created else "customers.detail.saved")
        )
        self.load(customer_id, keep_message=True)
        self.saved.emit(customer_id)
        if leave:
            self.back_requested.emit()

    def _save_failed(self, exc: BaseException) -> None:
        self._leave_after_save = False  # the form stays open with the message
        self.save_button.setEnabled(True)
        if isinstance(exc, Suppressed):
            if confirm(
                self,
                exc.message() + "\n\n" + t("customers.detail.suppressed_question"),
                t("customers.detail.suppressed_add"),
            ):
                self._save(confirmed_suppressed=True)
            return
        if isinstance(exc, Conflict):
            self.message.show_message(
                exc.message(), "error", t("customers.detail.reload"), self.reload_after_conflict
            )
            return
        if isinstance(exc, ValidationError):
            rest = self.fields.show(messages_of(exc))
            text = "; ".join(rest.values()) if rest else t("customers.detail.fix_errors")
            self.message.show_message(text, "error")
            return
        self.message.show_message(error_text(exc), "error")

    @Slot()
    def reload_after_conflict(self) -> None:
        if self.customer_id is not None:
            self.load(self.customer_id)

    # --- archive -----------------------------------------------------------------------------
    @Slot()
    def toggle_archived(self) -> None:
        d = self.detail
        if d is None:
            return
        archive = not d.archived
        if archive and not confirm(
            self,
            t("customers.detail.archive_confirm", name=d.display_name),
            t("messages.action.archive"),
        ):
            return
        actor = self.ctx.actor

        def set_archived(s: Session) -> int:
            customers.set_archived(s, actor, d.id, archive)
            return d.id

        def done(customer_id: int) -> None:
            self.message.show_message(
                t("customers.detail.archived" if archive else "customers.detail.unarchived")
            )
            self.load(customer_id, keep_message=True)
            self.saved.emit(customer_id)

        DbOp(self.ctx, self, set_archived).success(done).failure(self._save_failed).run()

    # --- hetu --------------------------------------------------------------------------------
    def _reveal(self, then) -> None:
        customer_id = self.customer_id
        if customer_id is None:
            return

        actor = self.ctx.actor
        DbOp(self.ctx, self, lambda s: customers.reveal_hetu(s, actor, customer_id)).success(
            then
        ).failure(self._save_failed).run()

    @Slot()
    def toggle_hetu(self) -> None:
        if self._hetu_clear:
            self.hide_hetu()
        else:
            self._reveal(self._show_hetu)

    def _show_hetu(self, value: str) -> None:
        self._hetu_clear = value
        self.hetu_edit.setText(value)
        self.show_hetu_button.setText(t("customers.detail.hetu_hide"))
        self.hetu_timer.start()

    @Slot()
    def hide_hetu(self) -> None:
        self.hetu_timer.stop()
        if self._hetu_clear and self.detail is not None and self.hetu_edit.isReadOnly():
            self.hetu_edit.setText(self.detail.hetu_masked)
        self._hetu_clear = ""
        self.show_hetu_button.setText(t("customers.detail.hetu_show"))

    @Slot()
    def copy_hetu(self) -> None:
        self._reveal(self._copy)

    def _copy(self, value: str) -> None:
        mime = QMimeData()
        mime.setText(value)
        mime.setData(SECRET_HINT, b"secret")  # KDE Klipper and others keep it out of history
        QGuiApplication.clipboard().setMimeData(mime)
        self._clip_value = value
        self.clip_timer.start()
        self.message.show_message(t("customers.detail.hetu_copied"))

    @Slot()
    def clear_clipboard(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if self._clip_value and clipboard.text() == self._clip_value:
            clipboard.clear()
        self._clip_value = ""

    @Slot()
    def change_hetu(self) -> None:
        self.hide_hetu()
        self.hetu_edit.clear()
        self.hetu_edit.setReadOnly(False)
        self.hetu_edit.setFocus()
        self.change_hetu_button.setEnabled(False)

    # --- orders ------------------------------------------------------------------------------
    @Slot()
    @Slot()
    def record_disclosure(self) -> None:
        if self.customer_id is None:
            return
        if DisclosureDialog(self.ctx, self.customer_id, self).exec():
            self.load(self.customer_id, keep_message=True)

    def _new_order(self) -> None:
        if self.customer_id is not None:
            self.new_order_requested.emit(self.customer_id)
