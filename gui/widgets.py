"""Shared widgets: forms with inline errors, error messages, a busy indicator, dates, the icon.

``Form`` puts a label bound to each field (``setBuddy``, so Alt+letter and screen readers find
it), an accessible name, and an error line under the field that core validation fills::

    form = Form()
    form.add("business_id", t("field.business_id"), QLineEdit())
    try: ...
    except ValidationError as exc:
        form.show_validation(exc)      # the message appears under the field, focus moves there
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from core import i18n
from core.clock import today
from core.i18n import t

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ERROR_COLOUR = "#b3261e"  # contrast 6.5:1 on white
BUSY_DELAY_MS = 600


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        png = RESOURCES / "icons" / f"app-{size}.png"
        if png.exists():
            icon.addFile(str(png))
    if icon.isNull():
        icon.addFile(str(RESOURCES / "icons" / "app.svg"))
    return icon


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


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
        err = error_label()
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
        label.setVisible(bool(text))
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


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """A message box with the error's catalogue text (never a traceback)."""
    from core.errors import AppError

    text = (
        exc.message()
        if isinstance(exc, AppError)
        else t("gui.error.unexpected", kind=type(exc).__name__)
    )
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        title or t("gui.app.title"),
        text,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def confirm(parent: QWidget | None, text: str, title: str | None = None) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title or t("gui.app.title"),
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


class Busy:
    """A progress dialog that appears only if the work lasts longer than ~600 ms."""

    def __init__(self, parent: QWidget | None, text: str, delay_ms: int = BUSY_DELAY_MS) -> None:
        self.dialog = QProgressDialog(text, "", 0, 0, parent)
        self.dialog.setCancelButton(None)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.hide()
        self.timer = QTimer(self.dialog)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.dialog.show)
        self.timer.start(delay_ms)

    def finish(self) -> None:
        self.timer.stop()
        self.dialog.hide()
        self.dialog.deleteLater()


def run_busy(
    parent: QWidget | None,
    tasks: Any,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    text: str | None = None,
) -> None:
    """Run ``fn`` on the task runner with a busy dialog; errors go to ``show_error`` by default."""
    busy = Busy(parent, text or t("gui.busy.working"))

    def done(result: Any) -> None:
        busy.finish()
        if on_done is not None:
            on_done(result)

    def failed(exc: BaseException) -> None:
        busy.finish()
        if on_error is not None:
            on_error(exc)
        else:
            show_error(parent, exc)

    tasks.run(fn, done, failed)


def date_edit(value: date | None = None) -> QDateEdit:
    """A date field shown d.M.yyyy in Finnish, ISO in English, with a calendar popup."""
    edit = QDateEdit()
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
    return t(f"gui.role.{role}")
