"""Wallet servers as real processes: start on a free port, wait until ready, weigh, stop."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

MODULES = {"ledger": "service", "crud": "benchmarks.crud_wallet"}
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(impl: str, env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """`python -m <impl's module>` with exactly the given settings on top of PATH and HOME."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ")}
    command = [sys.executable, "-m", MODULES[impl]]
    return subprocess.Popen(command, cwd=ROOT, env=base | env, stdout=log, stderr=log)


def wait_ready(process: subprocess.Popen[bytes], port: int, timeout_s: float = 60.0) -> None:
    """Poll GET /readyz until it answers 200; raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before it was ready")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {timeout_s:.0f} s")


def commands_per_commit(port: int, token: str) -> float | None:
    """The ledger's own count, from /metrics: commands it committed per store transaction."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {token}"})
        text = conn.getresponse().read().decode()
    except OSError:
        return None
    found = dict(
        line.split(" ", 1) for line in text.splitlines()
        if line.startswith(("ledger_write_batches_total ", "ledger_write_commands_total "))
    )  # fmt: skip
    batches = float(found.get("ledger_write_batches_total", 0))
    commands = float(found.get("ledger_write_commands_total", 0))
    return round(commands / batches, 1) if batches else None


def stop(process: subprocess.Popen[bytes], grace_s: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if it has not gone within the grace period."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tree(pid: int) -> list[int]:
    """The process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory of the process and its descendants, from VmRSS."""
    total = 0
    for member in tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


class RssSampler(threading.Thread):
    """Samples a process tree's RSS a few times a second; keeps the peak."""

    def __init__(self, pid: int, every_s: float = 0.25) -> None:
        super().__init__(daemon=True)
        self._pid, self._every_s = pid, every_s
        self._done = threading.Event()
        self.peak = 0

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, rss_bytes(self._pid))
            self._done.wait(self._every_s)

    def finish(self) -> int:
        """Stop sampling, take one last sample; the peak in bytes."""
        self._done.set()
        self.join()
        return max(self.peak, rss_bytes(self._pid))
