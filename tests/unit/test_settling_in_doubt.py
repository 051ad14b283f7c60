"""A bet answered INTERNAL_ERROR costs the player nothing once the ledger settles it."""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from adapters.store import StoreSettings
from domain.codes import Code
from domain.commands import Command, Deposit, PlaceBet, RollBack, SettleInDoubt
from domain.ids import operator_transaction_id
from domain.transaction import IN_DOUBT, OperatorTransaction
from ledger.application import Ledger
from ledger.bootstrap import open_ledger

BET = PlaceBet("b1", "p1", "USD", Decimal("4.00"))
SETTLE = SettleInDoubt("b1", "p1", "USD", Decimal("4.00"))


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    opened = open_ledger(StoreSettings("memory://"))
    opened.execute([Deposit("top-up", "p1", "USD", Decimal("10.00"))])
    yield opened
    opened.close()


def run(ledger: Ledger, cmd: Command) -> Code | None:
    return ledger.execute([cmd], from_store=True)[0].error


def balance(ledger: Ledger) -> Decimal:
    player = ledger.player("p1")
    assert player is not None
    return player.balance("USD")


def test_a_bet_that_landed_is_given_back_and_says_why(ledger: Ledger) -> None:
    assert run(ledger, BET) is None
    assert balance(ledger) == Decimal("6.00")
    assert run(ledger, SETTLE) is None
    assert balance(ledger) == Decimal("10.00")
    tx = ledger.load(operator_transaction_id("b1"), OperatorTransaction)
    assert isinstance(tx, OperatorTransaction)
    assert tx.rolled_back_by == IN_DOUBT


def test_later_deliveries_are_rolled_back_and_a_rollback_moves_nothing(ledger: Ledger) -> None:
    run(ledger, BET)
    run(ledger, SETTLE)
    assert run(ledger, BET) is Code.TRANSACTION_ROLLED_BACK
    assert run(ledger, RollBack("r1", "p1", "USD", Decimal("4.00"), "b1")) is None
    assert balance(ledger) == Decimal("10.00")


def test_a_bet_that_never_landed_can_never_land_later(ledger: Ledger) -> None:
    assert run(ledger, SETTLE) is None  # nothing to give back: the id is closed instead
    assert run(ledger, BET) is Code.TRANSACTION_ROLLED_BACK  # the held commit, arriving late
    assert balance(ledger) == Decimal("10.00")


@pytest.mark.parametrize("repeats", [2, 3])
def test_settling_twice_gives_back_once(ledger: Ledger, repeats: int) -> None:
    run(ledger, BET)
    for _ in range(repeats):
        assert run(ledger, SETTLE) is None
    assert balance(ledger) == Decimal("10.00")


def test_a_declined_bet_has_nothing_to_give_back(ledger: Ledger) -> None:
    big = PlaceBet("b1", "p1", "USD", Decimal("50.00"))
    assert run(ledger, big) is Code.INSUFFICIENT_FUNDS
    assert run(ledger, SETTLE) is None
    assert balance(ledger) == Decimal("10.00")
    assert run(ledger, big) is Code.INSUFFICIENT_FUNDS  # a recorded decline stays as it was
