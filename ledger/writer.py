"""The write path, one step a function: arrival → batch → decide → append → answer → record.

- arrival (submit): a delivery's deadline is fixed when it arrives (the server's handler
  passes it) and covers everything done for it: first the player's older doubts, then its
  own command. A bet is stamped with its delivery.
- batch (Lane.take): what has queued in the player's lane, at most batch_max commands.
- decide → append (ledger/batches.py, ledger/retry.py, on the lane's thread): one working
  set, one store transaction, retried until the batch's deadline; the store itself refuses
  the commit once the deadline has passed.
- answer (batches.answer): exactly one per command, or INTERNAL_ERROR for the whole batch,
  by the deadline whatever the store does (a thread stuck in it is abandoned).
- record: a bet answered INTERNAL_ERROR is written down in the error record (fsynced)
  before submit() returns, so before its answer leaves; settling makes it true later.

No exception ends a lane, and a lane task that stops anyway is started again (counted).
ready() is the writer's heartbeat: a commit a moment ago, or a probe write through every
lane now.
"""

import asyncio
import itertools
import os
import zlib
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from adapters.logsetup import log
from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command, PlaceBet
from domain.settling import UNCHANGED
from ledger.application import Ledger
from ledger.batches import NOT_ATTEMPTED, BatchRunner, answer
from ledger.clock import SYSTEM, Clock
from ledger.doubts import Doubt, Doubts, NoRecord
from ledger.lanes import Blocking, Lane, Pending, Threads
from ledger.recording import Recording
from ledger.retry import INTERNAL, RetryPolicy, WriteStats

__all__ = ["INTERNAL", "WITHHELD", "RetryPolicy", "WriteStats", "Writer"]
# An error answer that could not be written down must not leave: the caller drops the
# connection instead (for the OPERATOR, no answer: the bet stands until its rollback).
WITHHELD = "withheld"
FRESH_S = 1.0  # a commit this recent, none failed since, is the heartbeat; else a probe
PROBE_S = 2.0  # how long a probe write may take
Settled = list[tuple[Doubt, str]]


