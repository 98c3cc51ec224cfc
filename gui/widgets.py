"""Shared widgets: forms with inline errors, dates, the icon, a list that opens its row
(messages: ``gui.messages``).

``Form`` puts a label bound to each field (``setBuddy``, so Alt+letter and screen readers find
it), an accessible name, and an error line under the field that core validation fills::

    form = Form()
    form.add("business_id", t("field.business_id"), QLineEdit())
    try: ...
    except ValidationError as exc:
        form.show_validation(exc)      # the message appears under the field, focus moves there
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core import i18n
from core.clock import today
from core.i18n import t
from gui.messages import error_label

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
BUSY_DELAY_MS = 600  # a progress dialog appears only when the work lasts longer


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        png = RESOURCES / "icons" / f"app-{size}.png"
        if png.exists():
            icon.addFile(str(png))
    if icon.isNull():
        icon.addFile(str(RESOURCES / "icons" / "app.svg"))
    return icon


class Form(QWidget):
    """A form: label (buddy + accessible name) | field, with an error line under the field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}

    def add(self, name: str, label_text: str, widget: QWidget, hint: str = "") -> QWidget:
        label = QLabel(label_text)
        label.setBuddy(widget)
        widget.setAccessibleName(label_text.replace("&", ""))
        if hint:
            widget.setToolTip(hint)
            widget.setAccessibleDescription(hint)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        err = error_label(reserve=True, lines=1)  # the fields under it stay put
        column.addWidget(err)
        self.layout_.addRow(label, box)
        self.fields[name], self.labels[name], self.errors[name] = widget, label, err
        return widget

    def set_label(self, name: str, text: str) -> None:
        self.labels[name].setText(text)
        self.fields[name].setAccessibleName(text.replace("&", ""))

    def set_error(self, name: str, text: str) -> None:
        label = self.errors.get(name)
        if label is None:
            return
        label.setText(text)
        label.setVisible(bool(text) or bool(label.property("reserve")))
        self.fields[name].setAccessibleDescription(text)

    def clear_errors(self) -> None:
        for name in self.errors:
            self.set_error(name, "")

    def error_text(self, name: str) -> str:
        label = self.errors.get(name)
        return label.text() if label is not None and label.isVisibleTo(self) else ""

    def set_errors(self, errors: dict[str, str], focus: bool = True) -> None:
        self.clear_errors()
        for name, text in errors.items():
            self.set_error(name, text)
        if focus:
            for name in self.fields:  # in form order
                if name in errors:
                    self.fields[name].setFocus(Qt.FocusReason.OtherFocusReason)
                    break

    def show_validation(self, exc: Exception, aliases: dict[str, str] | None = None) -> bool:
        """Show a core ValidationError(s) under its fields; False if no field here matches."""
        from core.errors import ValidationErrors

        if isinstance(exc, ValidationErrors):
            errors = exc.by_field()
        else:
            code = getattr(exc, "code", "")
            errors = {getattr(exc, "field", ""): t(code, **getattr(exc, "params", {}))}
        aliases = aliases or {}
        mapped = {aliases.get(k, k): v for k, v in errors.items()}
        known = {k: v for k, v in mapped.items() if k in self.fields}
        if not known:
            return False
        self.set_errors(known)
        return True


def add_shortcut(
    button: QAbstractButton, keys: str | QKeySequence | QKeySequence.StandardKey
) -> QShortcut:
    """A second key for ``button`` that keeps its Alt+letter: ``setShortcut`` would replace
    the mnemonic of "&Uusi pyyntö" with Ctrl+N, and Alt+U would do nothing."""
    shortcut = QShortcut(QKeySequence(keys), button)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)

    def press() -> None:
        if button.isEnabled() and button.isVisible():
            button.animateClick()

    shortcut.activated.connect(press)
    return shortcut


class OpeningTable(QTableView):
    """A list whose row opens with Enter or a double-click: ``open_requested`` gives the view
    row."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doubleClicked.connect(lambda index: self.open_requested.emit(index.row()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class DateEdit(QDateEdit):
    """A date field that Tab leaves: QDateEdit moves Tab between day, month and year, so the
    next keys typed "into the next field" changed the date. Arrows still move between parts."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 (Qt override)
        return QWidget.focusNextPrevChild(self, next)


def date_edit(value: date | None = None) -> QDateEdit:
    """A date field shown d.M.yyyy in Finnish, ISO in English, with a calendar popup."""
    edit = DateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d.M.yyyy" if i18n.language() == "fi" else "yyyy-MM-dd")
    edit.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
    day = value or today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def date_of(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def role_text(role: str) -> str:
    return t(f"users.role.{role}")
