"""python -m projections: keep the read models current from a process of their own.

For scale-out: run this beside the servers and start them with PROJECTIONS=off. A server
left at PROJECTIONS=auto on PostgreSQL runs this itself, as its child.
DATABASE_URL names the store; PROJECTION_BATCH_SIZE (default 1000) the events per transaction.
"""

import os
import signal
import sys
import threading

from adapters.logsetup import configure, log
from adapters.store import ledger_from_env
from projections.runner import ProjectionRunner
from projections.worker import ProjectionWorker


def main() -> int:
    configure(os.environ.get("LOG_LEVEL", "info").lower())
    ledger = ledger_from_env()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if parent := os.environ.get("PROJECTIONS_PARENT_PID"):
        threading.Thread(target=_follow_parent, args=(int(parent), stop), daemon=True).start()
    batch = int(os.environ.get("PROJECTION_BATCH_SIZE") or 1000)
    worker = ProjectionWorker(ProjectionRunner(ledger, batch_size=batch), poll_s=0.1).start()
    log.info("projections_running", position=worker.runner.position())
    stop.wait()
    worker.stop()
    ledger.close()
    log.info("projections_stopped", position=worker.runner.position())
    return 0


def _follow_parent(parent: int, stop: threading.Event) -> None:
    """A server's child stops when the server is gone, however it went."""
    while not stop.wait(1.0):
        if os.getppid() != parent:
            stop.set()


if __name__ == "__main__":
    sys.exit(main())
