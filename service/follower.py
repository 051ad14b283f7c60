"""Who keeps the read models current in a single-process deployment.

PROJECTIONS=auto (the default) runs `python -m projections` as a child process of the
server on PostgreSQL, and as a thread of the server on SQLite or memory (one file, one
writer). A child has a GIL of its own: as a thread, the projection's batches took the
interpreter from the callbacks (half-load p99 45-56 ms against 23-27 ms as a process,
measured with the bench's load). The child follows its parent: it stops when the server
stops, exits if the server dies, and the server restarts it if it dies: at once the first
time, then after a delay that doubles with each death up to a minute (a child that cannot
start, say the store refusing it, is not restarted in a tight loop), back to at once when
it has stayed up a minute. Each restart is logged and counted in /metrics.
"""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable

from adapters.logsetup import log
from projections.runner import BatchRunner
from projections.worker import ProjectionWorker
from service.settings import Settings, child_environment

CHECK_EVERY_S = 1.0
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 60.0
STEADY_AFTER_S = 60.0  # a child up this long is healthy again: the backoff starts over


def mode(settings: Settings) -> str:
    """'process', 'thread' or 'off', from PROJECTIONS and the store."""
    if settings.projections != "auto":
        return settings.projections
    return "process" if settings.store.postgres else "thread"


@contextlib.asynccontextmanager
async def follow(
    settings: Settings, runner: BatchRunner, on_restart: Callable[[], None] = lambda: None
) -> AsyncIterator[Callable[[], None]]:
    """Run the projections while the server runs; yields what to call after each commit."""
    chosen = mode(settings)
    if chosen == "thread":
        worker = ProjectionWorker(runner).start()
        try:
            yield worker.wake
        finally:
            worker.stop()
    elif chosen == "process":
        supervisor = asyncio.create_task(_supervise(settings, Backoff(), on_restart))
        try:
            yield lambda: None  # the child polls; it never lags more than a few tenths
        finally:
            supervisor.cancel()
            await asyncio.gather(supervisor, return_exceptions=True)
    else:
        yield lambda: None


class Backoff:
    """How long to wait before the next restart, from how the last child fared."""

    def __init__(self) -> None:
        self.delay = 0.0

    def after(self, lived_s: float) -> float:
        """The wait before restarting a child that lived lived_s seconds."""
        if lived_s >= STEADY_AFTER_S:
            self.delay = 0.0
        wait = self.delay
        self.delay = min(max(self.delay * 2, FIRST_BACKOFF_S), MAX_BACKOFF_S)
        return wait


async def _supervise(settings: Settings, backoff: Backoff, on_restart: Callable[[], None]) -> None:
    child, started = _start(settings), time.monotonic()
    try:
        while True:
            await asyncio.sleep(CHECK_EVERY_S)
            if child.poll() is None:
                continue
            wait = backoff.after(time.monotonic() - started)
            log.warning("projections_died", exit_code=child.returncode, restart_in_s=wait)
            await asyncio.sleep(wait)
            child, started = _start(settings), time.monotonic()
            on_restart()
            log.warning("projections_restarted")
    finally:
        await asyncio.to_thread(_stop, child)


def _start(settings: Settings) -> subprocess.Popen[bytes]:
    env = child_environment(settings, PROJECTIONS_PARENT_PID=str(os.getpid()))
    return subprocess.Popen([sys.executable, "-m", "projections"], env=env)


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