class Writer:
    """Per-player lanes in front of the ledger; submit() resolves after the commit, or with
    INTERNAL_ERROR by the delivery's deadline, its error written down first."""

    def __init__(
        self,
        ledger: Ledger,
        *,
        lanes: int,
        batch_max: int,
        policy: RetryPolicy | None = None,
        record: Doubts | None = None,
        clock: Clock = SYSTEM,
        blocking: Blocking | None = None,
        on_commit: Callable[[], None] = lambda: None,
        deliveries: str | None = None,
    ) -> None:
        """deliveries: what this process's deliveries are named after (random by default)."""
        self.policy = policy or RetryPolicy()
        self.stats = WriteStats()
        self.record = record or NoRecord()
        self._blocking = blocking or Threads()
        self._recording = Recording(self.record, self._blocking)
        self._batches = BatchRunner(
            ledger, self.policy, self.stats, clock, self._blocking, lambda: self.record.healthy
        )
        self._batch_max, self._on_commit = batch_max, on_commit
        prefix = deliveries or os.urandom(4).hex()
        self._deliveries = map(f"{prefix}-{{}}".format, itertools.count(1))
        self._lanes = [Lane(f"write-{n}") for n in range(lanes)]
        self._closing = False
        self.last_commit = float("-inf")  # event-loop time of the last commit that wrote
        self._last_failure = float("-inf")  # ... and of the last batch the store failed
        self._tasks = {lane.name: self._start(lane) for lane in self._lanes}

    async def submit(self, cmd: Command, due: float | None = None) -> Answer:
        """arrival → (the player's older doubts) → batch → decide → append → answer → record."""
        loop = asyncio.get_running_loop()
        due = loop.time() + self.policy.answer_s if due is None else due
        cmd = self.stamped(cmd)
        given = INTERNAL
        try:
            if await self.settle_player(cmd.user_id, due) is not None:
                given = await self._queue(self._lane(cmd.user_id), cmd, due)
        except Exception:  # a bug: the answer is INTERNAL_ERROR, and true (below)
            log.exception("submit_failed", command=type(cmd).__name__)
        return await self._written_down(cmd, given)

    async def _written_down(self, cmd: Command, given: Answer) -> Answer:
        """record: a bet's error answer leaves only once it is written down (a bet refused
        before any commit could not land: nothing to write)."""
        if not isinstance(cmd, PlaceBet) or given.error is not Code.INTERNAL_ERROR:
            return given
        if given.note == NOT_ATTEMPTED or await self.unanswered(cmd):
            return given
        return Answer(error=Code.INTERNAL_ERROR, note=WITHHELD)

    def stamped(self, cmd: Command) -> Command:
        """A bet named as this delivery of it (unless it is already): what the ledger will
        undo if its answer is an error, and nothing else that landed the bet."""
        if isinstance(cmd, PlaceBet) and cmd.delivery is None:
            return replace(cmd, delivery=next(self._deliveries))
        return cmd

    async def unanswered(self, bet: PlaceBet) -> bool:
        """A bet whose answer is an error or never left: written down before returning;
        False when the disk refused (it is settled from memory, if this process lives)."""
        return await self._recording.write_down(Doubt.of(bet))

    async def settle_player(self, user_id: str, due: float) -> Settled | None:
        """Settle the player's doubts, oldest first, within the caller's deadline; what was
        settled, or None when the store did not take one (nothing else may be decided)."""
        settled: Settled = []
        for doubt in self.record.doubts_of(user_id):
            given = await self._queue(self._lane(user_id), doubt.settle, due)
            if given.error is not None:
                return None
            if given.note == UNCHANGED and not await self._probe(self._lane(user_id), due):
                return None  # what it read may be a commit a failover could still lose
            await self._blocking.on_disk(partial(self.record.settled, doubt.transaction_id))
            settled.append((doubt, given.note or UNCHANGED))
        return settled

    async def ready(self) -> bool:
        """Whether this process can commit: a commit a moment ago, or a probe write now."""
        loop = asyncio.get_running_loop()
        if not self.record.healthy:
            return False
        if self._last_failure < self.last_commit and loop.time() - self.last_commit < FRESH_S:
            return True
        due = loop.time() + PROBE_S
        probes = await asyncio.gather(*(self._probe(lane, due) for lane in self._lanes))
        return all(probes)

    async def retry_record(self) -> bool:
        """Write down what the disk refused before; whether the record is healthy now."""
        return await self._blocking.on_disk(self._recording.retry)

    def _lane(self, user_id: str) -> Lane:
        return self._lanes[zlib.crc32(user_id.encode()) % len(self._lanes)]

    async def _probe(self, lane: Lane, due: float) -> bool:
        return (await self._queue(lane, None, due)).error is None

    async def _queue(self, lane: Lane, cmd: Command | None, due: float) -> Answer:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer] = loop.create_future()
        lane.queue.put_nowait(Pending(cmd, future, due))
        # One timer instead of wait_for() (a task's worth of machinery per command); the
        # shield keeps a cancelled caller from cancelling the command itself.
        late = loop.call_at(due, _answer_late, future)
        try:
            return await asyncio.shield(future)
        finally:
            late.cancel()

    async def _lane_loop(self, lane: Lane) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = await lane.take(self._batch_max)
            if not batch:
                continue
            done = await self._batches.run(lane, batch)
            if answer(batch, done):
                self.last_commit = loop.time()
                self._on_commit()
            elif done is None or any(a.error is Code.INTERNAL_ERROR for a in done.answers):
                self._last_failure = loop.time()

    def _start(self, lane: Lane) -> "asyncio.Task[None]":
        task = asyncio.create_task(self._lane_loop(lane), name=lane.name)
        task.add_done_callback(partial(self._stopped, lane))
        return task

    def _stopped(self, lane: Lane, task: "asyncio.Task[None]") -> None:
        """A lane's task ended without being asked to: say why and start it again."""
        if self._closing or task.cancelled():
            return
        error = task.exception()
        self.stats.lane_restarts += 1
        log.error("write_lane_restarted", lane=lane.name, error=type(error).__name__)
        self._tasks[lane.name] = self._start(lane)

    async def close(self) -> None:
        """Stop the lanes once the server has stopped handing in commands; the commits in
        progress finish (an abandoned thread is not waited for)."""
        self._closing = True
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        for lane in self._lanes:
            if lane.executor is not None:
                await asyncio.to_thread(lane.close)
        self._blocking.close()


def _answer_late(future: "asyncio.Future[Answer]") -> None:
    """Still not answered at its deadline: INTERNAL_ERROR (a commit that lands after it is
    refused by the store, or undone when its error is settled)."""
    if not future.done():
        future.set_result(INTERNAL)
