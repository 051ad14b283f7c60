"""The demo's child processes and the small HTTP calls it makes to them."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, NoReturn

import orjson

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0


def free_port(wanted: int = 0) -> int:
    """The wanted port when it is free, else any free one."""
    with socket.socket() as s:
        try:
            s.bind((HOST, wanted))
        except OSError:
            s.bind((HOST, 0))
        return int(s.getsockname()[1])


def http(method: str, url: str, payload: Any = None, token: str = "") -> tuple[int, Any]:
    """A small JSON request; status 0 when nothing answers."""
    data = orjson.dumps(payload) if payload is not None else None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            return answer.status, orjson.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return 0, None


def inherited() -> dict[str, str]:
    """The caller's environment less anything that configures the demo's processes."""
    ours = ("IGPX_", "ADMIN_TOKEN", "DATABASE_URL", "LEDGER_URL", "OPERATOR_", "CASINO_")
    return {k: v for k, v in os.environ.items() if not k.startswith(ours)}


def run_module(module: str, args: list[str], env: dict[str, str], log: Path) -> None:
    """Run a command line of the ledger's to its end (a child process: no import of it)."""
    with log.open("ab") as out:
        done = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=ROOT, env=inherited() | env, stdout=out, stderr=subprocess.STDOUT,
            timeout=60, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        fail(f"{module} {' '.join(args[:2])} failed; see {log}")


class Processes:
    """The demo's children: started with their own environment and log file, stopped in reverse."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []

    def start(self, name: str, module: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        child = subprocess.Popen(
            [sys.executable, "-m", module],
            cwd=ROOT,
            env=inherited() | {"PYTHONUNBUFFERED": "1"} | env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the demo alone, which stops them in order
        )
        self.running.append((name, child, log))
        return child

    def wait_ready(self, name: str, ready: Callable[[], bool]) -> None:
        """Until ready() holds; a child that exits or a deadline ends the demo with its log."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while not ready():
            culprit = self.any_exited() or (name if time.monotonic() > deadline else None)
            if culprit:
                fail(f"{culprit} did not start; see {self.logs / f'{culprit}.log'}")
            time.sleep(0.1)

    def any_exited(self) -> str | None:
        return next((n for n, p, _ in self.running if p.poll() is not None), None)

    def stop(self) -> None:
        for _, child, _log in reversed(self.running):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for _, child, log in reversed(self.running):
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            log.close()


def fail(message: str) -> NoReturn:
    raise SystemExit(f"demo: {message}")
