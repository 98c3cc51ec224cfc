"""The headless command line (DESIGN.md section 8): a stable contract for scripts and checks.

Exit codes: 0 success; 1 the command ran but found a problem; 2 usage or login error.
Errors are one line on stderr in the user's language, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from core import i18n
from core.backup import cli as backup_cli
from core.cli.common import (
    CliError,
    Parser,
    cli_language,
    login,
    open_db,
    print_progress,
    read_password,
)
from core.db import is_busy
from core.errors import (
    AppError,
    AuthError,
    Busy,
    KeyUnavailable,
    PermissionDenied,
    ValidationError,
)
from core.i18n import t

# --- commands ---------------------------------------------------------------------------------


# The letterhead options of ``init`` and the Settings field each one fills.
INIT_LETTERHEAD = (
    "business_id",
    "street",
    "postal_code",
    "city",
    "phone",
    "email",
    "contact_person",
)


def cmd_init(args: argparse.Namespace) -> int:
    from core.db import database_exists, resolve_url
    from core.settings import check_settings, create_register

    if database_exists(resolve_url(args.db)):
        raise CliError(t("cli.database_exists"), 2)
    # Checked like the first-run wizard's fields, before anything is created; any left out
    # may be filled in later in Settings (printing refuses until they are).
    given = {f: getattr(args, f) for f in INIT_LETTERHEAD if getattr(args, f) is not None}
    letterhead = check_settings({"company_name": args.company, **given}, required=("company_name",))
    password = read_password("cli.new_password_prompt", confirm=True)
    # Validate before creating anything, so a bad password leaves no file behind.
    from core.security.auth import check_password_rules

    check_password_rules(password, args.manager, company=args.company)
    letterhead.pop("company_name")
    db, result = create_register(
        resolve_url(args.db),
        args.company,
        args.manager,
        args.full_name or args.manager,
        password,
        **letterhead,
    )
    print(
        t(
            "cli.init_done",
            company=args.company,
            manager=args.manager,
            location=db.display_location(),
        )
    )
    print(t("cli.recovery_key_intro"))
    print(f"\n    {result.recovery_key}\n")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from core.db import database_exists, resolve_url
    from core.demo import DEMO_COMPANY, DEMO_USER, create_demo_register, generate

    url = resolve_url(args.db)
    if database_exists(url):
        db = open_db(args)
        actor = login(db, args.user or DEMO_USER)
    else:
        password = read_password("cli.new_password_prompt", confirm=True)
        from core.security.auth import check_password_rules

        check_password_rules(password, DEMO_USER, company=DEMO_COMPANY)
        db, result = create_demo_register(url, password)
        actor = result.actor
        print(
            t(
                "cli.init_done",
                company=DEMO_COMPANY,
                manager=DEMO_USER,
                location=db.display_location(),
            )
        )
        print(t("cli.recovery_key_intro"))
        print(f"\n    {result.recovery_key}\n")
    made = generate(db, actor, args.customers, seed=args.seed, progress=print_progress)
    print(
        t(
            "cli.demo_done",
            customers=made["customers"],
            orders=made["orders"],
            objections=made["objections"],
            requests=made["requests"],
        )
    )
    return 0


def cmd_import_customers(args: argparse.Namespace) -> int:
    from core.transfer.importing import import_customers

    db = open_db(args)
    actor = login(db, args.user)
    report = import_customers(
        db, actor, Path(args.file), lang=i18n.language(), progress=print_progress
    )
    print(report.summary())
    if report.rejected_path:
        print(t("import.rejected_written", path=str(report.rejected_path)))
        for row in report.rejected_rows[:20]:
            print(f"  {row.reason}", file=sys.stderr)
        if len(report.rejected_rows) > 20:
            print(t("import.more_rejected", count=len(report.rejected_rows) - 20), file=sys.stderr)
    return 1 if report.rejected else 0


def cmd_import_updates(args: argparse.Namespace) -> int:
    from core.customers.updates import apply_updates, preview_updates

    db = open_db(args)
    actor = login(db, args.user)
    with db.begin() as s:
        preview = preview_updates(s, actor, Path(args.file))
        apply_updates(s, actor, preview, args.source, args.source_name or "")
    print(preview.summary())
    for row in [*preview.unmatched, *preview.rejected][:20]:
        print(f"  {row.reason}", file=sys.stderr)
    return 1 if preview.has_problems else 0


def cmd_export_customers(args: argparse.Namespace) -> int:
    from core.transfer.exporting import export_customers

    db = open_db(args)
    actor = login(db, args.user)
    with db.begin() as s:
        count = export_customers(
            s, actor, Path(args.file), with_hetu=args.with_hetu, lang=i18n.language()
        )
    print(t("cli.export_done", count=count, path=args.file))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from core.verify import verify_database

    db = open_db(args)
    report = verify_database(db)
    for line in report.lines:
        print(line)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.ok:
        print(t("verify.all_ok"))
        return 0
    return 1


def _letterhead(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The letterhead from Settings when the database exists, else a plain one."""
    from core.db import database_exists, open_database, resolve_url
    from core.documents.data import Letterhead, StatementData
    from core.settings import get_settings

    url = resolve_url(args.db)
    if database_exists(url):
        db = open_database(url)
        try:
            with db.begin() as s:
                row = get_settings(s)
                return Letterhead.from_settings(row), StatementData.from_settings(row)
        finally:
            db.dispose()
    return Letterhead(company_name=""), StatementData()


