"""The servers under chaos: started on fixed ports, SIGKILLed by pid, restarted, awaited."""

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.server import ROOT, free_port, http_status, service_env

READY_DEADLINE_S = 30.0


@dataclass
class Node:
    """One `python -m service` this driver owns; it comes back on the same port."""

    name: str
    database_url: str
    log_dir: Path
    extra: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def record(self) -> dict[str, str]:
        """Its error record, kept across its restarts like a server's own disk."""
        return {"ERROR_RECORD": str(self.log_dir / f"{self.name}.record")}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the process and wait (with a deadline) until /readyz says ready."""
        log_path = self.log_dir / f"{self.name}-{self.starts}.log"
        with log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "service"],
                cwd=ROOT,
                env=service_env(self.database_url, self.port, **self.record, **self.extra),
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_DEADLINE_S
        while http_status(self.base + "/readyz") != 200:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited while starting; see {self.log_dir}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} not ready after {READY_DEADLINE_S}s")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL this node's own process (by its pid) and reap it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not finish in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
