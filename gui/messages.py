"""The one place the app tells the user about an error or asks before doing something.

``error_text(exc)`` is what the user reads for any exception: the catalogue message of the app's
own errors (``AppError``), a file error, or the one "unexpected error" text, never a traceback.
``show_error`` puts it in a message box, ``show_inline`` in an ``error_label``. ``confirm`` names
the action on its button, and its default button is Cancel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

from core.errors import AppError
from core.i18n import t

UNEXPECTED_ERROR = "messages.unexpected_error"
ERROR_COLOUR = "#b3261e"  # contrast 6.5:1 on white


def error_text(exc: BaseException) -> str:
    if isinstance(exc, AppError):
        return exc.message()
    if isinstance(exc, OSError):
        return t("messages.file_error", detail=exc.strerror or str(exc))
    return t(UNEXPECTED_ERROR, kind=type(exc).__name__)


def plain_title(text: str) -> str:
    """``text`` without its "&" mnemonics and trailing "…", for a window title ("&&" keeps
    one "&")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip()


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """A warning box with plain text and OK."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, plain_title(title), text, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """An information box with plain text and OK."""
    box = QMessageBox(
        QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    warn(parent, title or t("messages.error_title"), error_text(exc))


def confirmation_box(
    parent: QWidget | None,
    text: str,
    action: str,
    title: str | None = None,
    detail: str = "",
    destructive: bool = False,
) -> tuple[QMessageBox, QPushButton]:
    """The question box of ``confirm`` and its action button (Cancel is the default)."""
    icon = QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question
    box = QMessageBox(
        icon,
        plain_title(title or t("messages.confirm_title")),
        text,
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    if detail:
        box.setInformativeText(detail)
    role = (
        QMessageBox.ButtonRole.DestructiveRole if destructive else QMessageBox.ButtonRole.AcceptRole
    )
    accept = box.addButton(action, role)
    cancel = box.addButton(t("messages.cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box, accept


def confirm(
    parent: QWidget | None,
    text: str,
    action: str,
    title: str | None = None,
    detail: str = "",
    destructive: bool = False,
) -> bool:
    """Ask ``text``; True only when the user chose the button ``action`` (what will happen).
    ``destructive``: cannot be undone (a warning icon)."""
    box, accept = confirmation_box(parent, text, action, title, detail, destructive)
    box.exec()
    return box.clickedButton() == accept


SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def unsaved_box(parent: QWidget | None, text: str) -> QMessageBox:
    """The question of ``ask_unsaved``: Save (the default), Discard changes, Cancel (Esc)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        t("customers.unsaved.title"),
        text,
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    save = box.addButton(t("customers.detail.save"), QMessageBox.ButtonRole.AcceptRole)
    save.setObjectName(SAVE)
    discard = box.addButton(
        t("messages.action.discard_changes"), QMessageBox.ButtonRole.DestructiveRole
    )
    discard.setObjectName(DISCARD)
    cancel = box.addButton(t("messages.cancel"), QMessageBox.ButtonRole.RejectRole)
    cancel.setObjectName(CANCEL)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    return box


def ask_unsaved(parent: QWidget | None, text: str) -> str:
    """Leave with unsaved edits? ``SAVE``, ``DISCARD`` or ``CANCEL`` (also Esc, closing)."""
    box = unsaved_box(parent, text)
    box.exec()
    clicked = box.clickedButton()
    return clicked.objectName() if clicked is not None else CANCEL


def error_label(strong: bool = False, reserve: bool = False, lines: int = 2) -> QLabel:
    """A hidden label for an error under a field, or over a page (``strong``: in bold).
    ``reserve``: the label keeps the room of ``lines`` lines while empty, so nothing under it
    moves when an error appears or goes (an error line under a form field reserves one)."""
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};" + (" font-weight: bold;" if strong else ""))
    label.setTextFormat(Qt.TextFormat.PlainText)
    if reserve:
        label.setProperty("reserve", True)
        label.setMinimumHeight(lines * label.fontMetrics().lineSpacing())
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    else:
        label.hide()
    return label


def show_inline(label: QLabel, exc: BaseException | None) -> None:
    """Show ``exc`` in ``label``; None clears it (and hides it unless its room is reserved)."""
    if exc is None:
        label.clear()
        label.setVisible(bool(label.property("reserve")))
    else:
        label.setText(error_text(exc))
        label.setVisible(True)