def _write_document(path: str, pdf: bytes) -> None:
    """Write a document (a PDF or the statement's HTML) owner-only."""
    from core.files import write_private

    try:
        write_private(Path(path), pdf)
    except OSError as exc:
        raise CliError(t("cli.cannot_write", path=path, detail=exc.strerror or ""), 1) from exc


def cmd_print_form(args: argparse.Namespace) -> int:
    """A blank signed-request form: holds no personal data, so no login."""
    from core.documents.data import FormData
    from core.documents.forms import build_form

    letterhead, _statement = _letterhead(args)
    kind = "erasure" if args.kind == "anonymisation" else args.kind
    _write_document(args.out, build_form(FormData(kind=kind), letterhead, args.doc_lang))
    print(t("cli.pdf_written", path=args.out))
    return 0


def cmd_print_statement(args: argparse.Namespace) -> int:
    from core.documents.statement import build_statement, build_statement_html

    letterhead, statement = _letterhead(args)
    if args.format == "html":
        _write_document(args.out, build_statement_html(statement, letterhead, args.doc_lang))
        print(t("cli.html_written", path=args.out))
        return 0
    _write_document(args.out, build_statement(statement, letterhead, args.doc_lang))
    print(t("cli.pdf_written", path=args.out))
    return 0


Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="asiakasrekisteri", description=t("cli.description"))
    parser.add_argument("--db", help=t("cli.help_db"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=t("cli.help_lang"))
    parser.add_argument("--demo", action="store_true", help=t("cli.help_demo_gui"))
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    p = sub.add_parser("init", help=t("cli.help_init"))
    p.add_argument("--company", required=True)
    p.add_argument("--manager", required=True)
    p.add_argument("--full-name", dest="full_name")
    for field in INIT_LETTERHEAD:
        p.add_argument(f"--{field.replace('_', '-')}", dest=field, help=t("cli.help_letterhead"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help=t("cli.help_demo"))
    p.add_argument("--customers", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--user")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import-customers", help=t("cli.help_import"))
    p.add_argument("file")
    p.add_argument("--user", required=True)
    p.set_defaults(func=cmd_import_customers)

    p = sub.add_parser("import-updates", help=t("cli.help_import_updates"))
    p.add_argument("file")
    p.add_argument("--user", required=True)
    p.add_argument(
        "--source", choices=("authority_update", "update_service"), default="authority_update"
    )
    p.add_argument("--source-name", dest="source_name", help=t("cli.help_source_name"))
    p.set_defaults(func=cmd_import_updates)

    p = sub.add_parser("export-customers", help=t("cli.help_export"))
    p.add_argument("file")
    p.add_argument("--user", required=True)
    p.add_argument("--with-hetu", action="store_true", dest="with_hetu")
    p.set_defaults(func=cmd_export_customers)

    p = sub.add_parser("verify", help=t("cli.help_verify"))
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("print-form", help=t("cli.help_print_form"))
    p.add_argument(
        "kind", choices=("access", "rectification", "objection", "erasure", "anonymisation")
    )
    p.add_argument("--lang", dest="doc_lang", choices=i18n.LANGUAGES, default="fi")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_print_form)

    p = sub.add_parser("print-statement", help=t("cli.help_print_statement"))
    p.add_argument("--lang", dest="doc_lang", choices=i18n.LANGUAGES, default="fi")
    p.add_argument("--format", choices=("pdf", "html"), default="pdf", help=t("cli.help_format"))
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_print_statement)

    backup_cli.register(sub)
    return parser


GuiLauncher = Callable[[str | None, bool], int]


def main(argv: Sequence[str] | None = None, gui_launcher: GuiLauncher | None = None) -> int:
    """Run a subcommand; with none, hand over to ``gui_launcher`` (main.py passes the GUI)."""
    i18n.set_language(cli_language())
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.lang:
            i18n.set_language(args.lang)
        if not args.command:
            if gui_launcher is None:
                raise CliError(t("cli.usage_error", detail="command", prog=parser.prog), 2)
            return gui_launcher(args.db, args.demo)
        return int(args.func(args))
    except CliError as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except (AuthError, PermissionDenied) as exc:
        print(exc.message(), file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(exc.message(), file=sys.stderr)
        return 2
    except KeyUnavailable as exc:
        print(exc.message(), file=sys.stderr)
        return 1
    except AppError as exc:
        print(exc.message(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # the promise: never a traceback
        if os.environ.get("ASIAKASREKISTERI_DEBUG"):
            raise
        if is_busy(exc):
            print(Busy().message(), file=sys.stderr)
            return 1
        print(t("cli.unexpected", kind=type(exc).__name__), file=sys.stderr)
        return 1
