"""The first-run wizard: company settings, the first manager, the recovery key shown once.

The database is created when the manager page is committed (``create(company, manager)``,
injected by the app); the last page shows the recovery key with "Print" and cannot be finished
before "I have stored it" is ticked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from core.errors import AppError, ValidationError, ValidationErrors
from core.i18n import t
from core.settings import REQUIRED_AT_SETUP, check_settings
from gui import documents
from gui.messages import show_error
from gui.widgets import Form, app_icon, date_edit, date_of

COMPANY_FIELDS = (
    "company_name",
    "business_id",
    "street",
    "postal_code",
    "city",
    "phone",
    "email",
    "contact_person",
)


@dataclass(frozen=True)
class Created:
    """What ``create`` returns: shown on the last page and printed on the recovery sheet."""

    recovery_key: str
    install_id: str
    company_name: str
    created_by: str
    letterhead: Any = None  # core.documents.data.Letterhead when available


class CompanyPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(t("setup.company_title"))
        self.setSubTitle(t("setup.company_intro"))
        self.form = Form()
        self.edits: dict[str, QLineEdit] = {}
        for name in COMPANY_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(name)
            label = t(f"field.{name}") + (" *" if name in REQUIRED_AT_SETUP else "")
            self.form.add(
                name,
                label,
                edit,
                t(f"setup.hint.{name}") if name in ("business_id", "contact_person") else "",
            )
            self.edits[name] = edit
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)

    def values(self) -> dict[str, str]:
        return {name: edit.text().strip() for name, edit in self.edits.items()}

    def validatePage(self) -> bool:  # noqa: N802 (Qt name)
        self.form.clear_errors()
        try:
            check_settings(self.values())
        except ValidationError as exc:
            self.form.show_validation(exc)
            return False
        return True


class ManagerPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(t("setup.manager_title"))
        self.setSubTitle(t("setup.manager_intro"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, t("setup.create"))
        self.form = Form()
        self.username = QLineEdit()
        self.full_name = QLineEdit()
        self.title_edit = QLineEdit()
        self.password = QLineEdit()
        self.again = QLineEdit()
        for edit in (self.password, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.signed_on = date_edit()
        for name, label, widget, hint in (
            ("username", t("field.username") + " *", self.username, ""),
            ("full_name", t("field.full_name") + " *", self.full_name, ""),
            ("title", t("field.title"), self.title_edit, t("setup.hint.title")),
            ("password", t("field.password") + " *", self.password, t("setup.hint.password")),
            ("again", t("users.password.again_plain") + " *", self.again, ""),
            (
                "confidentiality_signed_on",
                t("field.confidentiality_signed_on") + " *",
                self.signed_on,
                t("setup.hint.confidentiality"),
            ),
        ):
            widget.setObjectName(name)
            self.form.add(name, label, widget, hint)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)

    def values(self) -> dict[str, Any]:
        return {
            "username": self.username.text().strip(),
            "full_name": self.full_name.text().strip(),
            "title": self.title_edit.text().strip(),
            "password": self.password.text(),
            "confidentiality_signed_on": date_of(self.signed_on),
        }

    def validatePage(self) -> bool:  # noqa: N802 (Qt name)
        from core.models import Role
        from core.security.auth import check_new_user

        self.form.clear_errors()
        values = self.values()
        errors: dict[str, str] = {}
        try:
            check_new_user(
                values["username"],
                values["full_name"],
                Role.MANAGER.value,
                values["password"],
                values["confidentiality_signed_on"],
            )
        except ValidationErrors as exc:
            errors = exc.by_field()
        except ValidationError as exc:
            errors = {exc.field: t(exc.code, **exc.params)}
        if "password" not in errors and values["password"] != self.again.text():
            errors["again"] = t("users.password.mismatch")
        if errors:
            self.form.set_errors(errors)
            return False
        return self.wizard_.create_database(self.form, values)


class RecoveryPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(t("setup.recovery_title"))
        self.setSubTitle(t("setup.recovery_intro"))
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(15)
        font.setWeight(QFont.Weight.DemiBold)
        self.key_label.setFont(font)
        self.key_label.setWordWrap(True)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet(
            "border: 1px solid palette(mid); padding: 12px;background: palette(base);"
        )
        explain = QLabel(t("setup.recovery_explain"))
        explain.setWordWrap(True)
        self.print_button = QPushButton(t("setup.print"))
        self.print_button.clicked.connect(self.print_sheet)
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.stored = QCheckBox(t("setup.stored"))
        self.stored.setObjectName("stored")
        self.registerField("stored*", self.stored)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key_label)
        layout.addWidget(explain)
        layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.saved_label)
        layout.addStretch(1)
        layout.addWidget(self.stored)

    def initializePage(self) -> None:  # noqa: N802 (Qt name)
        created = self.wizard_.created
        if created is not None:
            self.key_label.setText(key_lines(created.recovery_key))

    @Slot()
    def print_sheet(self) -> None:
        created = self.wizard_.created
        if created is None:
            return
        try:
            pdf = recovery_sheet_pdf(created)
        except AppError as exc:
            show_error(self, exc)
            return
        self.wizard_.print_pdf(
            self,
            pdf,
            t("setup.sheet_file"),
            on_saved=lambda path: self.saved_label.setText(t("setup.printed", path=str(path))),
        )


def key_lines(key: str, per_line: int = 5) -> str:
    """The key in lines of five groups, as on the printed sheet."""
    groups = [g for g in key.split("-") if g]
    return "\n".join("-".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line))


def recovery_sheet_pdf(created: Created) -> bytes:
    """The recovery sheet as PDF, for the print preview (Print, or Save PDF owner-only)."""
    from core import i18n
    from core.clock import today
    from core.documents.data import Letterhead, RecoverySheetData
    from core.documents.recovery_sheet import build_recovery_sheet

    letterhead = created.letterhead or Letterhead(company_name=created.company_name)
    data = RecoverySheetData(
        created.recovery_key, created.install_id, created.company_name, today(), created.created_by
    )
    return build_recovery_sheet(data, letterhead, i18n.language())


class FirstRunWizard(QWizard):
    """``create(company: dict, manager: dict) -> Created`` makes the database."""

    def __init__(
        self, create: Callable[[dict[str, str], dict[str, Any]], Created], parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.create_register = create
        self.created: Created | None = None
        self.setWindowTitle(t("setup.title"))
        self.setWindowIcon(app_icon())
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setMinimumSize(720, 600)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, app_icon().pixmap(48, 48))
        self.company_page = CompanyPage()
        self.manager_page = ManagerPage(self)
        self.recovery_page = RecoveryPage(self)
        for page in (self.company_page, self.manager_page, self.recovery_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, t("setup.finish"))
        # Qt's own texts are English where its translations are not installed.
        self.setButtonText(QWizard.WizardButton.BackButton, t("setup.back"))
        self.setButtonText(QWizard.WizardButton.NextButton, t("setup.next"))
        self.setButtonText(QWizard.WizardButton.CancelButton, t("common.cancel"))
        # Tests replace it: the print preview (which waits for the user).
        self.print_pdf: Callable[..., object] = documents.print_pdf

    def create_database(self, form: Form, manager: dict[str, Any]) -> bool:
        try:
            self.created = self.create_register(self.company_page.values(), manager)
        except ValidationError as exc:
            if not form.show_validation(exc) and not self.company_page.form.show_validation(exc):
                show_error(self, exc)
            return False
        except AppError as exc:
            show_error(self, exc)
            return False
        return True

    def reject(self) -> None:
        if self.created is not None and not self.field("stored"):
            QMessageBox.information(self, t("setup.title"), t("setup.must_store"))
            return
        super().reject()
