"""After the failover: every acknowledged operation in the log exactly once, bets answered
INTERNAL_ERROR weighed, the wallets to the cent, and the read models reconciled."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from adapters.store import StoreSettings
from ledger.bootstrap import open_ledger
from projections.reconcile import reconcile
from projections.runner import BatchRunner
from tests.ha.load import GIVE_UP_S, Journal
from tests.support.moves import IN_DOUBT_SETTLED, read_moves


@dataclass
class Verdict:
    """What the log says about what the OPERATOR was told."""

    lost: list[str] = field(default_factory=list)  # acknowledged, not in the log
    doubled: list[str] = field(default_factory=list)  # in the log more than once
    internal_landed: list[str] = field(default_factory=list)  # answered INTERNAL_ERROR, moved
    unanswered_landed: list[str] = field(default_factory=list)  # no answer, stood (rolled back)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        settled = not self.internal_landed or not IN_DOUBT_SETTLED
        return not (self.lost or self.doubled or self.problems) and settled


def judge(database_url: str, journal: Journal, users: list[str]) -> Verdict:
    """The verdict, read from the formation through its multi-host URL: every acknowledged
    operation in the log exactly once and never reversed by the ledger; every bet answered
    INTERNAL_ERROR moved nothing by the end (the ledger gave it back by itself); every bet
    left unanswered nets nothing with the OPERATOR's rollback; each wallet to the cent."""
    moves, verdict = read_moves(database_url), Verdict()
    for tid in journal.acknowledged:
        if moves.times(tid) == 0:
            verdict.lost.append(tid)
    reversed_ = sorted(journal.acknowledged & moves.reversed_by_ledger)
    verdict.problems += [f"bet {t} answered error: null was reversed by the ledger"
                         for t in reversed_]  # fmt: skip
    verdict.problems += [f"{t}: retried for {GIVE_UP_S:.0f}s, never answered"
                         for t in journal.abandoned]  # fmt: skip
    # A failed bet the ledger gave back has two money events that net to nothing: it is
    # weighed below, by its net, not counted as doubled.
    failed = journal.internal_error.keys() | journal.unanswered.keys()
    verdict.doubled = [t for t, d in moves.by_id.items() if len(d) > 1 and t not in failed]
    held: dict[str, Decimal] = defaultdict(Decimal)  # stakes an error answer still holds
    for bet_id, (user, stake) in journal.internal_error.items():
        if moves.net(bet_id) != 0:
            verdict.internal_landed.append(bet_id)
            held[user] += stake
    for bet_id in journal.unanswered:
        undo = journal.undone_by[bet_id]
        if moves.net(bet_id) != 0:  # it landed: the rollback must have given it back
            verdict.unanswered_landed.append(bet_id)
        if (net := moves.net(bet_id) + moves.net(undo)) != 0:
            verdict.problems.append(f"bet {bet_id} unanswered and rolled back moved {net}")
    for user in users:
        expected = journal.moved[user] - held[user]
        if moves.wallets.get((user, "USD"), Decimal(0)) != expected:
            verdict.problems.append(f"{user}: log {moves.wallets.get((user, 'USD'))}, "
                                    f"expected {expected}")  # fmt: skip
    verdict.problems += read_models(database_url)
    return verdict


def read_models(database_url: str) -> list[str]:
    """Catch the read models up, then reconcile them with the aggregates."""
    ledger = open_ledger(StoreSettings(database_url, pool_size=2, statement_timeout_s=0))
    try:
        runner = BatchRunner.of(ledger)
        while runner.run_once():
            pass
        return [f"reconcile: {m}" for m in reconcile(ledger, runner)]
    finally:
        ledger.close()
