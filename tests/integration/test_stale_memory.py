"""Two ledgers (two processes, in effect) on one store: what one holds in memory goes stale
when the other writes, and no decision may rest on the stale copy."""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from adapters.store import StoreSettings
from domain.codes import Code
from domain.commands import Block, Deposit, PlaceBet, Withdraw
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from ledger.retry import RetryPolicy, WriteStats, commit
from tests.support.pg import fresh_database

D = Decimal


@pytest.fixture(params=["sqlite", "postgres"])
def pair(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[tuple[Ledger, Ledger]]:
    def open_two(url: str) -> Iterator[tuple[Ledger, Ledger]]:
        a, b = open_ledger(StoreSettings(url)), open_ledger(StoreSettings(url))
        yield a, b
        a.close()
        b.close()

    if request.param == "sqlite":
        yield from open_two(f"sqlite:///{tmp_path}/two.sqlite3")
    else:
        with fresh_database() as url:
            yield from open_two(url)


def write(ledger: Ledger, *commands: object) -> list[object]:
    return [commit(ledger, [c], RetryPolicy(), WriteStats()).answers[0] for c in commands]  # type: ignore[list-item]


def test_a_bet_declined_on_a_stale_balance_is_decided_again(pair: tuple[Ledger, Ledger]) -> None:
    a, b = pair
    write(a, Deposit("r1", "u1", "USD", D("1.00")), PlaceBet("b1", "u1", "USD", D("1.00")))
    write(b, Deposit("r2", "u1", "USD", D("5.00")))
    (answer,) = write(a, PlaceBet("b2", "u1", "USD", D("3.00")))
    assert answer.error is None  # type: ignore[attr-defined]
    assert answer.balance == D("2.00")  # type: ignore[attr-defined]


def test_a_bet_accepted_on_a_stale_unblocked_player_is_declined(
    pair: tuple[Ledger, Ledger],
) -> None:
    a, b = pair
    write(a, Deposit("r1", "u1", "USD", D("5.00")))
    write(b, Block("u1"))
    (answer,) = write(a, PlaceBet("b1", "u1", "USD", D("1.00")))
    assert answer.error is Code.PLAYER_BLOCKED  # type: ignore[attr-defined]


def test_a_repeat_the_other_recorded_gets_the_first_answer(pair: tuple[Ledger, Ledger]) -> None:
    a, b = pair
    write(a, Deposit("r1", "u1", "USD", D("5.00")))
    (first,) = write(a, PlaceBet("b1", "u1", "USD", D("1.00")))
    (again,) = write(b, PlaceBet("b1", "u1", "USD", D("1.00")))
    assert again == first
    player = b.player("u1")
    assert player is not None
    assert player.balance("USD") == D("4.00")


def test_a_reference_the_other_used_is_not_withdrawn_twice(pair: tuple[Ledger, Ledger]) -> None:
    a, b = pair
    write(a, Deposit("r1", "u1", "USD", D("5.00")), Withdraw("w1", "u1", "USD", D("5.00")))
    (again,) = write(b, Withdraw("w1", "u1", "USD", D("5.00")))
    assert again.error is None  # type: ignore[attr-defined]
    assert again.balance == D("0.00")  # type: ignore[attr-defined]
