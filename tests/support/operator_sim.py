"""The OPERATOR simulator, and the ledger on a chosen port, as real processes for tests."""

import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from service.settings import OperatorApi, Secret
from tests.support.callbacks import SECRET
from tests.support.server import free_port, launched, service_env

VERSION = "v1"
USERNAME = "test-casino-username-4c1d"
PASSWORD = "test-operator-password-9e27"


def post_json(url: str, payload: Any = None, token: str = "") -> tuple[int, Any]:
    """POST JSON with urllib; the status and the decoded answer (None when not JSON)."""
    headers = {"Content-Type": "application/json"} | (
        {"Authorization": f"Bearer {token}"} if token else {}
    )
    data = orjson.dumps(payload if payload is not None else {})
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            status, raw = int(response.status), response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, orjson.loads(raw)
    except orjson.JSONDecodeError:
        return status, None


def get_json(url: str, token: str = "") -> Any:
    """GET a JSON answer with urllib, with a bearer token when given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return orjson.loads(response.read())


@dataclass
class Simulator:
    """A running `python -m sims.operator`, its controls and its counters."""

    process: subprocess.Popen[bytes]
    base: str
    log_path: Path

    @property
    def api_url(self) -> str:
        return f"{self.base}/{VERSION}"

    def operator_api(self, password: str = PASSWORD) -> OperatorApi:
        """What the ledger's Settings holds for this OPERATOR."""
        return OperatorApi(self.base, VERSION, Secret(USERNAME), Secret(password))

    def ledger_env(self, password: str = PASSWORD) -> dict[str, str]:
        """The IGPX_* variables that point a ledger at this simulator."""
        return {
            "IGPX_API_URL": self.base,
            "IGPX_API_VERSION": VERSION,
            "IGPX_CLIENT_USERNAME": USERNAME,
            "IGPX_CLIENT_PASSWORD": password,
        }

    def stats(self) -> dict[str, Any]:
        return dict(get_json(f"{self.base}/_sim/stats"))

    def revoke(self) -> None:
        """Every token issued so far now gets a 401."""
        assert post_json(f"{self.base}/_sim/revoke")[0] == 200

    def faults(self, **faults: Any) -> None:
        """auth_status, session_status, delay_s; no argument clears them."""
        assert post_json(f"{self.base}/_sim/faults", faults)[0] == 200

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def running_simulator(
    log_dir: Path, ledger_url: str = "http://127.0.0.1:9", *flags: str
) -> Iterator[Simulator]:
    """Start the simulator with the test credentials and secret; stop it on exit."""
    port = free_port()
    argv = ["--port", str(port), "--ledger-url", ledger_url, "--retry-max", "0.3", *flags]
    env = service_env("sqlite:///unused", 0) | {
        "IGPX_SECURITY_HASH": SECRET,
        "IGPX_CLIENT_USERNAME": USERNAME,
        "IGPX_CLIENT_PASSWORD": PASSWORD,
    }
    base = f"http://127.0.0.1:{port}"
    log_path = log_dir / f"operator-{port}.log"
    command = ["sims.operator", *argv]
    with launched(command, env, log_path, base=base, ready="/healthz", name="simulator") as process:
        yield Simulator(process, base, log_path)
