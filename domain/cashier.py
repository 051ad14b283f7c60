"""The CashierTransaction aggregate: one deposit or withdrawal, kept by its reference."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate

from domain.answers import Answer
from domain.commands import CashierCommand
from domain.ids import cashier_transaction_id


class CashierTransaction(Aggregate):
    """One stream per cashier reference, so a repeated top-up credits once."""

    class Recorded(Aggregate.Created):
        reference: str
        kind: str
        user_id: str
        currency: str
        amount: Decimal
        balance_after: Decimal

        def apply(self, aggregate: Any) -> None:
            aggregate.details = (self.kind, self.user_id, self.currency, self.amount)
            aggregate.balance_after = self.balance_after

    def __init__(self, reference: str) -> None:
        self.reference = reference
        self.details: tuple[str, str, str, Decimal] = ("", "", "", Decimal(0))
        self.balance_after = Decimal(0)

    @classmethod
    def record(
        cls, cmd: CashierCommand, balance_after: Decimal, at: datetime
    ) -> "CashierTransaction":
        """The first request under a reference, applied."""
        return cls._create(
            cls.Recorded,
            timestamp=at,
            id=cashier_transaction_id(cmd.reference),
            reference=cmd.reference,
            kind=kind_of(cmd),
            user_id=cmd.user_id,
            currency=cmd.currency,
            amount=cmd.amount,
            balance_after=balance_after,
        )

    def matches(self, cmd: CashierCommand) -> bool:
        """True when a repeat asks for exactly what the first request did."""
        return self.details == (kind_of(cmd), cmd.user_id, cmd.currency, cmd.amount)

    @property
    def answer(self) -> Answer:
        """The first request's answer, for every repeat."""
        return Answer(transaction_id=self.id, currency=self.details[2], balance=self.balance_after)


def kind_of(cmd: CashierCommand) -> str:
    """'deposit' or 'withdraw', from the command's class."""
    return type(cmd).__name__.lower()
