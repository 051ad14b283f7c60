"""One writer lane: its queue of commands, and where its store work runs.

A thread blocked in a socket cannot be cancelled. When a batch outlives its answer
deadline, the lane answers without it and abandons that thread to finish (or fail) on its
own, taking a fresh one, so the lane keeps moving and no other lane lends it a thread.
The store work runs through a Blocking (threads here; the simulation's own scheduler in
tests/support/sim/), so a test can decide when each call ends.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from adapters.logsetup import log
from domain.answers import Answer
from domain.commands import Command

T = TypeVar("T")


@dataclass
class Pending:
    """A command waiting for its answer (None: a probe, the writer's heartbeat), and when
    that answer is due (event-loop time)."""

    command: Command | None
    future: "asyncio.Future[Answer]"
    due: float


@dataclass
class Lane:
    """A queue of pending commands and the single thread that commits them."""

    name: str
    queue: "asyncio.Queue[Pending]" = field(default_factory=asyncio.Queue)
    executor: ThreadPoolExecutor | None = None

    def thread(self) -> ThreadPoolExecutor:
        """The lane's current thread, started on first use."""
        if self.executor is None:
            self.executor = ThreadPoolExecutor(1, thread_name_prefix=self.name)
        return self.executor

    def abandon(self) -> None:
        """Leave the current thread to its blocked call; the next batch gets a new one."""
        if self.executor is not None:
            self.executor.shutdown(wait=False)
            self.executor = None

    async def take(self, most: int) -> list[Pending]:
        """What has queued up (at most `most`), skipping what was answered while queued."""
        batch = [await self.queue.get()]
        while len(batch) < most and not self.queue.empty():
            batch.append(self.queue.get_nowait())
        return [p for p in batch if not p.future.done()]

    def close(self) -> None:
        """Let the commit in progress finish; an abandoned thread is not waited for."""
        if self.executor is not None:
            self.executor.shutdown(wait=True)


class Blocking(Protocol):
    """Where blocking work runs: a lane's store calls, and the error record's disk."""

    def in_lane(self, lane: Lane, work: Callable[[], T]) -> "asyncio.Future[T]": ...

    def on_disk(self, work: Callable[[], T]) -> "asyncio.Future[T]": ...

    def close(self) -> None: ...


class Threads:
    """Each lane's own thread for its store work, one more for the record's disk."""

    def __init__(self) -> None:
        self._disk = ThreadPoolExecutor(1, thread_name_prefix="error-record")

    def in_lane(self, lane: Lane, work: Callable[[], T]) -> "asyncio.Future[T]":
        return asyncio.get_running_loop().run_in_executor(lane.thread(), work)

    def on_disk(self, work: Callable[[], T]) -> "asyncio.Future[T]":
        return asyncio.get_running_loop().run_in_executor(self._disk, work)

    def close(self) -> None:
        self._disk.shutdown(wait=True)


def late_outcome(running: "asyncio.Future[Any]") -> None:
    """An abandoned batch finished after its answer went out; say how, if it failed."""
    if not running.cancelled() and running.exception() is not None:
        log.warning("abandoned_batch_failed", error=type(running.exception()).__name__)
