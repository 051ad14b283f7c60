"""python -m scripts.demo: the ledger, the OPERATOR simulator and a demo casino, wired, on one URL.

The ledger runs on a fresh SQLite file under var/demo/ with the IGPX_* variables pointing at
the simulator; the casino talks to the ledger with the admin token; a demo player is funded
through the deposits route. ADMIN_TOKEN, IGPX_SECURITY_HASH and IGPX_CLIENT_PASSWORD come from
the environment when set, else are made up for this run; none is ever printed. Each process
logs to its own file beside the database. Ctrl-C stops everything.
"""

import argparse
import os
import secrets
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


def _inherited() -> dict[str, str]:
    """The caller's environment less anything that configures the demo's processes."""
    ours = ("IGPX_", "ADMIN_TOKEN", "DATABASE_URL", "LEDGER_URL", "OPERATOR_", "CASINO_")
    return {k: v for k, v in os.environ.items() if not k.startswith(ours)}


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
            env=_inherited() | {"PYTHONUNBUFFERED": "1"} | env,
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


def made_up(name: str) -> str:
    """The variable's value when the caller set one, else a secret made up for this run."""
    return os.environ.get(name) or secrets.token_urlsafe(24)


def environments(args: argparse.Namespace, var: Path) -> dict[str, dict[str, str]]:
    """Each process's variables; the OPERATOR and the ledger share the IGPX_* ones."""
    ledger_port, operator_port = free_port(), free_port()
    igpx = {
        "IGPX_SECURITY_HASH": made_up("IGPX_SECURITY_HASH"),
        "IGPX_API_VERSION": "v1",
        "IGPX_CLIENT_USERNAME": "demo-casino",
        "IGPX_CLIENT_PASSWORD": made_up("IGPX_CLIENT_PASSWORD"),
    }
    admin = {"ADMIN_TOKEN": made_up("ADMIN_TOKEN")}
    ledger_url = {"LEDGER_URL": f"http://{HOST}:{ledger_port}"}
    database = f"sqlite:///{(var / 'ledger.sqlite3').resolve()}"
    operator = {"OPERATOR_HOST": HOST, "OPERATOR_PORT": str(operator_port)}
    ledger = {"DATABASE_URL": database, "HOST": HOST, "PORT": str(ledger_port),
              "IGPX_API_URL": f"http://{HOST}:{operator_port}"}  # fmt: skip
    casino = {"CASINO_HOST": HOST, "CASINO_PORT": str(free_port(args.port)),
              "CASINO_PLAYER": args.player, "CASINO_CURRENCY": args.currency}  # fmt: skip
    return {
        "operator": igpx | ledger_url | operator,
        "ledger": igpx | admin | ledger,
        "casino": admin | ledger_url | casino,
    }


def fresh_dir(path: Path) -> Path:
    """The demo's folder with no database left from an earlier run."""
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("ledger.sqlite3*"):
        old.unlink()
    return path


def start_all(procs: Processes, envs: dict[str, dict[str, str]]) -> dict[str, str]:
    """Start the three processes and wait until each answers; their base URLs."""
    urls = {
        "operator": f"http://{HOST}:{envs['operator']['OPERATOR_PORT']}",
        "ledger": f"http://{HOST}:{envs['ledger']['PORT']}",
        "casino": f"http://{HOST}:{envs['casino']['CASINO_PORT']}",
    }
    procs.start("operator", "scripts.operator", envs["operator"])
    procs.start("ledger", "service", envs["ledger"])
    procs.start("casino", "scripts.casino", envs["casino"])
    procs.wait_ready("operator", lambda: http("GET", urls["operator"] + "/healthz")[0] == 200)
    procs.wait_ready("ledger", lambda: http("GET", urls["ledger"] + "/readyz")[0] == 200)
    procs.wait_ready("casino", lambda: http("GET", urls["casino"] + "/me")[0] == 200)
    return urls


def fund(ledger: str, token: str, player: str, currency: str, amount: str) -> None:
    """The demo player's welcome deposit, once per run."""
    payload = {"currency": currency, "amount": amount, "reference": f"demo-welcome-{player}"}
    status, _ = http("POST", f"{ledger}/api/wallets/{player}/deposits", payload, token)
    if status != 200:
        fail(f"the welcome deposit failed with HTTP {status}")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scripts.demo", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="the casino's port (0: any free)")
    parser.add_argument("--dir", default="var/demo", help="database and logs [var/demo]")
    parser.add_argument("--player", default="demo-player")
    parser.add_argument("--currency", default="USD")
    parser.add_argument("--deposit", default="100.00", help="the player's starting balance")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    var = fresh_dir(Path(args.dir))
    envs = environments(args, var)
    procs = Processes(var)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        urls = start_all(procs, envs)
        fund(
            urls["ledger"], envs["ledger"]["ADMIN_TOKEN"], args.player, args.currency, args.deposit
        )
        print(f"demo: open {urls['casino']}/ (Ctrl-C stops everything)", flush=True)
        print(
            f"  {args.player} starts with {args.deposit} {args.currency}; logs in {var}/",
            flush=True,
        )
        while not (gone := procs.any_exited()):
            time.sleep(0.5)
        fail(f"{gone} stopped; see {var / f'{gone}.log'}")
    except KeyboardInterrupt:
        print("\ndemo: stopping", flush=True)
    finally:
        procs.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
