"""Starting the service: refusals with one clear line, and make run's signed example working."""

import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.support.server import ROOT, free_port, http_status, service_env, wait_until


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"IGPX_SECURITY_HASH": ""}, "IGPX_SECURITY_HASH"),
        ({"ADMIN_TOKEN": ""}, "ADMIN_TOKEN"),
        ({"DATABASE_URL": "mongodb://x/y"}, "DATABASE_URL"),
        ({"CURRENCIES": ""}, "CURRENCIES"),
        ({"PORT": "http"}, "PORT"),
    ],
)
def test_a_bad_configuration_stops_start_up_with_one_line(
    tmp_path: Path, change: dict[str, str], named: str
) -> None:
    env = service_env(f"sqlite:///{tmp_path}/x.sqlite3", free_port(), **change)
    done = start(env)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert named in lines[0]
    assert "test-security-hash" not in done.stderr + done.stdout


def test_the_dev_banner_matches_the_readme(tmp_path: Path) -> None:
    banner = subprocess.run(
        [sys.executable, "-m", "scripts.dev", "--print-only"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    readme = (ROOT / "README.md").read_text()
    curls = [line.strip() for line in banner.splitlines() if line.strip().startswith("curl")]
    assert len(curls) == 2
    for line in curls:
        assert line in readme


def test_make_runs_signed_example_works_as_printed(tmp_path: Path) -> None:
    port = free_port()
    env = service_env(f"sqlite:///{tmp_path}/dev.sqlite3", port)
    for name in ("IGPX_SECURITY_HASH", "ADMIN_TOKEN"):
        del env[name]  # make run supplies its dev secrets
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.dev"],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = [process.stdout.readline() for _ in range(8)]
        assert f"listening on http://127.0.0.1:{port}" in first[0]
        assert "IGPX_SECURITY_HASH=dev-security-hash" in first[1]
        wait_until(lambda: http_status(f"http://127.0.0.1:{port}/readyz") == 200, 20, "dev")
        curls = [line.strip() for line in first if line.strip().startswith("curl")]
        callback = subprocess.run(["bash", "-c", curls[0]], capture_output=True, check=True)
        answer = orjson.loads(callback.stdout)
        assert answer["error"] is None
        assert re.fullmatch(r"[0-9a-f-]{36}", answer["transaction_id"])
        wallet = subprocess.run(["bash", "-c", curls[1]], capture_output=True, check=True)
        assert orjson.loads(wallet.stdout)["balances"] == {"USD": "25.00"}
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()
