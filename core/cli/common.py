"""What every command shares: one-line errors, the password, opening the database, the login."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import NoReturn

from core import i18n
from core.i18n import t

PASSWORD_ENV = "ASIAKASREKISTERI_PASSWORD"
LANG_ENV = "ASIAKASREKISTERI_LANG"


class CliError(Exception):
    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


# argparse's own words ("the following arguments are required", "usage:") in the user's
# language: argparse asks its module-level gettext ``_`` for each, and no Finnish catalogue of
# it exists, so a Finnish error line read "Virheellinen komento: the following arguments are
# required: --out". The texts keep argparse's own placeholders.
ARGPARSE_TEXTS = {
    "the following arguments are required: %s": "cli.argparse.required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "expected one argument": "cli.argparse.expected_one",
    "expected at least one argument": "cli.argparse.expected_at_least_one",
    "expected at most one argument": "cli.argparse.expected_at_most_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "one of the arguments %s is required": "cli.argparse.one_required",
    "not allowed with argument %s": "cli.argparse.not_allowed",
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positional",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
}


def argparse_text(message: str) -> str:
    """argparse's text ``message`` in the current language (unknown ones as they are)."""
    key = ARGPARSE_TEXTS.get(message)
    return t(key) if key else message


setattr(argparse, "_", argparse_text)  # noqa: B010 (argparse looks ``_`` up at each call)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(t("cli.usage_error", detail=message, prog=self.prog), 2)


def cli_language() -> str:
    for var in (LANG_ENV, "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value[:2] in i18n.LANGUAGES:
            return value[:2]
    return i18n.DEFAULT_LANGUAGE


def read_password(prompt_key: str, confirm: bool = False) -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(t("cli.no_password", env=PASSWORD_ENV), 2)
    first = getpass.getpass(t(prompt_key) + ": ")
    if confirm:
        second = getpass.getpass(t("cli.password_again") + ": ")
        if first != second:
            raise CliError(t("cli.passwords_differ"), 2)
    return first


def open_db(args: argparse.Namespace, *, create: bool = False):  # type: ignore[no-untyped-def]
    from core.db import database_exists, open_database, resolve_url

    url = resolve_url(args.db)
    if not create and not database_exists(url):
        raise CliError(t("cli.no_database", location=str(url.database or url)), 2)
    db = open_database(url)
    from core.backup.files import clean_leftovers

    clean_leftovers(db)  # copies a killed backup or restore left behind
    return db


def login(db, username: str | None):  # type: ignore[no-untyped-def]
    from core.login import log_in

    if not username:
        raise CliError(t("cli.user_required"), 2)
    password = read_password("cli.password_prompt")
    actor = log_in(db, username, password)
    if actor.must_change_password:
        raise CliError(t("cli.password_change_required"), 2)
    return actor


def print_progress(done: int, total: int, message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{message}", end="" if done < total else "\n", file=sys.stderr, flush=True)
