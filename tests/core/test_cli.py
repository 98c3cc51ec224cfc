"""The command line as scripts use it: real subprocesses, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CLI_PASSWORD, cli_env

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = CLI_PASSWORD


@pytest.fixture
def cli(tmp_path: Path):
    env = cli_env(tmp_path / "home")
    db = tmp_path / "register.sqlite3"

    def run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
            capture_output=True,
            text=True,
            env={**env, **(env_extra or {})},
            cwd=tmp_path,
            timeout=120,
        )

    run.db = db  # type: ignore[attr-defined]
    run.tmp = tmp_path  # type: ignore[attr-defined]
    return run


def test_init_prints_recovery_key_and_refuses_second_init(cli) -> None:
    result = cli("init", "--company", "Testi Oy", "--manager", "anna")
    assert result.returncode == 0, result.stderr
    assert "PALAUTUSAVAIN" in result.stdout
    assert oct(cli.db.stat().st_mode & 0o777) == "0o600"
    again = cli("init", "--company", "Testi Oy", "--manager", "anna")
    assert again.returncode == 2
    assert len(again.stderr.strip().splitlines()) == 1


def test_init_with_weak_password_leaves_no_database(cli) -> None:
    result = cli(
        "init",
        "--company",
        "Testi Oy",
        "--manager",
        "anna",
        env_extra={"ASIAKASREKISTERI_PASSWORD": "lyhyt"},
    )
    assert result.returncode == 2
    assert "Salasana" in result.stderr and "Traceback" not in result.stderr
    assert not cli.db.exists()


def test_demo_import_export_verify_round_trip(cli) -> None:
    assert cli("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    demo = cli("demo", "--customers", "300", "--seed", "7", "--user", "anna")
    assert demo.returncode == 0, demo.stderr
    assert "300 asiakasta" in demo.stdout

    source = cli.tmp / "asiakkaat.csv"
    source.write_bytes(
        "Etunimi;Sukunimi;Sähköposti;Puhelin;Postinumero;Hetu\n"
        "Ville;Vallaton;ville@example.fi;040 765 4321;33100;131052-308T\n"
        "Huono;Rivi;ei-sähköposti;;331;\n"
        "Tiina;Testi;;;00100;\n".encode("cp1252")
    )
    first = cli("import-customers", str(source), "--user", "anna")
    assert first.returncode == 1
    assert "tuotu 2, hylätty 1, ennallaan 0" in first.stdout
    rejected = (cli.tmp / "asiakkaat.rejected.csv").read_text(encoding="utf-8-sig")
    assert "rivi 3" in rejected and "Sähköposti" in rejected and "Postinumero" in rejected
    second = cli("import-customers", str(source), "--user", "anna")
    assert "tuotu 0, hylätty 1, ennallaan 2" in second.stdout

    out = cli.tmp / "vienti.csv"
    plain = cli("export-customers", str(out), "--user", "anna")
    assert plain.returncode == 0, plain.stderr
    text = out.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    assert "Vallaton" in text.decode("utf-8-sig") and "131052-308T" not in text.decode("utf-8")
    with_hetu = cli("export-customers", str(out), "--user", "anna", "--with-hetu")
    assert with_hetu.returncode == 0
    assert "131052-308T" in out.read_text(encoding="utf-8-sig")

    verify = cli("verify")
    assert verify.returncode == 0, verify.stderr
    assert "kaikki kunnossa" in verify.stdout


def test_verify_fails_with_exit_1_when_audit_row_edited(cli) -> None:
    import sqlite3

    assert cli("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    conn = sqlite3.connect(cli.db)
    conn.execute("UPDATE audit_entries SET action = 'x' WHERE id = 1")
    conn.commit()
    conn.close()
    result = cli("verify")
    assert result.returncode == 1
    assert "merkintää 1" in result.stderr


def test_wrong_password_is_a_login_error_with_exit_2(cli) -> None:
    assert cli("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    result = cli(
        "export-customers",
        "x.csv",
        "--user",
        "anna",
        env_extra={"ASIAKASREKISTERI_PASSWORD": "väärä salasana"},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Väärä käyttäjätunnus tai salasana, tai tili on lukittu liian monen epäonnistuneen "
        "kirjautumisen vuoksi (15 minuutiksi; esihenkilö voi avata lukituksen)."
    )


def test_errors_in_english_when_asked(cli) -> None:
    result = cli("verify", env_extra={"ASIAKASREKISTERI_LANG": "en"})
    assert result.returncode == 2
    assert result.stderr.startswith("No database at")


def test_unknown_command_is_one_line_usage_error(cli) -> None:
    result = cli("frobnicate")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_argparse_errors_and_help_are_in_the_users_language(cli) -> None:
    """A Finnish error line read "Virheellinen komento: the following arguments are
    required: --out": argparse's own words were English."""
    result = cli("print-statement", "--format", "xml")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Virheellinen komento: valinta --format: 'xml' ei käy (vaihtoehdot: 'pdf', 'html') "
        "(katso asiakasrekisteri print-statement --help)"
    )
    result = cli("print-statement")
    assert "seuraavat valinnat puuttuvat: --out" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    english = cli("print-statement", env_extra={"ASIAKASREKISTERI_LANG": "en"})
    assert "the following arguments are required: --out" in english.stderr
    helped = cli("print-statement", "--help").stdout
    assert helped.startswith("käyttö: ") and "näytä tämä ohje ja lopeta" in helped


