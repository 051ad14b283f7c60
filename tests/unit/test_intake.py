"""Validated commands from typed fields, with codes in the contract's order."""

from decimal import Decimal

import pytest

from domain.commands import Action, CreditResult, Deposit, PlaceBet, RollBack
from domain.errors import InvalidAmountError, UnsupportedCurrencyError
from domain.validation import cashier_command, operator_command

CURRENCIES = {"USD", "EUR"}


def command(action: Action, amount: str, currency: str = "USD") -> object:
    return operator_command(
        action,
        transaction_id="t1",
        user_id="u1",
        currency=currency,
        amount=amount,
        currencies=CURRENCIES,
        rollback_transaction_id="t0" if action is Action.ROLLBACK else None,
    )


def test_each_action_makes_its_command() -> None:
    assert command(Action.BET, "1.5") == PlaceBet("t1", "u1", "USD", Decimal("1.50"))
    assert isinstance(command(Action.RESULT, "0"), CreditResult)
    assert command(Action.ROLLBACK, "2") == RollBack("t1", "u1", "USD", Decimal("2.00"), "t0")


def test_a_zero_bet_is_an_invalid_amount_but_a_zero_result_is_not() -> None:
    with pytest.raises(InvalidAmountError):
        command(Action.BET, "0.00")
    assert command(Action.RESULT, "0.00") == CreditResult("t1", "u1", "USD", Decimal("0.00"))


def test_invalid_amount_wins_over_unsupported_currency() -> None:
    with pytest.raises(InvalidAmountError):
        command(Action.BET, "1.001", currency="GBP")
    with pytest.raises(UnsupportedCurrencyError):
        command(Action.BET, "1.00", currency="GBP")


def test_results_and_rollbacks_are_validated_like_bets() -> None:
    for action in (Action.RESULT, Action.ROLLBACK):
        with pytest.raises(InvalidAmountError):
            command(action, "-1")
        with pytest.raises(UnsupportedCurrencyError):
            command(action, "1", currency="usd")


def test_cashier_movements_must_move_something() -> None:
    kwargs = {"reference": "r", "user_id": "u", "currency": "USD", "currencies": CURRENCIES}
    assert cashier_command(Deposit, amount="5", **kwargs) == Deposit(
        "r", "u", "USD", Decimal("5.00")
    )
    with pytest.raises(InvalidAmountError):
        cashier_command(Deposit, amount="0", **kwargs)
