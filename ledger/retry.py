"""Decide and append, one batch: retried on conflicts and store errors until its deadline,
each retry reading afresh, so a commit whose outcome was lost is answered as what it was.
Exactly one answer per command, whatever happens; what stays unknown at the deadline is
reported as such."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from adapters.failures import (
    CommitUnconfirmedError,
    ConflictError,
    DeadlinePassedError,
    StoreUnavailableError,
)
from adapters.logsetup import log
from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command
from ledger.application import Ledger
from ledger.clock import SYSTEM, Clock

INTERNAL = Answer.declined(Code.INTERNAL_ERROR)


@dataclass(frozen=True)
class RetryPolicy:
    """How long a write may keep trying, and when its answer goes out whatever happens.

    answer_s: from a delivery's arrival to its answer (the contract's bound is 10 s at the
    OPERATOR's end, which leaves room for the HTTP round trip).
    deadline_s: no store attempt starts after it (counted from the batch's start).
    commit_margin_s: the store refuses a commit this long before the answer is due, so one
    whose acknowledgement is merely slow still reaches the writer before it answers.
    """

    deadline_s: float = 6.0
    answer_s: float = 8.0
    backoff_s: float = 0.1
    max_conflicts: int = 20
    commit_margin_s: float = 1.0

    def within(self, remaining_s: float) -> "RetryPolicy":
        """This policy for a batch whose answer is due in remaining_s (it queued a while):
        attempts stop as much before the answer as they would have for a fresh one."""
        margin = self.answer_s - self.deadline_s
        return replace(self, deadline_s=min(self.deadline_s, remaining_s - margin))


@dataclass
class WriteStats:
    """Counters the metrics route reads."""

    batches: int = 0
    commands: int = 0
    conflicts: int = 0
    store_errors: int = 0
    refused_late: int = 0  # commits the store refused at their deadline (nothing landed)
    abandoned: int = 0  # batches answered at the deadline while their thread was blocked
    unknown: int = 0  # commands answered INTERNAL_ERROR whose commit may have landed
    failed: int = 0  # batches answered INTERNAL_ERROR because of a bug
    lane_restarts: int = 0  # lanes that stopped and were started again


@dataclass(frozen=True)
class Committed:
    """A batch's answers, one per command, and whether the store committed a write for it."""

    answers: list[Answer]
    wrote: bool = False


def commit(
    ledger: Ledger,
    commands: Sequence[Command],
    policy: RetryPolicy,
    stats: WriteStats,
    unknown: list[Command] | None = None,
    *,
    answer_by: float | None = None,
    clock: Clock = SYSTEM,
) -> Committed:
    """Decide and save the batch; each answer its committed outcome or INTERNAL_ERROR.

    The first attempt trusts what the ledger holds in memory; a conflict or an unknown
    outcome makes every later attempt read the store. Commands still unknown when the
    deadline passes (the store never answered again) are appended to `unknown`.
    """
    tries = _Tries(ledger, list(commands), policy, stats, unknown, answer_by, clock)
    while (done := tries.once()) is None:
        pass
    return done


@dataclass
class _Tries:
    """One batch's attempts: each either ends it (its answers) or says to try again."""

    ledger: Ledger
    commands: list[Command]
    policy: RetryPolicy
    stats: WriteStats
    unknown: list[Command] | None
    answer_by: float | None
    clock: Clock
    conflicts: int = 0
    from_store: bool = False

    def __post_init__(self) -> None:
        self.deadline = self.clock.monotonic() + self.policy.deadline_s
        self.failed = Committed([INTERNAL] * len(self.commands))

    def once(self) -> Committed | None:
        """The batch's answers, or None to try again."""
        try:
            answers, wrote = self.ledger.decide_and_save(
                self.commands, from_store=self.from_store, answer_by=self.answer_by
            )
        except ConflictError:
            return self._conflicted()
        except DeadlinePassedError:
            self.stats.refused_late += 1
            return self.failed  # the store refused it: nothing landed
        except StoreUnavailableError as error:
            return self._unavailable(error)
        except Exception:  # a bug in deciding one command: the others are retried alone
            if len(self.commands) == 1:
                log.exception("command_failed", command=type(self.commands[0]).__name__)
                return self.failed
            return self._one_by_one()
        self.stats.batches += wrote
        self.stats.commands += len(self.commands)
        return Committed(answers, wrote)

    def _conflicted(self) -> Committed | None:
        self.stats.conflicts += 1
        if self.from_store and len(self.commands) > 1:
            return self._one_by_one()
        self.conflicts += self.from_store
        if self.conflicts >= self.policy.max_conflicts or self._past_deadline(0.0):
            return self.failed  # never saved: nothing in doubt
        if self.from_store:  # another writer keeps winning: let it finish first
            self.clock.sleep(random.uniform(0, self.policy.backoff_s / 10))
        self.from_store = True
        return None

    def _unavailable(self, error: StoreUnavailableError) -> Committed | None:
        self.stats.store_errors += 1
        self.from_store = True
        # Reading again would show an unconfirmed commit as there: it may not stay so.
        if self._past_deadline(self.policy.backoff_s) or isinstance(error, CommitUnconfirmedError):
            if self.unknown is not None:
                self.unknown.extend(self.commands)
            return self.failed
        self.clock.sleep(self.policy.backoff_s)
        return None

    def _past_deadline(self, after_s: float) -> bool:
        """No attempt may start after the deadline, nor after the store would refuse it."""
        late = self.answer_by is not None and self.clock.wall() + after_s >= self.answer_by
        return late or self.clock.monotonic() + after_s >= self.deadline

    def _one_by_one(self) -> Committed:
        """A batch that failed as a whole, each command retried alone."""
        each = [
            commit(self.ledger, [c], self.policy, self.stats, self.unknown,
                   answer_by=self.answer_by, clock=self.clock)
            for c in self.commands
        ]  # fmt: skip
        return Committed([c.answers[0] for c in each], any(c.wrote for c in each))
