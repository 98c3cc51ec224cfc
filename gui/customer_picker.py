"""The one customer picker: a line edit that searches as the user types (after a short pause,
through the one search, ``core.customers.search``) and offers the matches in a completer.
The order dialog and the audit log's customer filter use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from core.customers import search as customer_search
from gui.ops import DbOp

LOOKUP_MS = 150
MATCHES = 20


def customer_label(row: customer_search.CustomerRow) -> str:
    name = f"{row.last_name} {row.first_name}".strip()
    extra = ", ".join(p for p in (row.organisation, row.email, row.city) if p)
    return f"{name} ({extra})" if extra else name


class CustomerPicker(QLineEdit):
    """``customer_id`` is the chosen customer (None until one is chosen, and again once the
    text is edited); ``chosen`` is emitted with it whenever it changes. ``active_only``: only
    active customers are offered (a new order); ``failed``: shows a failed search instead of
    the error dialog."""

    chosen = Signal(object)  # int | None

    def __init__(
        self,
        ctx: Any,
        parent: QWidget | None = None,
        *,
        active_only: bool = True,
        failed: Callable[[BaseException], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.active_only = active_only
        self.failed = failed
        self.customer_id: int | None = None
        self.choices: dict[str, int] = {}
        self.completions = QStringListModel(self)
        self.picker_completer = QCompleter(self.completions, self)
        self.picker_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.picker_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.picker_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.picker_completer.activated.connect(self.choose)  # the text overload
        self.setCompleter(self.picker_completer)
        self.lookup = QTimer(self, singleShot=True, interval=LOOKUP_MS)
        self.lookup.timeout.connect(self.look_up)
        self.textEdited.connect(self._edited)

    def _set(self, customer_id: int | None) -> None:
        if customer_id != self.customer_id:
            self.customer_id = customer_id
            self.chosen.emit(customer_id)

    @Slot(str)
    def _edited(self, _text: str) -> None:
        self._set(None)
        self.lookup.start()

    def _run(self, op: Callable[[Any], Any], done: Callable[[Any], None]) -> None:
        run = DbOp(self.ctx, self, op).success(done)
        if self.failed is not None:
            run.failure(self.failed)
        run.run()

    @Slot()
    def look_up(self) -> None:
        """The matches of what is typed (what the timer does after the pause)."""
        self.lookup.stop()
        query = self.text().strip()
        if len(query) < 2:
            return
        actor = self.ctx.actor
        self._run(
            lambda s: customer_search.search_customers(s, actor, query, limit=MATCHES),
            lambda rows: self._show_choices(query, rows),
        )

    def _show_choices(self, query: str, rows: list[customer_search.CustomerRow]) -> None:
        if query != self.text().strip():
            return  # typed on meanwhile
        self.choices = {
            customer_label(r): r.id for r in rows if not self.active_only or r.state == "active"
        }
        self.completions.setStringList(list(self.choices))
        if len(self.choices) == 1 and self.text() in self.choices:
            self._set(self.choices[self.text()])
        elif self.choices and self.hasFocus():
            self.picker_completer.complete()

    @Slot(str)
    def choose(self, label: str) -> None:
        if label in self.choices:
            self.setText(label)
            self.setCursorPosition(0)  # the name shows, not the end of the label
            self._set(self.choices[label])

    def take_typed_choice(self) -> int | None:
        """The customer whose label is typed out in full, if not chosen yet."""
        if self.customer_id is None and self.text() in self.choices:
            self._set(self.choices[self.text()])
        return self.customer_id

    def preset(self, customer_id: int) -> None:
        """Show ``customer_id`` as chosen."""
        self.customer_id = customer_id
        actor = self.ctx.actor

        def show(rows: list[customer_search.CustomerRow]) -> None:
            if rows:
                self.setText(customer_label(rows[0]))
                self.setCursorPosition(0)

        self._run(lambda s: customer_search.customer_rows(s, actor, [customer_id]), show)

    def clear_choice(self) -> None:
        self.clear()
        self._set(None)
