"""Reconciliation: every player's projected balances against the Player aggregate, each
compared at one position, so it is exact beside a server that keeps writing.

For each player: the position of its last event, the aggregate loaded, that position read
again (unchanged, or the player moved while loading: try again); then the read models'
tracked position and the player's projected balances in one statement. They compare only
when the read models have passed the player's last event and the player has not moved
since; otherwise the read models catch up, or the player is read again.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper
from eventsourcing.utils import get_topic

from adapters.event_log import EventLog
from domain.money import ZERO
from domain.player import Player
from projections.queries import nonzero
from projections.read_models import NAME
from projections.runner import BatchRunner
from projections.schema import BALANCES, TRACKING

ATTEMPTS = 50


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


@dataclass(frozen=True)
class Unsettled(Mismatch):
    """A player that kept changing for every attempt: not compared, so not vouched for."""

    def __str__(self) -> str:
        return f"{self.user_id}: kept changing during {ATTEMPTS} attempts; not compared"


def players(log: EventLog, ledger: Aggregates, up_to: int) -> dict[str, str]:
    """Every player stream opened up to a position, by stream id, with its user id."""
    found: dict[str, str] = {}
    after = 0
    while page := log.page(after, 1000, topics=[get_topic(Player.Opened)]):
        for stored in page:
            if stored.id > up_to:
                return found
            event = ledger.mapper.to_domain_event(stored)
            found[str(stored.originator_id)] = event.user_id  # type: ignore[attr-defined]
        after = page[-1].id
    return found


def reconcile(ledger: Aggregates, runner: BatchRunner) -> list[Mismatch]:
    """Catch up, then compare every player at a position where both sides agree on it."""
    runner.catch_up()
    head = runner.log.head()
    known = players(runner.log, ledger, head)
    found: list[Mismatch] = []
    for stream_id, user_id in sorted(known.items(), key=lambda item: item[1]):
        found += _player(ledger, runner, UUID(stream_id), user_id)
    return found + _orphans(runner, known, head)


def _player(ledger: Aggregates, runner: BatchRunner, stream: UUID, user_id: str) -> list[Mismatch]:
    for _ in range(ATTEMPTS):
        last = _last_position(runner.log, stream)
        aggregate = ledger.load(stream, Player)
        if _last_position(runner.log, stream) != last:
            continue  # it moved while loading
        tracked, shown = _projected(runner, stream)
        if tracked < last:
            runner.catch_up()
            continue
        if _last_position(runner.log, stream) != last:
            continue  # it moved since: the read models may hold a newer state than loaded
        actual = nonzero(aggregate.balances if isinstance(aggregate, Player) else {})
        return [
            Mismatch(user_id, c, shown.get(c, ZERO), actual.get(c, ZERO))
            for c in sorted(actual.keys() | shown.keys())
            if actual.get(c, ZERO) != shown.get(c, ZERO)
        ]
    return [Unsettled(user_id, "*", ZERO, ZERO)]


def _last_position(log: EventLog, stream: UUID) -> int:
    position = log.database.position
    key = stream if log.database.postgres else stream.hex
    rows = log.database.query(
        f"SELECT MAX({position}) AS last FROM {log.database.events_table} WHERE originator_id = %s",
        (key,),
    )
    return int(rows[0]["last"] or 0)


def _projected(runner: BatchRunner, stream: UUID) -> tuple[int, dict[str, Decimal]]:
    """The tracked position and the player's balances, read in one statement (one snapshot)."""
    rows = runner.database.query(
        f"SELECT t.position AS tracked, b.currency, b.balance FROM {TRACKING.name} t "
        f"LEFT JOIN {BALANCES.name} b ON b.player_id = %s WHERE t.name = %s",
        (str(stream), NAME),
    )
    tracked = int(rows[0]["tracked"]) if rows else 0
    shown = {r["currency"]: Decimal(r["balance"]) for r in rows if r["currency"] is not None}
    return tracked, nonzero(shown)


def _orphans(runner: BatchRunner, known: dict[str, str], head: int) -> list[Mismatch]:
    """Projected balances of players the log never opened (up to the head that was read)."""
    rows: list[Any] = runner.database.query(
        f"SELECT player_id, currency, balance FROM {BALANCES.name} WHERE position <= %s",
        (head,),
    )
    by_player: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        if row["player_id"] not in known:
            by_player[row["player_id"]][row["currency"]] = Decimal(row["balance"])
    return [
        Mismatch(f"<no such player {stream_id}>", currency, balance, ZERO)
        for stream_id, balances in by_player.items()
        for currency, balance in nonzero(balances).items()
    ]
