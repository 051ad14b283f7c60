"""The Player aggregate: balances per currency, whether bets are blocked, and the player's
responsible-gambling state (limits, self-exclusion, and the windows' hour buckets)."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate

from domain import windows
from domain.commands import Action, Kind
from domain.guarded import Guarded
from domain.ids import player_id
from domain.money import ZERO


class Player(Guarded):
    """One stream per casino user; its events are the money movements, its state stays small
    (bounded whatever the length of its history: the limits' windows keep hour buckets)."""

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
            self.count(aggregate)

        def count(self, aggregate: Any) -> None:
            """What this movement does to the limits' windows (most movements: nothing)."""

    class BetDebited(MoneyMoved):
        operator_transaction_id: str

        @property
        def delta(self) -> Decimal:
            return -self.amount

        def count(self, aggregate: Any) -> None:
            for kind in (Kind.STAKE, Kind.LOSS):
                windows.add(aggregate.usage, kind, self.currency, self.timestamp, self.amount)

    class ResultCredited(MoneyMoved):
        operator_transaction_id: str

        def count(self, aggregate: Any) -> None:
            if self.amount:
                windows.add(aggregate.usage, Kind.LOSS, self.currency, self.timestamp, -self.amount)

    class RollbackApplied(MoneyMoved):
        operator_transaction_id: str
        rollback_of: str
        reversed_action: str
        # When the reversed original moved (None on events stored before limits existed).
        reversed_at: datetime | None = None

        @property
        def delta(self) -> Decimal:
            return self.amount if self.reversed_action == Action.BET else -self.amount

        def count(self, aggregate: Any) -> None:
            """The original stops counting, in the hour it was counted in."""
            bet = self.reversed_action == Action.BET
            if self.reversed_at is None:  # unknown hour: a bet keeps counting, a result's
                if not bet:  # payout is taken back now (both on the strict side)
                    windows.add(
                        aggregate.usage, Kind.LOSS, self.currency, self.timestamp, self.amount
                    )
                return
            if self.reversed_at < aggregate.counted_from:  # it was never counted
                return
            moved = self.amount if bet else -self.amount  # a payout taken back counts again
            if bet:
                windows.release(aggregate.usage, Kind.STAKE, self.currency, self.reversed_at, moved)
            windows.release(aggregate.usage, Kind.LOSS, self.currency, self.reversed_at, moved)

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

        def count(self, aggregate: Any) -> None:
            windows.add(aggregate.usage, Kind.DEPOSIT, self.currency, self.timestamp, self.amount)

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
        self.guard_from(self.created_on)

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
        """Record that bets are allowed again (a self-exclusion is not a block: it stays)."""
        self.trigger_event(self.Unblocked, timestamp=at, **why)
