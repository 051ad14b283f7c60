"""The OperatorTransaction aggregate: what arrived under one OPERATOR id and what was answered."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Aggregate

from domain.answers import Answer
from domain.codes import Code
from domain.commands import Action
from domain.errors import LedgerError
from domain.ids import operator_transaction_id


class Status(StrEnum):
    """What became of a delivery."""

    APPLIED = "applied"
    DECLINED = "declined"
    RECORDED = "recorded"  # seen and answered, but it moved no money


@dataclass(frozen=True)
class Arrival:
    """A delivery as it arrived, with the outcome and the answer the ledger gave."""

    action: str
    user_id: str
    currency: str
    amount: Decimal
    status: str
    error: str | None
    balance_after: Decimal | None
    rollback_of: str | None
    reversed_user_id: str | None
    reversed_currency: str | None
    reversed_amount: Decimal | None


# What rolled_back_by says when the ledger itself undid a bet whose outcome was in doubt.
IN_DOUBT = "ledger: answered INTERNAL_ERROR while the outcome was in doubt"


class OperatorTransaction(Aggregate):
    """One small stream per OPERATOR transaction id; version 1 can be written only once."""

    class Recorded(Arrival, Aggregate.Created):
        operator_transaction_id: str
        # The delivery that landed a bet (events stored before it existed decode with None).
        delivery: str | None = None

        def apply(self, aggregate: Any) -> None:
            aggregate.arrive(self)
            aggregate.delivery = self.delivery

    class RolledBackBeforeArrival(Aggregate.Created):
        operator_transaction_id: str
        rolled_back_by: str

        def apply(self, aggregate: Any) -> None:
            aggregate.rolled_back_by = self.rolled_back_by

    class ArrivedAfterRollback(Arrival, Aggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.arrive(self)

    class RolledBack(Aggregate.Event):
        rolled_back_by: str

        def apply(self, aggregate: Any) -> None:
            aggregate.rolled_back_by = self.rolled_back_by

    class ReversedInDoubt(Aggregate.Event):
        """The ledger undid this applied bet: it had answered INTERNAL_ERROR for it."""

        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.rolled_back_by = IN_DOUBT

    class AnsweredAgain(Aggregate.Event):
        """A later delivery of this applied bet was answered as the first one was: from now
        on the ledger can never undo it, whatever an earlier delivery was answered."""

        def apply(self, aggregate: Any) -> None:
            aggregate.answered_again = True

    def __init__(self, operator_transaction_id: str) -> None:
        self.operator_transaction_id = operator_transaction_id
        self.arrival: Arrival | None = None
        self.rolled_back_by: str | None = None
        self.delivery: str | None = None  # which delivery landed it (a bet's)
        self.answered_again = False

    @classmethod
    def record(
        cls, transaction_id: str, arrival: Arrival, at: datetime, delivery: str | None = None
    ) -> "OperatorTransaction":
        """The first delivery of an id, with its outcome."""
        return cls._create(
            cls.Recorded,
            timestamp=at,
            id=operator_transaction_id(transaction_id),
            operator_transaction_id=transaction_id,
            delivery=delivery,
            **vars(arrival),
        )

    @classmethod
    def tombstone(
        cls, transaction_id: str, rolled_back_by: str, at: datetime
    ) -> "OperatorTransaction":
        """An id named by a rollback before it arrived: it will never be applied."""
        return cls._create(
            cls.RolledBackBeforeArrival,
            timestamp=at,
            id=operator_transaction_id(transaction_id),
            operator_transaction_id=transaction_id,
            rolled_back_by=rolled_back_by,
        )

    def arrive(self, event: Arrival) -> None:
        """Keep the arrival's fields (called by the two arrival events)."""
        self.arrival = Arrival(**{k: getattr(event, k) for k in _ARRIVAL_FIELDS})

    def arrive_late(self, arrival: Arrival, at: datetime) -> None:
        """The original of a tombstone finally arrived."""
        self.trigger_event(self.ArrivedAfterRollback, timestamp=at, **vars(arrival))

    def reverse_in_doubt(self, reason: str, at: datetime) -> None:
        """The ledger undoes this bet itself; every later delivery is TRANSACTION_ROLLED_BACK."""
        self.trigger_event(self.ReversedInDoubt, timestamp=at, reason=reason)

    def answer_again(self, at: datetime) -> None:
        """A later delivery gets the first answer: the ledger will never undo it now."""
        self.trigger_event(self.AnsweredAgain, timestamp=at)

    @property
    def undoable(self) -> bool:
        """An applied bet that nothing has undone, and no later delivery was answered for."""
        arrival = self.arrival
        return (
            arrival is not None
            and arrival.action == Action.BET
            and arrival.status == Status.APPLIED
            and self.rolled_back_by is None
            and not self.answered_again
        )

    def mark_rolled_back(self, rolled_back_by: str, at: datetime) -> None:
        """A rollback named this transaction (first one only)."""
        self.trigger_event(self.RolledBack, timestamp=at, rolled_back_by=rolled_back_by)

    @property
    def answer(self) -> Answer:
        """The answer of the first delivery, for every repeat."""
        arrival = self.arrival
        if arrival is None:
            raise LedgerError("a transaction rolled back before it arrived has no answer yet")
        if arrival.error is not None:
            return Answer.declined(Code(arrival.error))
        if self.rolled_back_by == IN_DOUBT:  # its first answer was INTERNAL_ERROR: not a bet
            return Answer.declined(Code.TRANSACTION_ROLLED_BACK)
        return Answer(
            transaction_id=self.id,
            currency=arrival.reversed_currency or arrival.currency,
            balance=arrival.balance_after,
        )


_ARRIVAL_FIELDS = tuple(Arrival.__dataclass_fields__)