def test_missing_file_is_one_clear_line(cli) -> None:
    assert cli("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    result = cli("import-customers", "puuttuu.csv", "--user", "anna")
    assert result.returncode == 1
    assert "puuttuu.csv" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_keyring_gives_instructions_not_plaintext(cli) -> None:
    result = cli(
        "init",
        "--company",
        "Testi Oy",
        "--manager",
        "anna",
        env_extra={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 1
    assert "PYTHON_KEYRING_BACKEND" in result.stderr
    assert not cli.db.exists()


LETTERHEAD_ARGS = (
    "--business-id",
    "1572860-0",
    "--street",
    "Esplanadi 1",
    "--postal-code",
    "00130",
    "--city",
    "Helsinki",
    "--phone",
    "040 038 3869",
    "--email",
    "info@kotiasunnot.fi",
    "--contact-person",
    "Anna Asiakas",
)


@pytest.mark.parametrize("kind", ["access", "rectification", "objection", "erasure"])
def test_print_form_needs_no_login(cli, kind: str) -> None:
    from pypdf import PdfReader

    init = cli("init", "--company", "Kotiasunnot Oy", "--manager", "anna", *LETTERHEAD_ARGS)
    assert init.returncode == 0, init.stderr
    out = cli.tmp / f"{kind}.pdf"
    result = cli(
        "print-form",
        kind,
        "--lang",
        "en",
        "--out",
        str(out),
        env_extra={"ASIAKASREKISTERI_PASSWORD": ""},
    )
    assert result.returncode == 0, result.stderr
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Signature" in text or "signature" in text
    assert "Esplanadi 1" in text  # the form goes back to the office


def test_print_statement_uses_company_settings(cli) -> None:
    from pypdf import PdfReader

    init = cli("init", "--company", "Kotiasunnot Oy", "--manager", "anna", *LETTERHEAD_ARGS)
    assert init.returncode == 0, init.stderr
    out = cli.tmp / "seloste.pdf"
    result = cli("print-statement", "--lang", "fi", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Kotiasunnot Oy" in text and "Tietosuojaseloste" in text.replace(
        "TIETOSUOJASELOSTE", "Tietosuojaseloste"
    )


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_print_statement_as_html_writes_the_pdfs_text_owner_only(cli, lang: str) -> None:
    from tests.core.test_statement import html_parts, pdf_body, words

    init = cli("init", "--company", "Kotiasunnot Oy", "--manager", "anna", *LETTERHEAD_ARGS)
    assert init.returncode == 0, init.stderr
    page, pdf = cli.tmp / "seloste.html", cli.tmp / "seloste.pdf"
    result = cli("print-statement", "--lang", lang, "--format", "html", "--out", str(page))
    assert result.returncode == 0, result.stderr
    assert str(page) in result.stdout and "HTML" in result.stdout
    assert oct(page.stat().st_mode & 0o777) == "0o600"
    assert cli("print-statement", "--lang", lang, "--out", str(pdf)).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")  # pdf stays the default
    parsed = html_parts(page.read_bytes())
    assert parsed.attrs["html"]["lang"] == lang
    text = words(" ".join(parsed.text))
    assert "Kotiasunnot" in text and text == words(pdf_body(pdf.read_bytes()))
    bad = cli("print-statement", "--format", "docx", "--out", str(page))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
