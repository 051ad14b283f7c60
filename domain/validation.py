"""From fields already typed by a transport to validated commands, in the contract's order."""

from collections.abc import Collection

from domain.commands import (
    Action,
    BalanceQuery,
    CashierCommand,
    CreditResult,
    Deposit,
    OperatorCommand,
    PlaceBet,
    RollBack,
    Withdraw,
)
from domain.errors import InvalidAmountError, InvalidRequestError
from domain.money import ZERO, check_currency, parse_amount


def operator_command(
    action: Action,
    *,
    transaction_id: str,
    user_id: str,
    currency: str,
    amount: str,
    currencies: Collection[str],
    rollback_transaction_id: str | None = None,
) -> OperatorCommand:
    """Amount first (INVALID_AMOUNT), then currency (UNSUPPORTED_CURRENCY)."""
    value = parse_amount(amount, currency)
    if action is Action.BET and value == ZERO:
        raise InvalidAmountError("a bet must stake more than zero")
    check_currency(currency, currencies)
    if action is Action.ROLLBACK:
        if rollback_transaction_id is None:
            raise InvalidRequestError("a rollback needs rollback_transaction_id")
        return RollBack(transaction_id, user_id, currency, value, rollback_transaction_id)
    kind = PlaceBet if action is Action.BET else CreditResult
    return kind(transaction_id, user_id, currency, value)


def balance_query(*, user_id: str, currency: str, currencies: Collection[str]) -> BalanceQuery:
    """getBalance in an accepted currency (UNSUPPORTED_CURRENCY otherwise)."""
    return BalanceQuery(user_id, check_currency(currency, currencies))


def cashier_command(
    kind: type[Deposit] | type[Withdraw],
    *,
    reference: str,
    user_id: str,
    currency: str,
    amount: str,
    currencies: Collection[str],
    actor: str | None = None,
    reason: str | None = None,
) -> CashierCommand:
    """A cashier movement of more than zero in an accepted currency."""
    value = parse_amount(amount, currency)
    if value == ZERO:
        raise InvalidAmountError("a cashier movement must be more than zero")
    check_currency(currency, currencies)
    return kind(reference, user_id, currency, value, actor, reason)
