"""Limits held to the cent under real concurrency: one player's bets, rollbacks and results
from threads on two ledgers (two servers, each with its own pool and hot copy of the player)
against real PostgreSQL; and the model-based histories through both ledgers in turn."""

import itertools
import random
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from adapters.store import StoreSettings
from domain import limits
from domain.codes import Code
from domain.commands import (
    Command,
    CreditResult,
    Deposit,
    Kind,
    Period,
    PlaceBet,
    RollBack,
    SetLimit,
)
from domain.ids import player_id
from domain.player import Player
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from ledger.retry import RetryPolicy, WriteStats, commit
from tests.support.limits_machine import Clock, LimitsMachine
from tests.support.pg import fresh_database

pytestmark = pytest.mark.postgres
D = Decimal
SERVERS = 2
LIMIT = D("50.00")


@pytest.fixture
def servers() -> Iterator[list[Ledger]]:
    with fresh_database() as url:
        opened = [open_ledger(StoreSettings(url, pool_size=6)) for _ in range(SERVERS)]
        yield opened
        for ledger in opened:
            ledger.close()


def send(ledger: Ledger, cmd: Command) -> Code | None:
    return commit(ledger, [cmd], RetryPolicy(), WriteStats()).answers[0].error


def from_threads(servers: list[Ledger], commands: list[Command]) -> dict[Command, Code | None]:
    """Every command on its own thread, each thread on one of the servers, released at once."""
    barrier = threading.Barrier(len(commands))
    answers: dict[Command, Code | None] = {}

    def deliver(n: int, cmd: Command) -> None:
        barrier.wait()
        answers[cmd] = send(servers[n % len(servers)], cmd)

    threads = [threading.Thread(target=deliver, args=item) for item in enumerate(commands)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == len(commands)
    return answers


def stake_after_each_event(ledger: Ledger, user: str) -> list[Decimal]:
    """The stake still counted after each of the player's events, in commit order."""
    staked, counted = D(0), []
    for event in ledger.events.get(player_id(user)):
        if isinstance(event, Player.BetDebited):
            staked += event.amount
        elif isinstance(event, Player.RollbackApplied) and event.reversed_action == "bet":
            staked -= event.amount
        counted.append(staked)
    return counted


def limited_player(servers: list[Ledger], kind: Kind) -> None:
    send(servers[0], Deposit("fund", "p1", "USD", D("1000.00")))
    send(servers[1], SetLimit("p1", "USD", kind, Period.DAY, LIMIT, "api", "the player's own"))


def test_concurrent_bets_never_take_the_stake_over_its_limit(servers: list[Ledger]) -> None:
    limited_player(servers, Kind.STAKE)
    rng = random.Random(21)
    bets = [PlaceBet(f"b{n}", "p1", "USD", D(rng.randint(100, 999)) / 100) for n in range(40)]
    answers = from_threads(servers, list(bets))
    player = servers[0].player("p1")
    assert player is not None
    used = limits.usage(player, Kind.STAKE, "USD", servers[0].clock())[Period.DAY]
    applied = [b for b in bets if answers[b] is None]
    assert used == sum(b.amount for b in applied) <= LIMIT
    assert {answers[b] for b in bets} == {None, Code.LIMIT_EXCEEDED}
    # Usage only grew: a bet declined for a limit would still not fit at the end.
    assert all(used + b.amount > LIMIT for b in bets if answers[b] is not None)
    assert max(stake_after_each_event(servers[1], "p1")) <= LIMIT


def test_rollbacks_racing_bets_never_let_the_stake_pass_its_limit(servers: list[Ledger]) -> None:
    limited_player(servers, Kind.STAKE)
    first = [PlaceBet(f"a{n}", "p1", "USD", D("10.00")) for n in range(5)]  # the limit, reached
    assert [send(servers[n % 2], b) for n, b in enumerate(first)] == [None] * 5
    rollbacks = [RollBack(f"r{n}", "p1", "USD", D("10.00"), f"a{n}") for n in range(5)]
    bets = [PlaceBet(f"b{n}", "p1", "USD", D("7.50")) for n in range(20)]
    answers = from_threads(servers, [*rollbacks, *bets])
    assert all(answers[r] is None for r in rollbacks)
    applied = sum(answers[b] is None for b in bets)  # as many as found room when decided
    assert applied <= 6  # 50.00 holds six bets of 7.50, never seven
    more = [send(servers[n % 2], PlaceBet(f"c{n}", "p1", "USD", D("7.50"))) for n in range(8)]
    assert applied + more.count(None) == 6  # what is left is filled, to the cent
    assert max(stake_after_each_event(servers[0], "p1")) <= LIMIT


def test_a_loss_limit_holds_while_results_and_bets_race(servers: list[Ledger]) -> None:
    limited_player(servers, Kind.LOSS)
    bets = [PlaceBet(f"b{n}", "p1", "USD", D("5.00")) for n in range(24)]
    wins = [CreditResult(f"w{n}", "p1", "USD", D("2.50")) for n in range(4)]
    answers = from_threads(servers, [*bets, *wins])
    player = servers[1].player("p1")
    assert player is not None
    loss = limits.usage(player, Kind.LOSS, "USD", servers[1].clock())[Period.DAY]
    applied = [b for b in bets if answers[b] is None]
    assert loss == D(5) * len(applied) - D(10) <= LIMIT
    assert len(applied) in (10, 11, 12)  # 10 before any win, 12 after all of them


CI = settings(
    derandomize=True,
    deadline=None,
    max_examples=30,
    stateful_step_count=40,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_random_histories_with_limits_on_two_servers_follow_the_model() -> None:
    clock, examples = Clock(), itertools.count()  # both servers read it; each example moves it
    with fresh_database() as url:
        ledgers = [open_ledger(StoreSettings(url, pool_size=2), clock=clock) for _ in range(2)]

        class TwoServersLimitsMachine(LimitsMachine):
            def __init__(self) -> None:
                self.clock = clock
                super().__init__()
                self.ledgers, self.prefix = ledgers, f"x{next(examples)}-"

        try:
            run_state_machine_as_test(TwoServersLimitsMachine, settings=CI)
        finally:
            for ledger in ledgers:
                ledger.close()
