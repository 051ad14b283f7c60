"""What the outside asks the ledger to do, already validated: exact amounts, accepted currencies."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar


class Action(StrEnum):
    """The OPERATOR's actions, as named on the wire."""

    BET = "bet"
    RESULT = "result"
    ROLLBACK = "rollback"
    GET_BALANCE = "getBalance"  # asked by the sportsbook iframe; records nothing


class Kind(StrEnum):
    """What a responsible-gambling limit counts."""

    STAKE = "stake"
    LOSS = "loss"
    DEPOSIT = "deposit"


class Period(StrEnum):
    """How far back a limit's rolling window reaches."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class OperatorCommand:
    """A callback from the OPERATOR: its transaction id is the dedup key."""

    transaction_id: str
    user_id: str
    currency: str
    amount: Decimal
    action: ClassVar[Action]


@dataclass(frozen=True, slots=True)
class PlaceBet(OperatorCommand):
    """Debit a stake, unless a rule declines it.

    delivery names this one delivery of the bet (the writer stamps it at arrival): a bet
    answered with an error is undone by the ledger only if this delivery is what landed it.
    """

    delivery: str | None = None
    action: ClassVar[Action] = Action.BET


@dataclass(frozen=True, slots=True)
class CreditResult(OperatorCommand):
    """Credit a payout (zero for a lost bet); never declined."""

    action: ClassVar[Action] = Action.RESULT


@dataclass(frozen=True, slots=True)
class RollBack(OperatorCommand):
    """Reverse the transaction named by rollback_transaction_id; never declined."""

    rollback_transaction_id: str
    action: ClassVar[Action] = Action.ROLLBACK


@dataclass(frozen=True, slots=True)
class BalanceQuery:
    """The OPERATOR asks a player's balance in one currency: a read, never recorded."""

    user_id: str
    currency: str
    action: ClassVar[Action] = Action.GET_BALANCE


@dataclass(frozen=True, slots=True)
class CashierCommand:
    """A top-up or pay-out from the casino's cashier: its reference is the dedup key."""

    reference: str
    user_id: str
    currency: str
    amount: Decimal
    actor: str | None = None  # the back-office user who made it; None for the cashier API
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Deposit(CashierCommand):
    """Credit the player."""


@dataclass(frozen=True, slots=True)
class Withdraw(CashierCommand):
    """Debit the player, unless the balance is short."""


@dataclass(frozen=True, slots=True)
class Block:
    """Stop the player's bets."""

    user_id: str
    actor: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Unblock:
    """Allow the player's bets again."""

    user_id: str
    actor: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class SettleInDoubt:
    """Make true a bet's error answer: the OPERATOR takes it as final, so the bet must cost
    the player nothing. Undone if that delivery landed it, its id closed if nothing did."""

    transaction_id: str
    user_id: str
    currency: str
    amount: Decimal
    delivery: str | None = None


@dataclass(frozen=True, slots=True)
class SetLimit:
    """Set, change or remove (amount None) one limit; actor is the admin's name or "api"."""

    user_id: str
    currency: str
    kind: Kind
    period: Period
    amount: Decimal | None
    actor: str
    reason: str


@dataclass(frozen=True, slots=True)
class SelfExclude:
    """Decline the player's bets and deposits through the whole of `until` (None: for ever)."""

    user_id: str
    until: date | None
    actor: str
    reason: str


Command = (
    PlaceBet | CreditResult | RollBack | Deposit | Withdraw | Block | Unblock | SettleInDoubt
    | SetLimit | SelfExclude
)  # fmt: skip
