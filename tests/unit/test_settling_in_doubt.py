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

BET = PlaceBet("b1", "p1", "USD", Decimal("4.00"), delivery="d1")
SETTLE = SettleInDoubt("b1", "p1", "USD", Decimal("4.00"), delivery="d1")


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    opened = open_ledger(StoreSettings("memory://"))
    opened.execute([Deposit("top-up", "p1", "USD", Decimal("10.00"))])
    yield opened
    opened.close()


def run(ledger: Ledger, cmd: Command) -> Code | None:
    return ledger.execute([cmd], from_store=True)[0].error


def note(ledger: Ledger, cmd: Command) -> str | None:
    return ledger.execute([cmd], from_store=True)[0].note


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


def test_each_settlement_says_what_it_did(ledger: Ledger) -> None:
    assert note(ledger, SettleInDoubt("never", "p1", "USD", Decimal("1.00"), "d9")) == "closed"
    run(ledger, BET)
    assert note(ledger, SETTLE) == "reversed"
    assert note(ledger, SETTLE) == "unchanged"


def test_a_bet_another_delivery_landed_is_not_undone(ledger: Ledger) -> None:
    run(ledger, BET)  # landed by delivery d1, whose answer reached the OPERATOR
    other = SettleInDoubt("b1", "p1", "USD", Decimal("4.00"), delivery="d2")
    assert note(ledger, other) == "unchanged"  # d2's error answer decided nothing
    assert balance(ledger) == Decimal("6.00")


def test_a_bet_answered_again_can_never_be_undone(ledger: Ledger) -> None:
    run(ledger, BET)  # d1 landed it; suppose its answer was lost, an error
    again = PlaceBet("b1", "p1", "USD", Decimal("4.00"), delivery="d2")
    assert ledger.execute([again], from_store=True)[0].error is None  # the first answer
    assert note(ledger, SETTLE) == "unchanged"  # an error may not contradict that answer
    assert balance(ledger) == Decimal("6.00")
    assert run(ledger, again) is None


def test_a_settlement_without_its_delivery_undoes_nothing(ledger: Ledger) -> None:
    run(ledger, BET)
    assert note(ledger, SettleInDoubt("b1", "p1", "USD", Decimal("4.00"))) == "unchanged"
    assert balance(ledger) == Decimal("6.00")


def test_the_delivery_that_landed_a_bet_finding_it_again_can_still_undo_it(
    ledger: Ledger,
) -> None:
    run(ledger, BET)  # d1 landed it, its acknowledgement lost; d1 retries and reads it
    assert ledger.execute([BET], from_store=True)[0].error is None
    assert note(ledger, SETTLE) == "reversed"  # d1 was answered INTERNAL_ERROR in the end
    assert balance(ledger) == Decimal("10.00")
