"""Keep the read models current from a process of their own (`python -m projections`).

For scale-out: run this beside the servers and start them with PROJECTIONS=off. A server
left at PROJECTIONS=auto on PostgreSQL runs this itself, as its child.
DATABASE_URL names the store; PROJECTION_BATCH_SIZE (default 1000) the events per transaction
(up to ten times as many, at most 10,000, while far behind).
"""

import os
import signal
import sys
import threading

from adapters.logsetup import configure, log
from domain.errors import SettingsError
from ledger.bootstrap import open_ledger
from projections.runner import BatchRunner
from projections.worker import ProjectionWorker
from service.settings import from_environment


def main(argv: list[str] | None = None) -> int:
    """Follow the log until SIGINT or SIGTERM (or, as a server's child, the server's end)."""
    del argv
    try:
        settings = from_environment(serving=False)
    except SettingsError as error:
        print(f"projections: {error.message}", file=sys.stderr)
        return 2
    configure(settings.log_level)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):  # first: a stop while opening is quiet too
        signal.signal(sig, lambda *_: stop.set())
    ledger = open_ledger(settings.store)
    if settings.parent_pid is not None:
        args = (settings.parent_pid, stop)
        threading.Thread(target=_follow_parent, args=args, daemon=True).start()
    runner = BatchRunner.of(ledger, batch_size=settings.projection_batch_size)
    worker = ProjectionWorker(runner, poll_s=0.1).start()
    log.info("projections_running", position=runner.position())
    stop.wait()
    worker.stop()
    position = runner.position()  # while the store is still open
    ledger.close()
    log.info("projections_stopped", position=position)
    return 0


def _follow_parent(parent: int, stop: threading.Event) -> None:
    """A server's child stops when the server is gone, however it went."""
    while not stop.wait(1.0):
        if os.getppid() != parent:
            stop.set()


if __name__ == "__main__":
    sys.exit(main())
