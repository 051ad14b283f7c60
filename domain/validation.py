"""From fields already typed by a transport to validated commands, in the contract's order."""

from collections.abc import Collection
from datetime import date

from domain.commands import (
    Action,
    BalanceQuery,
    CashierCommand,
    CreditResult,
    Deposit,
    Kind,
    OperatorCommand,
    Period,
    PlaceBet,
    RollBack,
    SelfExclude,
    SetLimit,
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


MAX_REASON = 500


def reason_text(reason: str) -> str:
    """Why a person asked: required, printable, at most MAX_REASON characters."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON or not reason.isprintable():
        raise InvalidRequestError(f"a reason is required (at most {MAX_REASON} characters)")
    return reason


def limit_command(
    *,
    user_id: str,
    currency: str,
    kind: str,
    period: str,
    amount: str | None,
    currencies: Collection[str],
    actor: str,
    reason: str,
) -> SetLimit:
    """One limit to set (an amount of zero or more, in the currency's places) or remove."""
    if kind not in set(Kind):
        raise InvalidRequestError("kind must be stake, loss or deposit")
    if period not in set(Period):
        raise InvalidRequestError("period must be day, week or month")
    value = None if amount is None else parse_amount(amount, currency)
    check_currency(currency, currencies)
    return SetLimit(
        user_id, currency, Kind(kind), Period(period), value, actor, reason_text(reason)
    )


def exclusion_command(*, user_id: str, until: str | None, actor: str, reason: str) -> SelfExclude:
    """A self-exclusion through a date (YYYY-MM-DD, UTC), or for ever (None)."""
    day = None
    if until is not None:
        try:
            day = date.fromisoformat(until) if len(until) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise InvalidRequestError("until must be a date like 2027-01-31, or null")
    return SelfExclude(user_id, day, actor, reason_text(reason))
