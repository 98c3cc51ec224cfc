"""``backup [DEST] --user USER`` and ``restore SRC --user USER`` (DESIGN.md section 8)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from core.cli import common as cli
from core.i18n import t

RECOVERY_KEY_ENV = "ASIAKASREKISTERI_RECOVERY_KEY"


def _refuse_on_server(args: argparse.Namespace, restore: bool) -> None:
    from core.backup.files import postgres_refusal
    from core.db import is_sqlite, resolve_url

    url = resolve_url(args.db)
    if not is_sqlite(url):
        raise cli.CliError(postgres_refusal(url, restore).message(), 2)


def cmd_backup(args: argparse.Namespace) -> int:
    """To DEST; without it to the configured folder and the second folder, like the GUI. A
    second copy that failed (a stick not plugged in) is one line on stderr and exit code 1."""
    from core.backup.create import backup, backup_to_folders

    _refuse_on_server(args, restore=False)
    db = cli.open_db(args)
    actor = cli.login(db, args.user)
    if args.dest:
        path = backup(db, actor, Path(args.dest), progress=cli.print_progress)
        print(t("backup.done", path=str(path)))
        return 0
    result = backup_to_folders(db, actor, progress=cli.print_progress)
    print(t("backup.done", path=str(result.path)))
    if result.second is not None:
        print(t("backup.second_done", path=str(result.second)))
    if result.second_problem:
        print(result.second_problem, file=sys.stderr)
        return 1
    return 0


def _recovery_key(wanted: bool) -> str | None:
    value = os.environ.get(RECOVERY_KEY_ENV)
    if value or not wanted:
        return value or None
    if not sys.stdin or not sys.stdin.isatty():
        raise cli.CliError(t("cli.no_password", env=RECOVERY_KEY_ENV), 2)
    return getpass.getpass(t("backup.recovery_key_prompt") + ": ")


def cmd_restore(args: argparse.Namespace) -> int:
    from core.backup.restore import restore

    _refuse_on_server(args, restore=True)
    if not args.user:
        raise cli.CliError(t("cli.user_required"), 2)
    password = cli.read_password("cli.password_prompt")
    report = restore(
        args.db,
        Path(args.src),
        username=args.user,
        password=password,
        recovery_key=_recovery_key(args.recovery_key),
        progress=cli.print_progress,
        accept_broken_audit=args.accept_broken_audit,
    )
    print(t("backup.restore_done", source=str(report.source)))
    if report.migrated_from:
        print(t("backup.migrated", revision=report.migrated_from))
    print(t("backup.reapplied", count=report.erasures_reapplied))
    print(t("backup.objections_reapplied", count=report.objections_reapplied))
    if report.kept:
        print(t("backup.kept", path=str(report.kept)))
    if report.erasures_unreadable:
        print(t("backup.erasures_unreadable"), file=sys.stderr)
        return 1
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("backup", help=t("backup.help"))
    p.add_argument("dest", nargs="?", help=t("backup.help_dest"))
    p.add_argument("--user", required=True)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=t("backup.help_restore"))
    p.add_argument("src")
    p.add_argument("--user", required=True)
    p.add_argument(
        "--recovery-key",
        action="store_true",
        dest="recovery_key",
        help=t("backup.help_recovery_key"),
    )
    p.add_argument(
        "--accept-broken-audit",
        action="store_true",
        dest="accept_broken_audit",
        help=t("backup.help_accept_broken_audit"),
    )
    p.set_defaults(func=cmd_restore)
