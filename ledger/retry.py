"""One batch through the store: decided, saved, retried on conflicts and store errors
until a deadline, each retry reading afresh, so a commit whose outcome was lost is
answered as what it was; what stays unknown at the deadline is reported as such."""

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from adapters.failures import CommitUnconfirmedError, ConflictError, StoreUnavailableError
from adapters.logsetup import log
from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command, PlaceBet
from ledger.application import Ledger

INTERNAL = Answer.declined(Code.INTERNAL_ERROR)


@dataclass(frozen=True)
class RetryPolicy:
    """How long a write may keep trying, and when its answer goes out whatever happens.

    deadline_s: no store attempt starts after it (counted from the batch's start).
    answer_s: from submit() to the answer, queueing included; the contract's bound is 10 s
    at the OPERATOR's end, so this leaves room for the HTTP round trip.
    """

    deadline_s: float = 6.0
    answer_s: float = 8.0
    backoff_s: float = 0.1
    max_conflicts: int = 20

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
    abandoned: int = 0  # batches answered at the deadline while their thread was blocked
    unknown: int = 0  # commands answered INTERNAL_ERROR whose commit may have landed


def commit(
    ledger: Ledger,
    commands: Sequence[Command],
    policy: RetryPolicy,
    stats: WriteStats,
    unknown: list[Command] | None = None,
    *,
    before_save: Callable[[list[PlaceBet]], None] = lambda _: None,
) -> list[Answer]:
    """Decide and save the batch; each answer is its committed outcome or INTERNAL_ERROR.

    The first attempt trusts what the ledger holds in memory; a conflict or an unknown
    outcome makes every later attempt read the store. Commands still unknown when the
    deadline passes (the store never answered again) are appended to `unknown`.
    """
    deadline = time.monotonic() + policy.deadline_s
    conflicts = 0
    from_store = False
    while True:
        try:
            answers = ledger.execute(commands, from_store=from_store, before_save=before_save)
        except ConflictError:
            stats.conflicts += 1
            if from_store and len(commands) > 1:
                return _one_by_one(
                    ledger, commands, policy, stats, unknown=unknown, before_save=before_save
                )
            conflicts += from_store
            if conflicts >= policy.max_conflicts or time.monotonic() >= deadline:
                return [INTERNAL]  # never saved: nothing in doubt
            if from_store:  # another writer keeps winning: let it finish first
                time.sleep(random.uniform(0, policy.backoff_s / 10))
            from_store = True
        except StoreUnavailableError as error:
            stats.store_errors += 1
            from_store = True
            last_try = time.monotonic() + policy.backoff_s >= deadline
            # Reading again would show an unconfirmed commit as not there: it is not, yet.
            if last_try or isinstance(error, CommitUnconfirmedError):
                if unknown is not None:
                    unknown.extend(commands)
                return [INTERNAL] * len(commands)
            time.sleep(policy.backoff_s)
        except Exception:  # a bug in deciding one command: the others are retried alone
            if len(commands) == 1:
                raise
            return _one_by_one(
                ledger, commands, policy, stats, unknown=unknown, before_save=before_save
            )
        else:
            stats.batches += 1
            stats.commands += len(commands)
            return answers


def _one_by_one(
    ledger: Ledger,
    commands: Sequence[Command],
    policy: RetryPolicy,
    stats: WriteStats,
    *,
    unknown: list[Command] | None,
    before_save: Callable[[list[PlaceBet]], None],
) -> list[Answer]:
    """A batch that failed as a whole, each command retried alone."""
    return [
        a
        for c in commands
        for a in _alone(ledger, c, policy, stats, unknown=unknown, before_save=before_save)
    ]


def _alone(
    ledger: Ledger,
    command: Command,
    policy: RetryPolicy,
    stats: WriteStats,
    *,
    unknown: list[Command] | None,
    before_save: Callable[[list[PlaceBet]], None],
) -> list[Answer]:
    """One command of a batch that raised: its own answer, INTERNAL_ERROR if it raises."""
    try:
        return commit(ledger, [command], policy, stats, unknown, before_save=before_save)
    except Exception:
        log.exception("command_failed", command=type(command).__name__)
        return [INTERNAL]
