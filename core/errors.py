"""Typed errors of the core. Their user-facing text comes from the catalogue."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.i18n import format_date, t


def _shown(params: dict[str, Any], lang: str | None) -> dict[str, Any]:
    """Parameters as the reader sees them: a date in the reader's language."""
    return {k: format_date(v, lang) if isinstance(v, date) else v for k, v in params.items()}


class AppError(Exception):
    """Base of every error the core raises on purpose; ``message()`` is for the user."""

    code = "error.generic"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or self.code
        self.params = params
        super().__init__(self.code)

    def message(self, lang: str | None = None) -> str:
        return t(self.code, lang=lang, **_shown(self.params, lang))

    def __str__(self) -> str:
        return self.message()


class ValidationError(AppError):
    """Bad input in one field. ``field`` is the model attribute name."""

    def __init__(self, field: str, code: str, **params: Any) -> None:
        self.field = field
        super().__init__(code, **params)

    def message(self, lang: str | None = None) -> str:
        label = t(f"field.{self.field}", lang=lang)
        return t(
            "error.field",
            lang=lang,
            field=label,
            problem=t(self.code, lang=lang, **_shown(self.params, lang)),
        )


class ValidationErrors(ValidationError):
    """Several fields wrong at once (a form or a CSV row); behaves as its first error."""

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.field, first.code, **first.params)

    def message(self, lang: str | None = None) -> str:
        return "; ".join(e.message(lang) for e in self.errors)

    def by_field(self, lang: str | None = None) -> dict[str, str]:
        return {e.field: t(e.code, lang=lang, **_shown(e.params, lang)) for e in self.errors}


class Suppressed(AppError):
    """The person's data was erased at their request (a suppression record matches): adding
    them again needs the user's explicit confirmation. ``erased_on`` is the erasure date."""

    code = "error.customer_suppressed"


class PermissionDenied(AppError):
    code = "error.permission_denied"


class NotFound(AppError):
    code = "error.not_found"


class Conflict(AppError):
    """Someone else saved the same record first."""

    code = "error.conflict"


class LegalHold(AppError):
    code = "error.legal_hold"


class Locked(AppError):
    code = "error.locked"


class Busy(AppError):
    """Another desk kept the register locked longer than the busy timeout."""

    code = "error.busy"


class AuthError(AppError):
    code = "auth.invalid"


class KeyUnavailable(AppError):
    code = "error.key_unavailable"


class InvalidTransition(AppError):
    code = "error.invalid_transition"
