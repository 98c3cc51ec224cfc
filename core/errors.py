"""Typed errors of the core. Their user-facing text comes from the catalogue."""

from __future__ import annotations

from typing import Any

from core.i18n import t


class AppError(Exception):
    """Base of every error the core raises on purpose; ``message()`` is for the user."""

    code = "error.generic"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or self.code
        self.params = params
        super().__init__(self.code)

    def message(self, lang: str | None = None) -> str:
        return t(self.code, lang=lang, **self.params)

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
            "error.field", lang=lang, field=label, problem=t(self.code, lang=lang, **self.params)
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
        return {e.field: t(e.code, lang=lang, **e.params) for e in self.errors}


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
