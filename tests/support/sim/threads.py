"""Store work as the product runs it on threads, here run one at a time on the loop's own
thread, each in a greenlet (the standard way to suspend plain synchronous code).

A job runs only when the simulation resumes it, and parks whenever it waits on the
virtual clock (a store call's latency, a backoff, an fsync): where it stops and when it
resumes are the simulation's to decide, the same on every run of a seed, and a switch
costs a microsecond where a thread's handoff cost a hundred. A killed process has its
parked jobs unwound (Killed), never resumed where they were.
"""

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import greenlet


class Killed(BaseException):
    """The simulated process died: its job unwinds."""


@dataclass
class Job:
    work: Callable[[], Any]
    future: "asyncio.Future[Any]"
    result: Any = None
    error: BaseException | None = None
    wake_at: float | None = None  # parked until then (inf: for ever); None once finished
    handle: asyncio.TimerHandle | None = None


class _Running(greenlet.greenlet):  # type: ignore[misc]
    """The greenlet of one job, so that park() knows whose it is."""

    job: Job


def park(until: float) -> None:
    """Wait on the virtual clock, from inside a job (does nothing outside one)."""
    current = greenlet.getcurrent()
    if isinstance(current, _Running):
        current.job.wake_at = until
        current.parent.switch()


@dataclass
class Pool:
    """Kept for the world's interface: greenlets need no pool."""

    def close(self) -> None:
        """Nothing held."""


class SimThreads:
    """One process's Blocking (ledger/lanes.py): each call a job, the disk's one at a time."""

    def __init__(self, pool: Pool) -> None:
        del pool
        self._parked: dict[_Running, Job] = {}
        self._disk_queue: list[Job] = []
        self._disk_busy = False

    def in_lane(self, lane: Any, work: Callable[[], Any]) -> "asyncio.Future[Any]":
        del lane  # every lane's work is a job of its own; none is ever abandoned in place
        return self._start(work)

    def on_disk(self, work: Callable[[], Any]) -> "asyncio.Future[Any]":
        """The record's disk has one thread, as in production: its jobs run one at a time."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._disk_queue.append(Job(work, future))
        if not self._disk_busy:
            self._next_on_disk()
        return future

    def close(self) -> None:
        """Nothing to wait for: a closing writer leaves its parked work to kill()."""

    def kill(self) -> None:
        """The process dies: every parked job unwinds, its future never resolved."""
        self._disk_queue.clear()
        for running, job in list(self._parked.items()):
            if job.handle is not None:
                job.handle.cancel()
            self._parked.pop(running, None)
            running.throw(Killed)

    def _next_on_disk(self, _: Any = None) -> None:
        self._disk_busy = bool(self._disk_queue)
        if self._disk_queue:
            job = self._disk_queue.pop(0)
            job.future.add_done_callback(self._next_on_disk)
            self._run(job)

    def _start(self, work: Callable[[], Any]) -> "asyncio.Future[Any]":
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._run(Job(work, future))
        return future

    def _run(self, job: Job) -> None:
        running = _Running(run=lambda: self._body(job))
        running.job = job
        self._step(running)

    def _body(self, job: Job) -> None:
        try:
            job.result = job.work()
        except Killed:
            return
        except BaseException as error:
            job.error = error
        job.wake_at = None
        if job.future.done():
            return
        if job.error is not None:
            job.future.set_exception(job.error)
        else:
            job.future.set_result(job.result)

    def _step(self, running: _Running) -> None:
        self._parked.pop(running, None)
        job = running.job
        job.wake_at = None
        running.switch()
        if running.dead:
            return
        self._parked[running] = job
        if job.wake_at is not None and not math.isinf(job.wake_at):
            job.handle = asyncio.get_running_loop().call_at(job.wake_at, self._step, running)
