"""One request, walked step by step: signature and identity, the customer, the kind's own
work (report, items, prohibitions, legal holds), the decision and deadline, the documents.

Buttons the core would refuse for this user or this state are disabled; the core checks
again whatever the screen shows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core.customers.search import CustomerRow, search_customers
from core.i18n import format_date, format_datetime, t
from core.legal_holds import check_legal_holds
from core.models import ItemDecision, RequestKind, RequestState
from core.requests import (
    anonymise,
    apply_objection,
    attach_signature,
    decide_rectification,
    erase,
    extend_deadline,
    finish_access,
    finish_rectification,
    match_customer,
    notification_targets,
    record_identity_check,
    refuse_request,
    request_detail,
    required_reason,
    withdraw_request,
)
from core.requests import documents as docs
from core.requests.intake import Attachment
from core.requests.queries import attachment_content
from core.security.permissions import Permission
from gui import documents
from gui.messages import error_label, show_inline
from gui.ops import DbOp
from gui.requests import sections
from gui.requests.common import SEARCH_DEBOUNCE_MS, Asker
from gui.requests.sections import hrow, make_button, para

K = RequestKind


class RequestPage(QWidget):
    back_requested = Signal()
    changed = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None, asker: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = asker or Asker(self)
        self.request_id: int | None = None
        self.detail: Any = None
        self.holds: list[Any] = []
        self.targets: list[Any] = []
        self.buttons: dict[str, QPushButton] = {}
        self.item_table: QTableWidget | None = None  # the rectification's items
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        back = QPushButton(t("req.back"))
        back.setToolTip("Esc")
        back.clicked.connect(self.back_requested.emit)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        top.addWidget(back)
        top.addWidget(self.title, 1)
        outer.addLayout(top)
        # The letters made on this page, for the printer too (saving one is optional). The
        # button is always there, so nothing moves when the first letter is made.
        self.letters: list[Any] = []
        self.print_button = QPushButton(t("req.print_letters", count=1))
        self.print_button.setObjectName("printLetters")
        self.print_button.setToolTip(t("print.print_hint"))
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_letters)
        top.addWidget(self.print_button)
        self.error = error_label(strong=True, reserve=True)
        outer.addWidget(self.error)
        self.status = sections.para("", muted=True)
        self.status.setObjectName("status")
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing())
        outer.addWidget(self.status)
        self.body = QScrollArea()
        self.body.setWidgetResizable(True)
        self.body.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.body, 1)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.back_requested.emit()
            return
        super().keyPressEvent(event)

    # --- loading ------------------------------------------------------------------------------

    def load(self, request_id: int) -> None:
        if request_id != self.request_id:  # another request's letters are not printed here
            self.letters = []
            self.print_button.setText(t("req.print_letters", count=1))
            self.print_button.setEnabled(False)
        self.request_id = request_id
        ctx = self.ctx

        def fetch(s: Session) -> tuple[Any, list[Any], list[Any]]:
            detail = request_detail(s, ctx.actor, request_id)
            holds = (
                check_legal_holds(s, detail.customer_id)
                if detail.customer_id and detail.kind in (K.ERASURE, K.ANONYMISATION)
                else []
            )
            targets = (
                notification_targets(s, ctx.actor, request_id)
                if detail.kind == K.RECTIFICATION
                else []
            )
            return detail, holds, targets

        DbOp(ctx, self, fetch).success(self._show).failure(
            lambda exc: show_inline(self.error, exc)
        ).run()

    def reload(self) -> None:
        if self.request_id is not None:
            self.load(self.request_id)

    def _show(self, result: tuple[Any, list[Any], list[Any]]) -> None:
        self.detail, self.holds, self.targets = result
        d = self.detail
        self.title.setText(f"{d.number} · {t(f'req.kind.{d.kind}')} · {d.person}")
        self.buttons = {}
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self._status_box())
        layout.addWidget(self._signature_box())
        layout.addWidget(self._customer_box())
        layout.addWidget(self._work_box())
        layout.addWidget(self._decision_box())
        layout.addWidget(self._documents_box())
        layout.addStretch(1)
        self.body.setWidget(body)

    # --- permissions --------------------------------------------------------------------------

    def can(self, permission: Permission) -> bool:
        return self.ctx.can(permission)

    @property
    def in_progress(self) -> bool:
        return self.detail.state == RequestState.IN_PROGRESS.value

    def _add(
        self, key: str, text: str, slot: Callable[[], None], enabled: bool | None = None
    ) -> QPushButton:
        """A button for action ``key``, enabled when the core allows it now (``d.actions``)."""
        if enabled is None:
            enabled = key in self.detail.actions
        b = make_button(text, slot, enabled)
        b.setObjectName(key)
        if not enabled and not self._permitted(key):
            b.setToolTip(t("req.manager_only"))
        self.buttons[key] = b
        return b

    def _permitted(self, key: str) -> bool:
        manager_keys = {
            "accept",
            "refuse_item",
            "finish_rect",
            "erase",
            "anonymise",
            "extend",
            "refuse",
            "refusal_cert",
            "notices",
            "confirmation",
            "extension_notice",
        }
        return key not in manager_keys or self.can(Permission.REQUEST_DECIDE)

    # --- sections -----------------------------------------------------------------------------

    def _status_box(self) -> QGroupBox:
        d = self.detail
        box = QGroupBox(t("req.h.status"))
        lay = QVBoxLayout(box)
        state = para(f"<b>{t('req.f.state')}:</b> {t(f'req.state.{d.state}')}")
        lay.addWidget(state)
        due = t(
            "req.due_line",
            due=format_date(d.effective_due_on),
            received=format_date(d.received_on),
        )
        if d.is_open:
            due += " — " + (
                t("req.days_overdue", count=-d.days_left)
                if d.days_left < 0
                else t("req.days_left", count=d.days_left)
            )
        due_label = para(due)
        if d.urgency == "overdue":
            due_label.setStyleSheet("color: #8a1c24; font-weight: bold;")
        elif d.urgency == "soon":
            due_label.setStyleSheet("color: #7a5200; font-weight: bold;")
        lay.addWidget(due_label)
        if d.extended_due_on:
            lay.addWidget(
                para(
                    t(
                        "req.extended_line",
                        first=format_date(d.due_on),
                        reasons=d.extension_reasons,
                    ),
                    muted=True,
                )
            )
        lay.addWidget(
            para(
                t(
                    "req.channel_line",
                    channel=t(f"req.channel.{d.channel}"),
                    language=t(f"req.lang.{d.language}"),
                    by=d.created_by,
                ),
                muted=True,
            )
        )
        if d.decision:
            text = t(
                "req.decision_line",
                decision=t(f"req.decision.{d.decision}"),
                by=d.decided_by or "—",
                when=format_datetime(d.decided_at) if d.decided_at else "",
            )
            lay.addWidget(para(text))
            if d.decision_reasons:
                lay.addWidget(para(d.decision_reasons, muted=True))
        return box

    def _signature_box(self) -> QGroupBox:
        d = self.detail
        box = QGroupBox(t("req.h.step_signature"))
        lay = QVBoxLayout(box)
        if d.signed_on_file:
            lay.addWidget(para(t("req.signed_yes", location=d.original_location)))
        else:
            lay.addWidget(para(t("req.signed_no")))
        for a in d.attachments:
            line = para(
                t(
                    "req.attachment_line",
                    name=a.filename,
                    kb=max(1, a.size // 1024),
                    sha=a.sha256[:16],
                    by=a.added_by,
                ),
                muted=True,
            )
            button = make_button(t("req.open_scan"), partial(self.open_scan, a.id))
            button.setObjectName(f"open_scan_{a.id}")
            lay.addLayout(hrow(line, button))
        if d.identity_method:
            lay.addWidget(
                para(
                    t(
                        "req.identity_line",
                        by=d.identity_checked_by or "—",
                        method=d.identity_method,
                    )
                )
            )
        else:
            lay.addWidget(para(t("req.identity_missing"), muted=True))
        lay.addLayout(
            hrow(
                self._add("attach", t("req.attach_signed"), self.attach_signed),
                self._add("form", t("req.print_form"), self.print_form),
                self._add("identity", t("req.record_identity"), self.record_identity),
            )
        )
        return box

    def _customer_box(self) -> QGroupBox:
        d = self.detail
        box = QGroupBox(t("req.h.step_customer"))
        lay = QVBoxLayout(box)
        if d.customer_id:
            lay.addWidget(para(t("req.customer_matched", name=d.person)))
        else:
            told = ", ".join(x for x in (d.subject_name, d.subject_email) if x) or d.pseudonym
            lay.addWidget(para(t("req.customer_unmatched", told=told)))
        if d.is_open:
            self.search = QLineEdit()
            self.search.setPlaceholderText(t("req.customer_search_hint"))
            self.search.setAccessibleName(t("req.f.customer_search"))
            self.search.setMinimumWidth(280)
            self.search_timer = QTimer(self.search, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
            self.search_timer.timeout.connect(self.run_search)
            self.search.textChanged.connect(self.search_timer.start)
            self.candidates = QComboBox()
            self.candidates.setAccessibleName(t("req.f.customer"))
            self.candidates.setMinimumWidth(320)
            lay.addLayout(
                hrow(
                    self.search,
                    self.candidates,
                    self._add("match", t("req.match"), self.match_selected, False),
                )
            )
        return box

    def _work_box(self) -> QGroupBox:
        d = self.detail
        box = QGroupBox(t(f"req.h.work_{d.kind}"))
        lay = QVBoxLayout(box)
        has_customer = d.customer_id is not None
        if d.kind == K.ACCESS:
            lay.addWidget(para(t("req.access_help"), muted=True))
            lay.addLayout(
                hrow(
                    self._add("report", t("req.access_report"), self.access_report),
                    self._add("json", t("req.access_json"), self.access_json),
                    self._add(
                        "finish_access",
                        t("req.finish_access" if has_customer else "req.finish_no_data"),
                        self.finish_access,
                    ),
                )
            )
        elif d.kind == K.RECTIFICATION:
            sections.rectification(self, lay, has_customer)
        elif d.kind == K.OBJECTION:
            for item in d.items:
                lay.addWidget(para("• " + t(f"doc.objection.{item.field}")))
            lay.addLayout(
                hrow(
                    self._add("apply_objection", t("req.apply_objection"), self.apply_objection),
                    self._add("confirmation", t("req.confirmation"), self.confirmation),
                )
            )
        else:
            sections.erasure(self, lay, has_customer)
        return box

    def _decision_box(self) -> QGroupBox:
        box = QGroupBox(t("req.h.step_decision"))
        lay = QVBoxLayout(box)
        lay.addWidget(para(t("req.refuse_note"), muted=True))
        lay.addLayout(
            hrow(
                self._add("extend", t("req.extend"), self.extend),
                self._add("extension_notice", t("req.extension_notice"), self.extension_notice),
                self._add("refuse", t("req.refuse"), self.refuse),
                self._add("withdraw", t("req.withdraw"), self.withdraw),
            )
        )
        return box

    def _documents_box(self) -> QGroupBox:
        box = QGroupBox(t("req.h.documents"))
        lay = QVBoxLayout(box)
        if not self.detail.documents:
            lay.addWidget(para(t("req.no_documents"), muted=True))
        for doc in self.detail.documents:
            lay.addWidget(
                para(
                    t(
                        "req.document_line",
                        kind=t(f"doc.kind.{doc.kind}"),
                        language=t(f"req.lang.{doc.language}"),
                        by=doc.created_by,
                        when=format_datetime(doc.created_at),
                    ),
                    muted=True,
                )
            )
        return box

    # --- actions ------------------------------------------------------------------------------

    def _act(
        self, fn: Callable[[Session], Any], after: Callable[[Any], None] | None = None
    ) -> None:
        """Run ``fn(session)`` in one transaction off the GUI thread, then reload."""

        def done(result: Any) -> None:
            show_inline(self.error, None)
            if after is not None:
                after(result)
            self.changed.emit()
            self.reload()

        DbOp(self.ctx, self, fn).success(done).failure(
            lambda exc: show_inline(self.error, exc)
        ).run()

    def _save(self, produced: Any) -> None:
        """Save and open the letters the action produced (``core.requests.documents``)."""
        items = produced if isinstance(produced, list) else [produced]
        self.letters = list(items)
        self.print_button.setText(t("req.print_letters", count=len(items)))
        self.print_button.setEnabled(bool(items))
        saved = []
        for p in items:
            path = documents.save_and_open(
                self,
                p.content,
                p.filename,
                ask_path=self.asker.save_path,
                show=self.asker.show_file,
            )
            if path is not None:
                saved.append(str(path))
        if saved:
            self.status.setText(t("lists.saved", path=", ".join(saved)))

    @Slot()
    def print_letters(self) -> None:
        """The letters last made on this page, each through the print preview."""
        for letter in self.letters:
            self.asker.print_pdf(letter.content, letter.filename)

    @Slot()
    def open_scan(self, attachment_id: int) -> None:
        """The attached scan of the signed request, opened from a private temporary copy."""
        actor = self.ctx.actor

        def show(result: tuple[str, bytes]) -> None:
            name, content = result
            path = documents.private_copy(self, content, name)
            if path is not None:
                self.asker.show_file(path)

        DbOp(
            self.ctx, self, lambda s: attachment_content(s, actor, attachment_id)
        ).read_only().success(show).failure(lambda exc: show_inline(self.error, exc)).run()

    @property
    def rid(self) -> int:
        assert self.request_id is not None
        return self.request_id

    @Slot()
    def attach_signed(self) -> None:
        path = self.asker.open_file(t("req.choose_scan"))
        location = self.asker.text(
            t("req.attach_signed"), t("req.f.original_location"), t("req.location_hint")
        )
        if location is None:
            return
        attachment = Attachment(path.name, path.read_bytes()) if path else None
        self._act(lambda s: attach_signature(s, self.ctx.actor, self.rid, attachment, location))

    @Slot()
    def print_form(self) -> None:
        self._act(
            lambda s: docs.produce_form(s, self.ctx.actor, self.rid),
            lambda produced: self.asker.print_pdf(produced.content, produced.filename),
        )

    @Slot()
    def record_identity(self) -> None:
        method = self.asker.text(
            t("req.record_identity"), t("req.f.identity_method"), t("req.identity_hint")
        )
        if method is not None:
            self._act(lambda s: record_identity_check(s, self.ctx.actor, self.rid, method))

    @Slot()
    def run_search(self) -> None:
        """The customer picker's search, once the typing pauses (``search_timer``)."""
        text = self.search.text()
        self.candidates.clear()
        self.buttons["match"].setEnabled(False)
        if len(text.strip()) < 2:
            return
        actor = self.ctx.actor

        def show(rows: list[CustomerRow]) -> None:
            if text != self.search.text():
                return  # typed on meanwhile
            for r in rows:
                place = f", {r.postal_code} {r.city}" if r.city else ""
                self.candidates.addItem(f"{r.first_name} {r.last_name}{place}", r.id)
            self.buttons["match"].setEnabled(self.candidates.count() > 0)

        DbOp(self.ctx, self, lambda s: search_customers(s, actor, text, limit=30)).success(
            show
        ).failure(lambda exc: show_inline(self.error, exc)).run()

    @Slot()
    def match_selected(self) -> None:
        customer_id = self.candidates.currentData()
        if customer_id is not None:
            self._act(lambda s: match_customer(s, self.ctx.actor, self.rid, customer_id))

    @Slot()
    def access_report(self) -> None:
        self._act(lambda s: docs.produce_access_report(s, self.ctx.actor, self.rid), self._save)

    @Slot()
    def access_json(self) -> None:
        self._act(lambda s: docs.produce_access_json(s, self.ctx.actor, self.rid), self._save)

    @Slot()
    def finish_access(self) -> None:
        self._act(lambda s: finish_access(s, self.ctx.actor, self.rid))

    def _selected_item(self) -> int | None:
        row = self.item_table.currentRow() if self.item_table is not None else -1
        if row < 0:
            row = next(
                (
                    i
                    for i, it in enumerate(self.detail.items)
                    if it.decision == ItemDecision.PENDING.value
                ),
                -1,
            )
        return self.detail.items[row].id if row >= 0 else None

    def _reason(self, title: str, label: str, field: str = "decision_reasons") -> str | None:
        """A reason the person will read: the dialog stays open until one is given."""
        return self.asker.text(
            title,
            label,
            t("req.refuse_note"),
            check=lambda text: required_reason(text, field),
        )

    @Slot()
    def accept_item(self) -> None:
        item_id = self._selected_item()
        if item_id is None:
            return
        item = next(i for i in self.detail.items if i.id == item_id)
        empty = t("req.empty_value")
        question = t(
            "messages.confirm.accept_item",
            field=t(f"field.{item.field}"),
            current=item.current_value or empty,
            requested=item.requested_value or empty,
        )
        if self.asker.confirm(question, t("req.accept_item")):
            self._act(lambda s: decide_rectification(s, self.ctx.actor, item_id, True))

    @Slot()
    def refuse_item(self) -> None:
        item = self._selected_item()
        if item is None:
            return
        reason = self._reason(t("req.refuse_item"), t("req.reason_label"), "reason")
        if reason is not None:
            self._act(lambda s: decide_rectification(s, self.ctx.actor, item, False, reason))

    @Slot()
    def finish_rectification(self) -> None:
        decisions = [i.decision for i in self.detail.items]
        question = t(
            "messages.confirm.finish_rect",
            accepted=decisions.count(ItemDecision.ACCEPTED.value),
            refused=decisions.count(ItemDecision.REFUSED.value),
        )
        if self.asker.confirm(question, t("req.finish_rect")):
            self._act(lambda s: finish_rectification(s, self.ctx.actor, self.rid))

    @Slot()
    def refusal_certificate(self) -> None:
        self._act(
            lambda s: docs.produce_refusal_certificate(s, self.ctx.actor, self.rid), self._save
        )

    @Slot()
    def correction_notices(self) -> None:
        self._act(
            lambda s: docs.produce_correction_notices(s, self.ctx.actor, self.rid), self._save
        )

    @Slot()
    def apply_objection(self) -> None:
        kinds = ", ".join(t(f"doc.objection.{item.field}") for item in self.detail.items)
        question = t("messages.confirm.apply_objection", kinds=kinds)
        if self.asker.confirm(question, t("req.apply_objection")):
            self._act(lambda s: apply_objection(s, self.ctx.actor, self.rid))

    @Slot()
    def confirmation(self) -> None:
        self._act(
            lambda s: docs.produce_objection_confirmation(s, self.ctx.actor, self.rid), self._save
        )

    def _erase_with(
        self, action: Callable[..., Any], question: str, button: str, destructive: bool
    ) -> None:
        if not self.asker.confirm(question, button, destructive=destructive):
            return

        def run(s: Any) -> Any:
            outcome = action(s, self.ctx.actor, self.rid)
            return docs.produce_erasure_letters(s, self.ctx.actor, self.rid, outcome)

        # The decision letter and the recipients' erasure notices are made in the same
        # transaction, from data gathered while the addresses still existed.
        self._act(run, self._save)

    @property
    def _blocked(self) -> bool:
        return any(h.blocks for h in self.holds)

    @Slot()
    def erase(self) -> None:
        """The question names the outcome the legal holds lead to: a refusal erases nothing
        (no warning), a partial erasure keeps the accounts, a full one removes everything."""
        if self._blocked:
            question, button = "messages.confirm.erase_refused", "messages.action.refuse_decision"
        elif self.holds:
            question, button = "messages.confirm.erase_partly", "messages.action.erase_partly"
        else:
            question, button = "messages.confirm.erase_all", "messages.action.erase_all"
        self._erase_with(erase, t(question), t(button), destructive=not self._blocked)

    @Slot()
    def anonymise(self) -> None:
        if self._blocked:
            question, button = (
                "messages.confirm.anonymise_refused",
                "messages.action.refuse_decision",
            )
        else:
            question, button = "req.confirm_anonymise", "messages.action.anonymise"
        self._erase_with(anonymise, t(question), t(button), destructive=not self._blocked)

    @Slot()
    def extend(self) -> None:
        months = self.asker.months(t("req.extend"), t("req.extend_months"))
        if months is None:
            return
        reasons = self._reason(t("req.extend"), t("req.extend_reasons"), "extension_reasons")
        if reasons is not None:
            self._act(lambda s: extend_deadline(s, self.ctx.actor, self.rid, months, reasons))

    @Slot()
    def extension_notice(self) -> None:
        self._act(lambda s: docs.produce_extension_notice(s, self.ctx.actor, self.rid), self._save)

    @Slot()
    def refuse(self) -> None:
        reasons = self._reason(t("req.refuse"), t("req.reason_label"))
        if reasons is not None:
            self._act(lambda s: refuse_request(s, self.ctx.actor, self.rid, reasons))

    @Slot()
    def withdraw(self) -> None:
        if self.asker.confirm(t("req.confirm_withdraw"), t("messages.action.withdraw")):
            self._act(lambda s: withdraw_request(s, self.ctx.actor, self.rid))
