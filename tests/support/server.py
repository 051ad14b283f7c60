"""Real service processes on real ports: started, awaited, logged to a file, stopped."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tests.support.callbacks import ADMIN_TOKEN, SECRET

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Any, timeout: float, what: str) -> None:
    """Poll a condition until it holds or the deadline passes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout}s for {what}")
        time.sleep(0.05)


def http_status(url: str) -> int:
    """GET a URL and return its status, 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def stop_process(process: "subprocess.Popen[bytes]") -> None:
    """SIGTERM, then wait; SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Server:
    """A running `python -m service` and where its logs go."""

    process: subprocess.Popen[bytes]
    base: str
    log_path: Path

    def log_lines(self) -> list[dict[str, Any]]:
        """Every JSON log line written so far."""
        lines = self.log_path.read_bytes().splitlines()
        return [orjson.loads(line) for line in lines if line.startswith(b"{")]

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM, then wait; SIGKILL if it hangs."""
        stop_process(self.process)


def service_env(database_url: str, port: int, **extra: str) -> dict[str, str]:
    """A complete service environment: test secrets, the given store and port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IGPX_", "WRITE_"))}
    return (
        env
        | {
            "DATABASE_URL": database_url,
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "IGPX_SECURITY_HASH": SECRET,
            "ADMIN_TOKEN": ADMIN_TOKEN,
            "PYTHONUNBUFFERED": "1",
        }
        | extra
    )


@contextmanager
def launched(
    argv: list[str], env: dict[str, str], log_path: Path, *, base: str, ready: str, name: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A Python module as a process, logging to a file, awaited on a URL, stopped on exit."""
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", *argv],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(
            lambda: process.poll() is not None or http_status(base + ready) == 200,
            timeout=60,  # a busy machine starts slowly; a server that never gets ready still fails
            what=f"{name} to be ready",
        )
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log_path.read_text(errors='replace')}")
        yield process
    finally:
        with suppress(Exception):
            Server(process, base, log_path).stop()


@contextmanager
def running_service(
    database_url: str, log_dir: Path, name: str = "service", port: int = 0, **extra: str
) -> Iterator[Server]:
    """Start the service (on a free port unless given), wait until /readyz says ready."""
    port = port or free_port()
    log_path = log_dir / f"{name}-{port}-{free_port()}.log"
    base = f"http://127.0.0.1:{port}"
    # The server's error record stays with the test (a restart on the same port finds it).
    extra.setdefault("ERROR_RECORD", str(log_dir / f"{name}-{port}.record"))
    env = service_env(database_url, port, **extra)
    with launched(["service"], env, log_path, base=base, ready="/readyz", name=name) as process:
        yield Server(process, base, log_path)
