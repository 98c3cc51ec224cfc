"""Small form helpers for the list screens: a field with its label bound (setBuddy), an
accessible name, and an inline error message under it. (Local until gui/widgets.py exists.)"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import ValidationError, ValidationErrors
from core.i18n import t
from gui.messages import error_label, show_inline


class FieldErrors:
    """Field widgets and their error labels; shows ``ValidationErrors.by_field()`` inline."""

    def __init__(self) -> None:
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}

    def add_row(
        self,
        form: QFormLayout,
        field: str,
        label_text: str,
        widget: QWidget,
        extra: QWidget | None = None,
    ) -> None:
        """Add ``label: widget [extra]`` and an error line under the widget (its room kept)."""
        label = QLabel(label_text)
        label.setBuddy(widget)
        widget.setAccessibleName(label_text.rstrip(":* "))
        error = error_label(reserve=True, lines=1)  # the fields under it stay put
        error.setObjectName(f"error_{field}")
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if extra is None:
            column.addWidget(widget)
        else:
            line = QHBoxLayout()
            line.setSpacing(6)
            line.addWidget(widget, 1)
            line.addWidget(extra)
            column.addLayout(line)
        column.addWidget(error)
        form.addRow(label, box)
        self.widgets[field], self.labels[field], self.errors[field] = widget, label, error

    def clear(self) -> None:
        for field, error in self.errors.items():
            show_inline(error, None)
            self.widgets[field].setAccessibleDescription("")

    def show(self, messages: dict[str, str]) -> dict[str, str]:
        """Show each message next to its field; return those that have no field here."""
        self.clear()
        rest: dict[str, str] = {}
        first: QWidget | None = None
        for field, text in messages.items():
            if field in self.errors:
                self.errors[field].setText(text)
                self.errors[field].show()
                self.widgets[field].setAccessibleDescription(text)
                first = first or self.widgets[field]
            else:
                rest[field] = text
        if first is not None:
            first.setFocus()
        return rest

    def error_text(self, field: str) -> str:
        label = self.errors.get(field)
        return label.text() if label is not None and not label.isHidden() else ""


def messages_of(exc: BaseException) -> dict[str, str]:
    """Per-field messages of a validation error (one field or many)."""
    if isinstance(exc, ValidationErrors):
        return exc.by_field()
    if isinstance(exc, ValidationError):
        return {exc.field: t(exc.code, **exc.params)}
    return {}


class MessageBar(QFrame):
    """A line of text above a form (saved, error, conflict) with an optional action button."""

    STYLES = {
        "info": "background: #e7f1e8; border: 1px solid #9cc5a1; border-radius: 4px;",
        "error": "background: #fbeaea; border: 1px solid #e0a3a3; border-radius: 4px;",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setStyleSheet("background: transparent; border: none;")
        self.button = QPushButton()
        self.button.hide()
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self._action = None
        self.button.clicked.connect(self._run)
        # Its room is kept while hidden (two lines of text, or one with the action button):
        # the form under it does not move when a message comes or goes.
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        margins = layout.contentsMargins()
        self.setMinimumHeight(
            max(2 * self.label.fontMetrics().lineSpacing(), self.button.sizeHint().height())
            + margins.top()
            + margins.bottom()
        )
        self.hide()

    def show_message(
        self, text: str, kind: str = "info", action_text: str = "", action=None
    ) -> None:
        self.setStyleSheet(f"#messageBar {{{self.STYLES[kind]}}}")
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self._action = action
        self.button.setText(action_text)
        self.button.setVisible(action is not None)
        self.show()

    def _run(self) -> None:
        if self._action is not None:
            self._action()

    def text(self) -> str:
        return self.label.text() if self.isVisible() or not self.isHidden() else ""
