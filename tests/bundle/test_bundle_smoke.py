"""The app bundle (bash .ci/bundle) on a fresh home, without the project's Python: the commands
an office runs first and the GUI up to its login window.

Skipped unless ASIAKASREKISTERI_BUNDLE names the bundle's executable, e.g.
``ASIAKASREKISTERI_BUNDLE=dist/asiakasrekisteri/asiakasrekisteri pytest -m bundle``
(.ci/test does this after building it).
"""

from __future__ import annotations

import os
import subprocess
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import cli_env, pdf_text

ROOT = Path(__file__).resolve().parent.parent.parent
BUNDLE_ENV = "ASIAKASREKISTERI_BUNDLE"
IMPORT_ROWS = 12_000  # above core.transfer.importing.PARALLEL_FROM: the helper process runs

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not os.environ.get(BUNDLE_ENV), reason=f"{BUNDLE_ENV} is not set"),
]


@dataclass
class Bundle:
    executable: Path
    home: Path
    env: dict[str, str]

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.executable), *args],
            capture_output=True,
            text=True,
            env={**self.env, **env},
            cwd=self.home,
            timeout=300,
        )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    """A register made by the bundle in a fresh home: `init`, then `demo --customers 2000`."""
    executable = Path(os.environ[BUNDLE_ENV]).resolve()
    assert executable.is_file(), f"{executable} is not built"
    home = tmp_path_factory.mktemp("bundle") / "home"
    env = cli_env(home)
    # Nothing of the project's Python: no interpreter, no venv, no source tree on any path.
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "ASIAKASREKISTERI_BENCH_STARTUP"):
        env.pop(name, None)
    env["PATH"] = "/usr/bin:/bin"
    made = Bundle(executable, home, env)
    init = made.run(
        "init",
        "--company",
        "Testi Oy",
        "--manager",
        "anna",
        "--business-id",
        "1572860-0",
        "--street",
        "Esplanadi 1",
        "--postal-code",
        "00130",
        "--city",
        "Helsinki",
        "--email",
        "info@testi.fi",
        "--contact-person",
        "Anna Esimerkki",
    )
    assert init.returncode == 0, init.stderr
    assert "PALAUTUSAVAIN" in init.stdout
    demo = made.run("demo", "--customers", "2000", "--user", "anna")
    assert demo.returncode == 0, demo.stderr
    assert "Lisätty 2000 asiakasta" in demo.stdout
    return made


def test_bundle_keeps_the_register_in_the_users_data_folder(bundle: Bundle) -> None:
    database = bundle.home / "data" / "Asiakasrekisteri" / "asiakasrekisteri.sqlite3"
    assert database.is_file()
    assert oct(database.stat().st_mode & 0o777) == "0o600"


def surname(number: int) -> str:
    """A surname of its own for each row (the importer takes a known name for a known person)."""
    letters = "aeiklmnoprstuv"
    code = ""
    while True:
        number, digit = divmod(number, len(letters))
        code += letters[digit]
        if not number:
            break
    return f"Tuo{code}nen"


