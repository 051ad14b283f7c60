"""python -m scripts.users: add, list, disable, with the password from the environment."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.server import ROOT


def users(folder: Path, *args: str, password: str = "") -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": f"sqlite:///{folder}/ledger.sqlite3"}
    env = env | ({"BACKOFFICE_PASSWORD": password} if password else {})
    return subprocess.run(
        [sys.executable, "-m", "scripts.users", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_accounts_are_added_listed_and_disabled(tmp_path: Path) -> None:
    added = users(tmp_path, "add", "ann", "--role", "auditor", password="ann-password-long")
    assert added.returncode == 0, added.stderr
    assert "ann-password-long" not in added.stdout + added.stderr
    assert users(tmp_path, "list").stdout.split() == ["ann", "auditor", "active"]
    assert users(tmp_path, "disable", "ann").returncode == 0
    assert users(tmp_path, "list").stdout.split() == ["ann", "auditor", "disabled"]
    assert users(tmp_path, "disable", "nobody").returncode == 1


def test_a_short_password_or_a_bad_role_is_refused(tmp_path: Path) -> None:
    short = users(tmp_path, "add", "ann", "--role", "admin", password="short")
    assert short.returncode == 2
    assert "at least 12" in short.stderr
    assert users(tmp_path, "add", "ann", "--role", "root", password="x" * 20).returncode == 2
