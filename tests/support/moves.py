"""What the stored event log says each OPERATOR id did to the money, read from the store."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from adapters.event_log import EventLog
from adapters.sql import Database
from adapters.store import StoreSettings
from domain.player import Player
from ledger.bootstrap import open_ledger

# The ledger settles the bets it answered with an error itself (ledger/record.py), so a bet
# answered INTERNAL_ERROR moves nothing by the end: the blackhole and HA runs assert it.
# False would only count such bets (for a ledger built without the settling).
IN_DOUBT_SETTLED = True


@dataclass
class Moves:
    """Money events per OPERATOR id (their deltas, in log order) and each wallet's sum."""

    by_id: dict[str, list[Decimal]] = field(default_factory=lambda: defaultdict(list))
    wallets: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    owners: dict[str, str] = field(default_factory=dict)  # OPERATOR id -> whose money it moved
    reversed_by_ledger: set[str] = field(default_factory=set)  # bets the ledger itself undid

    def times(self, transaction_id: str) -> int:
        """How many money events carry this OPERATOR id."""
        return len(self.by_id.get(transaction_id, []))

    def net(self, transaction_id: str) -> Decimal:
        """What this OPERATOR id moved in all (a reversal included)."""
        return sum(self.by_id.get(transaction_id, []), Decimal(0))


def read_moves(database_url: str) -> Moves:
    """Every Player money event of the store, by OPERATOR id and by wallet."""
    ledger = open_ledger(StoreSettings(database_url, pool_size=2, statement_timeout_s=0))
    try:
        return collect(ledger)
    finally:
        ledger.close()


def collect(ledger: Any) -> Moves:
    log, moves, users = EventLog(Database.of(ledger.recorder)), Moves(), {}
    after = 0
    while page := log.page(after, 1000):
        for stored in page:
            tally(moves, users, ledger.mapper.to_domain_event(stored))
        after = page[-1].id
    return moves


def tally(moves: Moves, users: dict[Any, str], event: Any) -> None:
    """Count one domain event, in log order (users: each player stream's user_id so far)."""
    if isinstance(event, Player.Opened):
        users[event.originator_id] = event.user_id
    if isinstance(event, Player.MoneyMoved):
        moves.wallets[(users[event.originator_id], event.currency)] += event.delta
        if tid := getattr(event, "operator_transaction_id", None):
            moves.by_id[tid].append(event.delta)
            moves.owners[tid] = users[event.originator_id]
        if isinstance(event, Player.BetReversed):
            moves.reversed_by_ledger.add(event.operator_transaction_id)
