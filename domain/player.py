"""The Player aggregate: balances per currency and whether bets are blocked."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate

from domain.commands import Action
from domain.ids import player_id
from domain.money import ZERO


class Player(Aggregate):
    """One stream per casino user; its events are the money movements, its state stays small."""

    class Opened(Aggregate.Created):
        user_id: str

    class MoneyMoved(Aggregate.Event):
        currency: str
        amount: Decimal
        balance_after: Decimal

        @property
        def delta(self) -> Decimal:
            """The signed change this movement made to the balance."""
            return self.amount

        def apply(self, aggregate: Any) -> None:
            aggregate.balances[self.currency] = self.balance_after

    class BetDebited(MoneyMoved):
        operator_transaction_id: str

        @property
        def delta(self) -> Decimal:
            return -self.amount

    class ResultCredited(MoneyMoved):
        operator_transaction_id: str

    class RollbackApplied(MoneyMoved):
        operator_transaction_id: str
        rollback_of: str
        reversed_action: str

        @property
        def delta(self) -> Decimal:
            return self.amount if self.reversed_action == Action.BET else -self.amount

    class BetReversed(MoneyMoved):
        """The ledger gave back a stake it took for a bet it answered INTERNAL_ERROR."""

        operator_transaction_id: str
        reason: str

    # Who moved money by hand and why. Class-level defaults: events stored before these
    # fields existed decode with None, and so do the cashier API's.
    class Deposited(MoneyMoved):
        reference: str
        actor: str | None = None
        reason: str | None = None

    class Withdrawn(MoneyMoved):
        reference: str
        actor: str | None = None
        reason: str | None = None

        @property
        def delta(self) -> Decimal:
            return -self.amount

    class Blocked(Aggregate.Event):
        actor: str | None = None
        reason: str | None = None

        def apply(self, aggregate: Any) -> None:
            aggregate.blocked = True

    class Unblocked(Aggregate.Event):
        actor: str | None = None
        reason: str | None = None

        def apply(self, aggregate: Any) -> None:
            aggregate.blocked = False

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.balances: dict[str, Decimal] = {}
        self.blocked = False

    @classmethod
    def open(cls, user_id: str, at: datetime) -> "Player":
        """A new wallet: no balances, bets allowed."""
        return cls._create(cls.Opened, id=player_id(user_id), user_id=user_id, timestamp=at)

    def balance(self, currency: str) -> Decimal:
        """The balance in one currency; a currency never used reads as zero."""
        return self.balances.get(currency, ZERO)

    def move(
        self,
        event_class: type[MoneyMoved],
        currency: str,
        delta: Decimal,
        at: datetime,
        **fields: Any,
    ) -> None:
        """Record a decided movement; the amount on the event is always positive."""
        self.trigger_event(
            event_class,
            timestamp=at,
            currency=currency,
            amount=abs(delta),
            balance_after=self.balance(currency) + delta,
            **fields,
        )

    def block(self, at: datetime, **why: str | None) -> None:
        """Record that bets are now declined (why: actor and reason, when a person did it)."""
        self.trigger_event(self.Blocked, timestamp=at, **why)

    def unblock(self, at: datetime, **why: str | None) -> None:
        """Record that bets are allowed again."""
        self.trigger_event(self.Unblocked, timestamp=at, **why)
