"""Who keeps the read models current in a single-process deployment.

PROJECTIONS=auto (the default) runs `python -m projections` as a child process of the
server on PostgreSQL, and as a thread of the server on SQLite or memory (one file, one
writer). A child has a GIL of its own: as a thread, the projection's batches took the
interpreter from the callbacks (half-load p99 45-56 ms against 23-27 ms as a process,
measured with the bench's load). The child follows its parent: it stops when the server
stops, exits if the server dies, and the server restarts it if it dies.
"""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable

from adapters.logsetup import log
from projections.runner import BatchRunner
from projections.worker import ProjectionWorker
from service.settings import Settings, child_environment

RESTART_AFTER_S = 1.0


def mode(settings: Settings) -> str:
    """'process', 'thread' or 'off', from PROJECTIONS and the store."""
    if settings.projections != "auto":
        return settings.projections
    return "process" if settings.store.postgres else "thread"


@contextlib.asynccontextmanager
async def follow(settings: Settings, runner: BatchRunner) -> AsyncIterator[Callable[[], None]]:
    """Run the projections while the server runs; yields what to call after each commit."""
    chosen = mode(settings)
    if chosen == "thread":
        worker = ProjectionWorker(runner).start()
        try:
            yield worker.wake
        finally:
            worker.stop()
    elif chosen == "process":
        supervisor = asyncio.create_task(_supervise(settings))
        try:
            yield lambda: None  # the child polls; it never lags more than a few tenths
        finally:
            supervisor.cancel()
            await asyncio.gather(supervisor, return_exceptions=True)
    else:
        yield lambda: None


async def _supervise(settings: Settings) -> None:
    child = _start(settings)
    try:
        while True:
            await asyncio.sleep(RESTART_AFTER_S)
            if child.poll() is not None:
                log.warning("projections_restarted", exit_code=child.returncode)
                child = _start(settings)
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
