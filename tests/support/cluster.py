"""A private PostgreSQL cluster for a test that must reconfigure or break its database:
initdb in a temporary directory, run as `postgres` on a port of its own, removed after.
The shared server is never touched."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.server import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    """PostgreSQL 15's server binaries are here and this process may become postgres."""
    return (PG_BIN / "initdb").exists() and os.geteuid() == 0


def _as_postgres(*argv: str) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *argv], check=True, capture_output=True, timeout=60
    )


@contextmanager
def private_cluster(**settings: str) -> Iterator[str]:
    """A running cluster with these postgresql.conf settings; yields its URL (db postgres)."""
    root = Path(tempfile.mkdtemp(prefix="ledger-cluster-"))
    shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    lines = [
        f"port = {port}",
        "listen_addresses = '127.0.0.1'",
        f"unix_socket_directories = '{root}'",
    ]
    lines += [f"{name} = '{value}'" for name, value in settings.items()]
    with (data / "postgresql.conf").open("a") as conf:
        conf.write("\n".join(lines) + "\n")
    _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)
