"""The one seam every write goes through.

Commands are queued in lanes, a player always in the same lane, so one process never
races itself over a player. Each lane takes what has queued up (at most batch_max
commands), decides it on one working set and saves it in one store transaction on a
worker thread, and answers only after that commit. A batch that conflicts with another
writer is retried command by command; a store that does not answer is retried until a
deadline, each attempt reading afresh, so a commit whose outcome was lost is answered
as what it was.

Every answer goes out by the policy's answer deadline, whatever the store does: the
store's own timeouts (adapters/store.py) end most attempts well before it, and a batch
whose thread is still blocked at the deadline is answered INTERNAL_ERROR without it.
Bets answered INTERNAL_ERROR are marked in doubt in the journal (ledger/in_doubt.py)
before the answer goes out, and the server settles them once the store answers; commands
whose commit may have landed are also reported to on_unknown (logged and counted).
"""

import asyncio
import zlib
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from adapters.logsetup import log
from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command, PlaceBet, SettleInDoubt
from ledger.application import Ledger
from ledger.doubts import Doubts, NoJournal
from ledger.lanes import Lane, Pending
from ledger.retry import INTERNAL, RetryPolicy, WriteStats, commit

__all__ = ["INTERNAL", "RetryPolicy", "WriteStats", "Writer", "commit"]
OnUnknown = Callable[[Sequence[Command]], None]
NET_S = 0.5  # submit()'s own bound, a little after the lane's: the loop itself was late


class Writer:
    """Per-player lanes in front of the ledger; submit() resolves after the commit, or with
    INTERNAL_ERROR at the answer deadline.

    on_unknown(commands) is called on the event loop, and must not block, with commands
    answered INTERNAL_ERROR whose commit may have landed: the store stayed silent until
    the deadline, or the commit landed after the answer went out. The default does
    nothing; settling bets is the journal's (`journal`), whatever this hook does.
    """

    def __init__(
        self,
        ledger: Ledger,
        *,
        lanes: int,
        batch_max: int,
        policy: RetryPolicy | None = None,
        on_commit: Callable[[], None] = lambda: None,
        on_unknown: OnUnknown = lambda _: None,
        journal: Doubts | None = None,
    ) -> None:
        self._ledger = ledger
        self._journal = journal or NoJournal()
        self._on_commit, self._on_unknown = on_commit, on_unknown
        self._batch_max = batch_max
        self._policy = policy or RetryPolicy()
        self.stats = WriteStats()
        self._lanes = [Lane(f"write-{n}") for n in range(lanes)]
        self._tasks = [asyncio.create_task(self._run(lane)) for lane in self._lanes]

    async def submit(self, cmd: Command) -> Answer:
        """Queue the command in its player's lane; its committed answer, or INTERNAL_ERROR
        once the answer deadline has passed.

        A player's bets in doubt are settled before anything else of theirs is decided: the
        next decision sees the stakes given back, and a bet delivered again finds itself
        rolled back, never applied a second time.
        """
        for doubt in self._journal.doubts_of(cmd.user_id):
            if isinstance(cmd, SettleInDoubt) and cmd.transaction_id == doubt.transaction_id:
                continue
            if (await self._queue(doubt.settle)).error is not None:
                return INTERNAL  # the store still does not answer: nothing can be decided
            await asyncio.to_thread(self._journal.settled, doubt.transaction_id)
        return await self._queue(cmd)

    async def _queue(self, cmd: Command) -> Answer:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer] = loop.create_future()
        lane = self._lanes[zlib.crc32(cmd.user_id.encode()) % len(self._lanes)]
        lane.queue.put_nowait(Pending(cmd, future, loop.time() + self._policy.answer_s))
        # One timer instead of wait_for() (a task's worth of machinery per command); the
        # shield keeps a cancelled caller from cancelling the command itself.
        late = loop.call_later(self._policy.answer_s + NET_S, _answer_late, future)
        try:
            return await asyncio.shield(future)
        finally:
            late.cancel()

    async def _run(self, lane: Lane) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = await lane.take(self._batch_max)
            if not batch:
                continue
            unknown: list[Command] = []
            commands = [p.command for p in batch]
            due = min(p.due for p in batch) - loop.time()
            policy = self._policy.within(due)
            work = partial(
                commit, self._ledger, commands, policy, self.stats, unknown,
                before_save=self._journal.attempting,
            )  # fmt: skip
            running = loop.run_in_executor(lane.thread(), work)
            try:
                answers = await asyncio.wait_for(asyncio.shield(running), max(due, 0.0))
            except TimeoutError:
                self._abandon(lane, batch, running)
                continue
            except Exception as error:  # a bug, not the store: fail the batch, keep the lane
                self._journal_outcomes(batch, None)
                for pending in batch:
                    if not pending.future.done():
                        pending.future.set_exception(error)
                continue
            self._on_commit()
            self._answer(batch, answers, unknown)

    def _journal_outcomes(self, batch: list[Pending], answers: list[Answer] | None) -> None:
        """Before any answer goes out: which bets are settled, which are in doubt.

        A bet is in doubt when it is answered INTERNAL_ERROR (or was, by submit()'s own
        deadline): the OPERATOR takes that as final, so the ledger must settle it.
        """
        doubts = []
        for n, pending in enumerate(batch):
            cmd = pending.command
            answer = INTERNAL if answers is None else answers[n]
            failed = pending.future.done() or answer.error is Code.INTERNAL_ERROR
            if isinstance(cmd, PlaceBet) and failed:
                doubts.append(cmd.transaction_id)
        # The others leave the journal once their answer is on its way (service/callbacks.py).
        self._journal.in_doubt(doubts)

    def _answer(self, batch: list[Pending], answers: list[Answer], unknown: list[Command]) -> None:
        self._journal_outcomes(batch, answers)
        for pending, answer in zip(batch, answers, strict=True):
            if not pending.future.done():
                pending.future.set_result(answer)
            elif answer.error is not Code.INTERNAL_ERROR:  # answered late, committed after all
                unknown.append(pending.command)
        self._report_unknown(unknown)

    def _abandon(self, lane: Lane, batch: list[Pending], running: "asyncio.Future[Any]") -> None:
        lane.abandon()
        running.add_done_callback(_late_outcome)
        self.stats.abandoned += 1
        self._journal_outcomes(batch, None)
        for pending in batch:
            if not pending.future.done():
                pending.future.set_result(INTERNAL)
        self._report_unknown([p.command for p in batch])

    def _report_unknown(self, commands: list[Command]) -> None:
        if not commands:
            return
        self.stats.unknown += len(commands)
        ids = [getattr(c, "transaction_id", None) for c in commands]
        log.warning("outcome_unknown", commands=len(commands), transaction_ids=ids[:20])
        self._on_unknown(commands)

    async def close(self) -> None:
        """Stop the lanes once the server has stopped handing in commands; the commits in
        progress finish (an abandoned thread is not waited for)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for lane in self._lanes:
            await asyncio.to_thread(lane.close)


def _answer_late(future: "asyncio.Future[Answer]") -> None:
    """Still queued at the deadline: it will be skipped, never committed."""
    if not future.done():
        future.set_result(INTERNAL)


def _late_outcome(running: "asyncio.Future[Any]") -> None:
    """An abandoned batch finished after its answer went out; its outcome is the hook's."""
    if not running.cancelled() and running.exception() is not None:
        log.warning("abandoned_batch_failed", error=type(running.exception()).__name__)
