"""The business rules, as plain functions of state and command: no store, no clock."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.codes import Code
from domain.commands import Action, RollBack
from domain.transaction import OperatorTransaction, Status


def bet_decline(
    *,
    rolled_back: bool,
    blocked: bool,
    balance: Decimal,
    stake: Decimal,
    over_limit: bool = False,
) -> Code | None:
    """Why a well-formed bet is declined, first match wins; None when it is applied."""
    if rolled_back:
        return Code.TRANSACTION_ROLLED_BACK
    if blocked:
        return Code.PLAYER_BLOCKED
    if over_limit:
        return Code.LIMIT_EXCEEDED
    if stake > balance:
        return Code.INSUFFICIENT_FUNDS
    return None


def withdrawal_decline(*, balance: Decimal, amount: Decimal) -> Code | None:
    """A cashier pay-out never takes a balance below zero."""
    return Code.INSUFFICIENT_FUNDS if amount > balance else None


@dataclass(frozen=True, slots=True)
class Reversal:
    """The money a rollback moves: the original's player, currency and amount, undone."""

    user_id: str
    currency: str
    amount: Decimal
    action: str
    moved_at: datetime | None = None  # when the original moved its money

    @property
    def delta(self) -> Decimal:
        """A bet's stake comes back; a result's payout is taken again."""
        return self.amount if self.action == Action.BET else -self.amount


def reversal_of(target: OperatorTransaction | None) -> Reversal | None:
    """Only an applied bet or result, not yet rolled back, is reversed."""
    if target is None or target.rolled_back_by is not None:
        return None
    arrival = target.arrival
    if arrival is None or arrival.status != Status.APPLIED:
        return None
    if arrival.action == Action.ROLLBACK:
        return None
    return Reversal(
        arrival.user_id, arrival.currency, arrival.amount, arrival.action, target.created_on
    )


def mismatch(cmd: RollBack, reversal: Reversal) -> tuple[str, ...]:
    """Fields where the rollback disagrees with the original it reverses."""
    pairs = {
        "user_id": (cmd.user_id, reversal.user_id),
        "currency": (cmd.currency, reversal.currency),
        "amount": (cmd.amount, reversal.amount),
    }
    return tuple(name for name, (own, original) in pairs.items() if own != original)
