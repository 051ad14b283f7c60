"""python -m projections: keep the read models current from a process of their own.

For scale-out: run this beside the servers and start them with PROJECTIONS=off.
DATABASE_URL names the store; PROJECTION_BATCH_SIZE (default 1000) the events per transaction.
"""

import os
import signal
import sys
import threading

from adapters.logs import configure, log
from adapters.store import ledger_from_env
from projections.runner import ProjectionRunner
from projections.worker import ProjectionWorker


def main() -> int:
    configure()
    ledger = ledger_from_env()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    batch = int(os.environ.get("PROJECTION_BATCH_SIZE") or 1000)
    worker = ProjectionWorker(ProjectionRunner(ledger, batch_size=batch)).start()
    log.info("projections_running", position=worker.runner.position())
    stop.wait()
    worker.stop()
    ledger.close()
    log.info("projections_stopped", position=worker.runner.position())
    return 0


if __name__ == "__main__":
    sys.exit(main())
