"""A lane's batch, from the queue to the answers: decide and append on the lane's thread
by the batch's deadline, then exactly one answer per command (or INTERNAL_ERROR for all).

A batch that holds a probe (the writer's heartbeat, a settlement's confirmation) also
needs a commit that reached the store now: its own write, or else a probe write.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from adapters.logsetup import log
from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command, PlaceBet
from ledger.application import Ledger
from ledger.clock import Clock
from ledger.lanes import Blocking, Lane, Pending, late_outcome
from ledger.retry import INTERNAL, Committed, RetryPolicy, WriteStats, commit

PROBED = Answer()
NOT_ATTEMPTED = "not attempted"  # a bet refused before any commit: nothing can land
REFUSED = Answer(error=Code.INTERNAL_ERROR, note=NOT_ATTEMPTED)


@dataclass
class BatchRunner:
    """What every lane's batches share: the store, the deadlines, where work runs."""

    ledger: Ledger
    policy: RetryPolicy
    stats: WriteStats
    clock: Clock
    blocking: Blocking
    bets_allowed: Callable[[], bool]  # False while a bet's error could not be written down

    async def run(self, lane: Lane, batch: list[Pending]) -> Committed | None:
        """decide → append: the batch's commit, or None when it failed or was abandoned."""
        batch = self._without_refused_bets(batch)
        if not batch:
            return None
        loop = asyncio.get_running_loop()
        remaining = min(p.due for p in batch) - loop.time()
        answer_by = self.clock.wall() + remaining - self.policy.commit_margin_s
        commands = [p.command for p in batch if p.command is not None]
        probe = len(commands) < len(batch)
        work = partial(self._work, commands, probe, self.policy.within(remaining), answer_by)
        running = self.blocking.in_lane(lane, work)
        try:
            return await asyncio.wait_for(asyncio.shield(running), max(remaining, 0.0))
        except TimeoutError:
            lane.abandon()
            running.add_done_callback(late_outcome)
            self.stats.abandoned += 1
        except Exception:  # a bug, not the store: fail the batch, keep the lane
            log.exception("write_batch_failed", commands=len(commands))
            self.stats.failed += 1
        return None

    def _without_refused_bets(self, batch: list[Pending]) -> list[Pending]:
        """While the error record cannot be written, no new bet's commit starts: it could
        land with an error answer nobody wrote down. Answered at once, nothing attempted."""
        if self.bets_allowed():
            return batch
        for pending in batch:
            if isinstance(pending.command, PlaceBet):
                pending.future.set_result(REFUSED)
        return [p for p in batch if not isinstance(p.command, PlaceBet)]

    def _work(
        self, commands: list[Command], probe: bool, policy: RetryPolicy, answer_by: float
    ) -> Committed:
        """On the lane's thread: the commit, then a probe write if one is needed still."""
        done = Committed([])
        if commands:
            done = commit(self.ledger, commands, policy, self.stats, answer_by=answer_by,
                          clock=self.clock)  # fmt: skip
        if probe and not done.wrote:
            try:
                self.ledger.probe(answer_by)
            except Exception as error:  # the store does not answer: the probes say so
                log.info("write_probe_failed", error=type(error).__name__)
            else:
                return Committed(done.answers, wrote=True)
        return done


def answer(batch: list[Pending], done: Committed | None) -> bool:
    """Each pending command its answer, exactly one each or INTERNAL_ERROR for all; each
    probe whether a commit reached the store. True when one did (the lane's heartbeat)."""
    commands = [p for p in batch if p.command is not None]
    answers = done.answers if done is not None else []
    if len(answers) != len(commands):
        if done is not None:
            log.error("write_batch_miscounted", commands=len(commands), answers=len(answers))
        answers = [INTERNAL] * len(commands)
    for pending, given in zip(commands, answers, strict=True):
        if not pending.future.done():
            pending.future.set_result(given)
        elif given.error is None:  # answered INTERNAL_ERROR at its deadline, committed since
            log.warning("committed_after_answer", command=type(pending.command).__name__)
    wrote = done is not None and done.wrote
    for pending in batch:
        if pending.command is None and not pending.future.done():
            pending.future.set_result(PROBED if wrote else INTERNAL)
    return wrote