def test_bundle_imports_with_its_helper_process_and_exports(bundle: Bundle) -> None:
    source = bundle.home / "uudet.csv"
    lines = ["etunimi;sukunimi;sähköposti;katuosoite;postinumero;postitoimipaikka;puhelin"]
    lines += [
        f"Tuomas;{surname(i)};tuomas.{i}@esimerkki.fi;Tuontikatu {i + 1};33100;Tampere;040{i:07d}"
        for i in range(IMPORT_ROWS)
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = bundle.run("import-customers", str(source), "--user", "anna")
    assert imported.returncode == 0, imported.stderr
    assert f"tuotu {IMPORT_ROWS}, hylätty 0, ennallaan 0" in imported.stdout
    # The helper process (and multiprocessing's resource tracker) start this executable again:
    # without freeze_support they ran the command line and each printed a usage error.
    assert imported.stderr == ""

    out = bundle.home / "vienti.csv"
    exported = bundle.run("export-customers", str(out), "--user", "anna")
    assert exported.returncode == 0, exported.stderr
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 1 + 2000 + IMPORT_ROWS
    assert any("tuomas.11999@esimerkki.fi" in row for row in rows)


def test_bundle_imports_an_xlsx_workbook_with_typed_cells(bundle: Bundle) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Etunimi", "Sukunimi", "Sähköposti", "Postinumero", "Postitoimipaikka"])
    # Excel keeps a postal code typed as a number: 00100 is the number 100.
    sheet.append(["Kerttu", "Taulukkonen", "kerttu@esimerkki.fi", 100, "Helsinki"])
    sheet.append(["Veikko", "Solunen", "veikko@esimerkki.fi", "33100", "Tampere"])
    source = bundle.home / "taulukko.xlsx"
    book.save(source)
    imported = bundle.run("import-customers", str(source), "--user", "anna")
    assert imported.returncode == 0, imported.stderr
    assert "tuotu 2, hylätty 0, ennallaan 0" in imported.stdout
    assert imported.stderr == ""

    out = bundle.home / "vienti-xlsx.csv"
    exported = bundle.run("export-customers", str(out), "--user", "anna")
    assert exported.returncode == 0, exported.stderr
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    kerttu = next(row for row in rows if "kerttu@esimerkki.fi" in row)
    assert ";00100;Helsinki" in kerttu


def test_bundle_backs_up_and_verifies(bundle: Bundle) -> None:
    backup = bundle.run("backup", "--user", "anna")
    assert backup.returncode == 0, backup.stderr
    backups = list((bundle.home / "data" / "Asiakasrekisteri" / "backups").glob("*.arbak"))
    assert len(backups) == 1  # encrypted: no plain copy left beside it
    verify = bundle.run("verify")
    assert verify.returncode == 0, verify.stderr
    assert "kaikki kunnossa" in verify.stdout


def test_bundle_prints_the_access_form_in_finnish_with_its_fonts(bundle: Bundle) -> None:
    out = bundle.home / "x.pdf"
    printed = bundle.run("print-form", "access", "--lang", "fi", "--out", str(out))
    assert printed.returncode == 0, printed.stderr
    pdf = out.read_bytes()
    assert "Henkilötietojen tarkastuspyyntö" in pdf_text(pdf)
    assert b"DejaVuSans" in pdf  # resources/fonts found inside the bundle, and embedded


def test_bundle_reports_errors_as_one_line(bundle: Bundle) -> None:
    result = bundle.run("backup", "--user", "anna", ASIAKASREKISTERI_PASSWORD="väärä")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_bundle_carries_reportlabs_c_speedups_and_qts_finnish(bundle: Bundle) -> None:
    internal = bundle.executable.parent / "_internal"
    # reportlab.lib.rl_accel imports _rl_accel through exec (packaging/hooks names it).
    assert list(internal.glob("_rl_accel*"))
    assert (internal / "PySide6" / "Qt" / "translations" / "qtbase_fi.qm").is_file()


def test_bundle_starts_the_gui_to_the_login_window(bundle: Bundle) -> None:
    shown = bundle.run(
        QT_QPA_PLATFORM="offscreen", ASIAKASREKISTERI_BENCH_STARTUP=repr(time.time())
    )
    assert shown.returncode == 0, shown.stderr
    line = next(x for x in shown.stdout.splitlines() if x.startswith("login window shown"))
    assert float(line.split()[3]) < 10


def test_bundle_knows_its_version_for_the_about_box(bundle: Bundle) -> None:
    """gui.help.app_version reads the package metadata, which the bundle must carry."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shown = bundle.run(
        QT_QPA_PLATFORM="offscreen", ASIAKASREKISTERI_BENCH_STARTUP=repr(time.time())
    )
    assert shown.returncode == 0, shown.stderr
    assert "PackageNotFoundError" not in shown.stderr
    line = next(x for x in shown.stdout.splitlines() if x.startswith("login window shown"))
    assert line.endswith(f", version {project['project']['version']}")
