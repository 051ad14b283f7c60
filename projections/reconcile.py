"""Reconciliation: every player's projected balances against the Player aggregate."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper
from eventsourcing.utils import get_topic

from adapters.event_log import EventLog
from domain.money import ZERO
from domain.player import Player
from projections.queries import nonzero, projected_balances
from projections.runner import BatchRunner


class Aggregates(Protocol):
    """Where the committed aggregates come from (the Ledger application is one)."""

    mapper: Mapper[UUID]

    def load(self, aggregate_id: UUID, kind: type[Aggregate]) -> Aggregate | None:
        """The aggregate as recorded, or None."""


@dataclass(frozen=True)
class Mismatch:
    """A balance the read model shows differently from the aggregate."""

    user_id: str
    currency: str
    projected: Decimal
    aggregate: Decimal

    def __str__(self) -> str:
        return (
            f"{self.user_id} {self.currency}: read model {self.projected}, "
            f"aggregate {self.aggregate}"
        )


def players(log: EventLog, ledger: Aggregates) -> dict[str, str]:
    """Every player stream in the log, by stream id, with its user id."""
    found: dict[str, str] = {}
    after = 0
    while page := log.page(after, 1000, topics=[get_topic(Player.Opened)]):
        for stored in page:
            event = ledger.mapper.to_domain_event(stored)
            found[str(stored.originator_id)] = event.user_id  # type: ignore[attr-defined]
        after = page[-1].id
    return found


def reconcile(ledger: Aggregates, runner: BatchRunner) -> list[Mismatch]:
    """Catch up, compare every player; a difference that survives a second catch-up counts."""
    runner.catch_up()
    suspects = _compare(ledger, runner)
    if suspects:
        runner.catch_up()
        suspects = _compare(ledger, runner)
    return suspects


def _compare(ledger: Aggregates, runner: BatchRunner) -> list[Mismatch]:
    shown_by_player: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (stream_id, currency), balance in projected_balances(runner.database).items():
        shown_by_player[stream_id][currency] = balance
    known = players(runner.log, ledger)
    mismatches = []
    for stream_id, user_id in sorted(known.items(), key=lambda item: item[1]):
        aggregate = ledger.load(UUID(stream_id), Player)
        actual = nonzero(aggregate.balances if isinstance(aggregate, Player) else {})
        shown = nonzero(shown_by_player.pop(stream_id, {}))
        for currency in sorted(actual.keys() | shown.keys()):
            a, s = actual.get(currency, ZERO), shown.get(currency, ZERO)
            if a != s:
                mismatches.append(Mismatch(user_id, currency, s, a))
    for stream_id, balances in shown_by_player.items():  # rows for players the log never opened
        for currency, balance in nonzero(balances).items():
            mismatches.append(Mismatch(f"<no such player {stream_id}>", currency, balance, ZERO))
    return mismatches
