"""One writer lane: its queue of commands and the thread its store work runs on.

A thread blocked in a socket cannot be cancelled. When a batch outlives its answer
deadline, the lane answers without it and abandons that thread to finish (or fail) on its
own, taking a fresh one, so the lane keeps moving and no other lane lends it a thread.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from domain.answers import Answer
from domain.commands import Command


@dataclass
class Pending:
    """A command waiting for its answer, and when that answer is due (loop time)."""

    command: Command
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
