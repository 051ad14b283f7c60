"""Exactly once under real concurrency: threads and separate pools against real PostgreSQL."""

import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TypeVar

import pytest

from adapters.store import StoreSettings
from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command, Deposit, PlaceBet, RollBack
from domain.ids import player_id
from domain.player import Player
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from ledger.retry import RetryPolicy, WriteStats, commit
from tests.support.pg import fresh_database

T = TypeVar("T")
D = Decimal
POOLS = 5  # five ledgers with their own pools stand in for five processes


@pytest.fixture
def ledgers() -> Iterator[list[Ledger]]:
    with fresh_database() as url:
        opened = [open_ledger(StoreSettings(url, pool_size=10)) for _ in range(POOLS)]
        yield opened
        for ledger in opened:
            ledger.close()


def all_at_once(tasks: list[Callable[[], T]]) -> list[T]:
    """Run every task on its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(tasks))
    results: list[T | None] = [None] * len(tasks)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = tasks[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def deliver(ledger: Ledger, cmd: Command) -> Callable[[], Answer]:
    return lambda: commit(ledger, [cmd], RetryPolicy(), WriteStats()).answers[0]


def balances_after(ledger: Ledger, user: str) -> list[Decimal]:
    events = ledger.events.get(player_id(user))
    return [e.balance_after for e in events if isinstance(e, Player.MoneyMoved)]


def test_fifty_concurrent_deliveries_of_one_bet_debit_once(ledgers: list[Ledger]) -> None:
    commit(ledgers[0], [Deposit("fund", "u1", "USD", D("10.00"))], RetryPolicy(), WriteStats())
    bet = PlaceBet("b1", "u1", "USD", D("3.00"))
    answers = all_at_once([deliver(ledgers[i % POOLS], bet) for i in range(50)])
    assert len(set(answers)) == 1
    assert answers[0].error is None
    assert balances_after(ledgers[0], "u1") == [D("10.00"), D("7.00")]


def test_twenty_concurrent_bets_on_ten_units_apply_exactly_ten(ledgers: list[Ledger]) -> None:
    commit(ledgers[0], [Deposit("fund", "u1", "USD", D("10.00"))], RetryPolicy(), WriteStats())
    bets = [PlaceBet(f"b{i}", "u1", "USD", D("1.00")) for i in range(20)]
    answers = all_at_once([deliver(ledgers[i % POOLS], bets[i]) for i in range(20)])
    assert sum(a.error is None for a in answers) == 10
    assert {a.error for a in answers if a.error} == {Code.INSUFFICIENT_FUNDS}
    history = balances_after(ledgers[0], "u1")
    assert history[-1] == D("0.00")
    assert min(history) >= 0


@pytest.mark.parametrize("rollback_first", [False, True])
def test_a_bet_and_its_rollback_racing_end_consistent(
    ledgers: list[Ledger], rollback_first: bool
) -> None:
    commit(ledgers[0], [Deposit("fund", "u1", "USD", D("100.00"))], RetryPolicy(), WriteStats())
    for i in range(15):
        bet = PlaceBet(f"b{i}", "u1", "USD", D("1.00"))
        rollback = RollBack(f"rb{i}", "u1", "USD", D("1.00"), f"b{i}")
        pair = [rollback, bet] if rollback_first else [bet, rollback]
        bet_answer, rollback_answer = sorted(
            zip(
                pair, all_at_once([deliver(ledgers[j], c) for j, c in enumerate(pair)]), strict=True
            ),
            key=lambda item: isinstance(item[0], RollBack),
        )
        assert rollback_answer[1].error is None
        assert bet_answer[1].error in (None, Code.TRANSACTION_ROLLED_BACK)
        assert balances_after(ledgers[0], "u1")[-1] == D("100.00")


def test_conflicting_appends_leave_no_gap_in_the_positions() -> None:
    """A conflict is refused before positions are drawn: an auditor finds 1..N, no holes."""
    with fresh_database() as url:
        opened = [open_ledger(StoreSettings(url, pool_size=4)) for _ in range(2)]
        try:
            stats = WriteStats()
            opened[0].execute([Deposit("gap-d", "gap-p", "USD", Decimal("100"))])
            for n in range(20):  # the second ledger takes each id for new: its save conflicts
                for ledger in opened:
                    bet = PlaceBet(f"gap-{n}", "gap-p", "USD", Decimal("1"))
                    assert commit(ledger, [bet], RetryPolicy(), stats).answers[0].error is None
            assert stats.conflicts >= 20
            datastore = opened[0].recorder.datastore  # type: ignore[attr-defined]
            with datastore.transaction(commit=False) as cursor:
                cursor.execute(
                    "SELECT COUNT(*) AS n, MAX(notification_id) AS top FROM ledger_events"
                )
                row = cursor.fetchone()
            assert row["n"] == row["top"]
        finally:
            for ledger in opened:
                ledger.close()
