"""The one seam every write goes through.

Commands are queued in lanes, a player always in the same lane, so one process never
races itself over a player. Each lane takes what has queued up (at most batch_max
commands), decides it on one working set and saves it in one store transaction on a
worker thread, and answers only after that commit. A batch that conflicts with another
writer is retried command by command; a store that does not answer is retried until a
deadline, each attempt reading afresh, so a commit whose outcome was lost is answered
as what it was.
"""

import asyncio
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial

from adapters.failures import ConflictError, StoreUnavailableError
from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command
from ledger.application import Ledger

INTERNAL = Answer.declined(Code.INTERNAL_ERROR)
Pending = tuple[Command, "asyncio.Future[Answer]"]


@dataclass(frozen=True)
class RetryPolicy:
    """How long a write may keep trying before it answers INTERNAL_ERROR."""

    deadline_s: float = 4.0
    backoff_s: float = 0.1
    max_conflicts: int = 20


@dataclass
class WriteStats:
    """Counters the metrics route reads."""

    batches: int = 0
    commands: int = 0
    conflicts: int = 0
    store_errors: int = 0


def commit(
    ledger: Ledger, commands: Sequence[Command], policy: RetryPolicy, stats: WriteStats
) -> list[Answer]:
    """Decide and save the batch; the outcome of every command is known when this returns.

    The first attempt trusts what the ledger holds in memory; a conflict or an unknown
    outcome makes every later attempt read the store.
    """
    deadline = time.monotonic() + policy.deadline_s
    conflicts = 0
    from_store = False
    while True:
        try:
            answers = ledger.execute(commands, from_store=from_store)
        except ConflictError:
            stats.conflicts += 1
            if not from_store:
                from_store = True
                continue
            if len(commands) > 1:
                return [a for c in commands for a in commit(ledger, [c], policy, stats)]
            conflicts += 1
            if conflicts >= policy.max_conflicts:
                return [INTERNAL]
        except StoreUnavailableError:
            stats.store_errors += 1
            from_store = True
            if time.monotonic() + policy.backoff_s >= deadline:
                return [INTERNAL] * len(commands)
            time.sleep(policy.backoff_s)
        else:
            stats.batches += 1
            stats.commands += len(commands)
            return answers


class Writer:
    """Per-player lanes in front of the ledger; submit() resolves after the commit."""

    def __init__(
        self,
        ledger: Ledger,
        executor: Executor,
        *,
        lanes: int,
        batch_max: int,
        policy: RetryPolicy | None = None,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self._ledger = ledger
        self._on_commit = on_commit
        self._executor = executor
        self._batch_max = batch_max
        self._policy = policy or RetryPolicy()
        self.stats = WriteStats()
        self._queues: list[asyncio.Queue[Pending]] = [asyncio.Queue() for _ in range(lanes)]
        self._tasks = [asyncio.create_task(self._run(q)) for q in self._queues]

    async def submit(self, cmd: Command) -> Answer:
        """Queue the command in its player's lane and wait for its committed answer."""
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        lane = zlib.crc32(cmd.user_id.encode()) % len(self._queues)
        self._queues[lane].put_nowait((cmd, future))
        return await future

    async def _run(self, queue: "asyncio.Queue[Pending]") -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]
            while len(batch) < self._batch_max and not queue.empty():
                batch.append(queue.get_nowait())
            work = partial(commit, self._ledger, [c for c, _ in batch], self._policy, self.stats)
            try:
                answers = await loop.run_in_executor(self._executor, work)
            except Exception as error:  # a bug, not the store: fail the batch, keep the lane
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            self._on_commit()
            for (_, future), answer in zip(batch, answers, strict=True):
                if not future.done():
                    future.set_result(answer)

    async def close(self) -> None:
        """Stop the lanes once the server has stopped handing in commands."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
