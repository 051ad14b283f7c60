"""Reconciliation with the OPERATOR: what each side says of one transaction id, and the class
the pair falls in. Pure: the rows come from an export and from the ledger's index."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

ACCEPTED = "accepted"  # the OPERATOR's status for an answer with error null
UNANSWERED = "unanswered"  # the OPERATOR got no answer at all


class Agreement(StrEnum):
    """Every OPERATOR id falls in exactly one of these (CONTRACT, "OPERATOR reconciliation")."""

    MATCHED = "matched"
    MISSING_IN_LEDGER = "missing_in_ledger"
    UNKNOWN_TO_OPERATOR = "unknown_to_operator"
    DECLINED_BUT_ACCEPTED = "declined_but_accepted"
    APPLIED_BUT_NOT_ACCEPTED = "applied_but_not_accepted"
    REVERSED_BUT_ACCEPTED = "reversed_but_accepted"
    AMOUNT_MISMATCH = "amount_mismatch"
    PLAYER_MISMATCH = "player_mismatch"
    CURRENCY_MISMATCH = "currency_mismatch"


@dataclass(frozen=True, slots=True)
class OperatorRow:
    """One line of the OPERATOR's export."""

    transaction_id: str
    action: str
    user_id: str
    currency: str
    amount: Decimal
    rollback_transaction_id: str | None
    status: str  # accepted, an error code, or unanswered
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """What the ledger's index holds under one OPERATOR id."""

    transaction_id: str
    action: str | None  # None: only named by a rollback, never arrived
    user_id: str | None
    currency: str | None
    amount: Decimal | None
    status: str  # applied, declined, recorded (or reversed by the ledger itself)
    error: str | None
    rolled_back_by: str | None
    rollback_of: str | None = None  # the id a rollback reversed (None for bets and results)

    @property
    def arrived(self) -> bool:
        """The OPERATOR's delivery reached the ledger (not just a rollback naming it)."""
        return self.action is not None

    @property
    def money_moved(self) -> bool:
        """It moved money that is still moved: applied and not reversed since."""
        return self.arrived and self.status == "applied" and self.rolled_back_by is None


def classify(
    row: OperatorRow | None, entry: LedgerEntry | None, rolled_back: bool = False
) -> Agreement:
    """The agreement of the two sides on one id; declined on both sides is matched.

    rolled_back: the export holds an accepted rollback of this id (the OPERATOR undid it).
    """
    if row is None:
        moved = entry is not None and entry.money_moved
        return Agreement.UNKNOWN_TO_OPERATOR if moved else Agreement.MATCHED
    accepted = row.status == ACCEPTED
    if entry is None or not entry.arrived:
        return Agreement.MISSING_IN_LEDGER if accepted else Agreement.MATCHED
    if not accepted:
        return Agreement.APPLIED_BUT_NOT_ACCEPTED if entry.money_moved else Agreement.MATCHED
    if entry.error is not None:
        return Agreement.DECLINED_BUT_ACCEPTED
    differs = _fields(row, entry)
    if differs is Agreement.MATCHED and stands(row, rolled_back) and not entry.money_moved:
        return Agreement.REVERSED_BUT_ACCEPTED  # the OPERATOR's bet stands, the ledger undid it
    return differs


def needs_rollbacks(row: OperatorRow, entry: LedgerEntry | None) -> bool:
    """True when the class depends on whether the export rolls this id back: the ledger
    took it without moving money that stays moved (reversed it, or recorded it unapplied)."""
    return (
        row.status == ACCEPTED
        and row.action in _MOVES
        and entry is not None
        and entry.arrived
        and entry.error is None
        and not entry.money_moved
    )


def stands(row: OperatorRow, rolled_back: bool) -> bool:
    """The OPERATOR holds money moved by this id: a bet or result accepted, never undone."""
    return row.status == ACCEPTED and row.action in _MOVES and not rolled_back


_MOVES = ("bet", "result")  # the actions that move money of their own


def _fields(row: OperatorRow, entry: LedgerEntry) -> Agreement:
    if entry.user_id != row.user_id:
        return Agreement.PLAYER_MISMATCH
    if entry.currency != row.currency:
        return Agreement.CURRENCY_MISMATCH
    if entry.amount != row.amount or entry.action != row.action:
        return Agreement.AMOUNT_MISMATCH  # a bet taken as a result moved the other way
    if row.action == "rollback" and entry.rollback_of != row.rollback_transaction_id:
        return Agreement.AMOUNT_MISMATCH  # the money it gave back was another id's
    return Agreement.MATCHED
