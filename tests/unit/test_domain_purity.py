"""domain/ stays pure: importing all of it pulls in no HTTP, database driver or logging."""

import pkgutil
import subprocess
import sys

import domain

FORBIDDEN = (
    "aiohttp", "psycopg", "psycopg_pool", "structlog", "sqlite3", "orjson",
    "service", "adapters", "ledger", "projections", "scripts", "sims",
)  # fmt: skip


def test_importing_every_domain_module_pulls_in_no_io() -> None:
    modules = [f"domain.{m.name}" for m in pkgutil.iter_modules(domain.__path__)]
    assert len(modules) >= 8
    script = "; ".join(
        [f"import {m}" for m in modules]
        + [
            "import sys",
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))",
        ]
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "[]"
