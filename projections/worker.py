"""A thread that keeps the read models current: woken by commits, polling as a fallback,
and never more often than every settle_s unless a backlog fills whole batches."""

import threading

import structlog

from projections.runner import BatchRunner

log = structlog.get_logger("projections")


class ProjectionWorker:
    """Runs batches until caught up, then sleeps until woken or the poll interval passes."""

    def __init__(self, runner: BatchRunner, poll_s: float = 0.2, settle_s: float = 0.25) -> None:
        self.runner = runner
        self._poll_s = poll_s
        self._settle_s = settle_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="projections", daemon=True)

    def start(self) -> "ProjectionWorker":
        self._thread.start()
        return self

    def wake(self) -> None:
        """New events were committed; no need to wait for the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the batch in progress, then return."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                processed = self.runner.run_once()
            except Exception as error:  # the store is down or busy: try again later
                log.warning("projection_batch_failed", error=type(error).__name__)
                self._stop.wait(1.0)
                continue
            if processed == 0:
                self._wake.wait(self._poll_s)
                self._wake.clear()
            elif processed < self.runner.batch_size:
                # Let commits gather for a moment: one batch of many events costs far
                # less than many batches of a few (a player's row is written once).
                self._stop.wait(self._settle_s)
