"""``backup`` and ``restore`` as scripts use them: real subprocesses, exit codes, one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.security.crypto import DataKey
from tests.conftest import CLI_PASSWORD, alter_backup, cli_env, recovery_key_of

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = CLI_PASSWORD


@pytest.fixture
def cli(tmp_path: Path):
    env = cli_env(tmp_path / "home")

    def run(*args: str, db: str | None = None, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "--db",
                db or str(tmp_path / "r.sqlite3"),
                *args,
            ],
            capture_output=True,
            text=True,
            env={**env, **extra},
            cwd=tmp_path,
            timeout=120,
        )

    run.tmp = tmp_path  # type: ignore[attr-defined]
    return run


def test_backup_then_restore_from_the_command_line(cli) -> None:
    assert cli("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    assert cli("demo", "--customers", "50", "--user", "anna").returncode == 0
    dest = cli.tmp / "kopiot"
    made = cli("backup", str(dest), "--user", "anna")
    assert made.returncode == 0, made.stderr
    files = list(dest.glob("r-*.arbak"))
    assert len(files) == 1 and str(files[0]) in made.stdout
    assert cli("demo", "--customers", "20", "--user", "anna").returncode == 0
    back = cli("restore", str(files[0]), "--user", "anna")
    assert back.returncode == 0, back.stderr
    assert "palautettu" in back.stdout
    verify = cli("verify")
    assert verify.returncode == 0, verify.stderr


def test_restore_errors_are_one_line_with_exit_codes(cli) -> None:
    assert cli("init", "--company", "Testi Oy", "--manager", "anna").returncode == 0
    missing = cli("restore", "ei-ole.sqlite3", "--user", "anna")
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "Traceback" not in missing.stderr
    wrong = cli("backup", "--user", "anna", ASIAKASREKISTERI_PASSWORD="Vaara-salasana-123")
    assert wrong.returncode == 2
    assert wrong.stderr.strip().count("\n") == 0


def test_backup_on_postgres_points_to_pg_dump(cli) -> None:
    result = cli("backup", "--user", "anna", db="postgresql://toimisto@127.0.0.1:1/rekisteri")
    assert result.returncode == 2
    assert "pg_dump" in result.stderr and result.stderr.strip().count("\n") == 0
    result = cli(
        "restore", "x.dump", "--user", "anna", db="postgresql://toimisto@127.0.0.1:1/rekisteri"
    )
    assert result.returncode == 2 and "pg_restore" in result.stderr


def test_restore_of_a_backup_with_a_broken_audit_chain_needs_the_flag(cli) -> None:
    made = cli("init", "--company", "Testi Oy", "--manager", "anna")
    assert made.returncode == 0
    assert cli("demo", "--customers", "5", "--user", "anna").returncode == 0
    dest = cli.tmp / "kopiot"
    assert cli("backup", str(dest), "--user", "anna").returncode == 0
    taken = next(dest.glob("r-*.arbak"))
    key = DataKey.from_recovery_text(recovery_key_of(made.stdout))
    alter_backup(taken, key, "UPDATE audit_entries SET action = 'customer.view' WHERE id = 2")
    refused = cli("restore", str(taken), "--user", "anna", ASIAKASREKISTERI_LANG="en")
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1
    assert "entry 2 was altered" in refused.stderr
    assert "--accept-broken-audit" in refused.stderr
    accepted = cli("restore", str(taken), "--user", "anna", "--accept-broken-audit")
    assert accepted.returncode == 0, accepted.stderr
    verify = cli("verify", ASIAKASREKISTERI_LANG="en")
    assert verify.returncode == 1  # the accepted break stays visible in the restored log
    assert "entry 2 was altered" in verify.stderr
