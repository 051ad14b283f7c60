"""A unit of work: loads each aggregate once, lets several commands decide on the same
state in turn, and hands back every aggregate with new events for one atomic save."""

from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.cashier import CashierTransaction
from domain.errors import LedgerError
from domain.ids import cashier_transaction_id, operator_transaction_id, player_id
from domain.player import Player
from domain.transaction import OperatorTransaction

A = TypeVar("A", bound=Aggregate)


class Store(Protocol):
    """Where aggregates come from; the ledger application is one."""

    def load(self, aggregate_id: UUID, kind: type[Aggregate]) -> Aggregate | None:
        """The aggregate as recorded, or None when its stream is empty."""


class UnitOfWork:
    """The working set of one batch of commands."""

    def __init__(self, store: Store, now: datetime) -> None:
        self._store = store
        self.now = now  # every event the batch records carries this time
        self._seen: dict[UUID, Aggregate | None] = {}

    def _get(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        if aggregate_id not in self._seen:
            self._seen[aggregate_id] = self._store.load(aggregate_id, kind)
        found = self._seen[aggregate_id]
        if found is not None and not isinstance(found, kind):
            raise LedgerError(f"stream {aggregate_id} holds a {type(found).__name__}, not a {kind}")
        return found

    def player(self, user_id: str) -> Player | None:
        """The player's wallet, or None if it was never opened."""
        return self._get(player_id(user_id), Player)

    def wallet(self, user_id: str) -> Player:
        """The player's wallet, opened now if needed (saved only with the batch)."""
        return self.player(user_id) or self.add(Player.open(user_id, self.now))

    def operator_transaction(self, transaction_id: str) -> OperatorTransaction | None:
        """What is known under an OPERATOR transaction id."""
        return self._get(operator_transaction_id(transaction_id), OperatorTransaction)

    def cashier_transaction(self, reference: str) -> CashierTransaction | None:
        """What is known under a cashier reference."""
        return self._get(cashier_transaction_id(reference), CashierTransaction)

    def add(self, aggregate: A) -> A:
        """Take a new aggregate into the working set."""
        self._seen[aggregate.id] = aggregate
        return aggregate

    def changed(self) -> list[Aggregate]:
        """Every aggregate with events not yet saved."""
        return [a for a in self._seen.values() if a is not None and a.pending_events]

    def aggregates(self) -> list[Aggregate]:
        """Every aggregate the batch read or created."""
        return [a for a in self._seen.values() if a is not None]

    def seen(self) -> list[UUID]:
        """Every stream the batch looked at, found or not."""
        return list(self._seen)
