"""Self-exclusion and limits on real stores (SQLite, PostgreSQL) survive what could end them
early: an unblock, an admin asking for an earlier end, a restart (a new process: nothing
held in memory, the player from its snapshot), and a replay (the read models rebuilt, the
player from every one of its events)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from eventsourcing.application import project_aggregate

from adapters.store import StoreSettings
from domain import limits
from domain.codes import Code
from domain.commands import (
    Deposit,
    Kind,
    Period,
    PlaceBet,
    SelfExclude,
    SetLimit,
    Unblock,
)
from domain.guarded import limit_key
from domain.ids import player_id
from domain.player import Player
from ledger.application import SNAPSHOT_INTERVAL, Ledger
from ledger.bootstrap import open_ledger
from projections.runner import BatchRunner
from tests.support.limits_machine import Clock

T0 = datetime(2026, 11, 26, 9, 5, tzinfo=UTC)
UNTIL = date(2027, 5, 31)
STATE = ("limits", "pending_at", "excluded_until", "usage", "counted_from", "blocked")


def opened(url: str, clock: Clock) -> Ledger:
    return open_ledger(StoreSettings(url, pool_size=2), clock=clock)


def answer(ledger: Ledger, cmd: object) -> Code | None:
    return ledger.execute([cmd])[0].error  # type: ignore[list-item]


def state(player: object) -> dict[str, object]:
    return {name: getattr(player, name) for name in STATE}


def test_nothing_ends_a_self_exclusion_early(store_url: str) -> None:
    clock, user = Clock(T0), f"sx-{store_url[:8]}"
    first = opened(store_url, clock)
    first.execute([Deposit(f"{user}-fund", user, "USD", Decimal("100.00"))])
    first.execute([SetLimit(user, "USD", Kind.STAKE, Period.WEEK, Decimal(20), "api", "mine")])
    for n in range(SNAPSHOT_INTERVAL):  # enough events that a restart reads a snapshot
        first.execute([PlaceBet(f"{user}-b{n}", user, "USD", Decimal("1.50"))])
    assert answer(first, SelfExclude(user, UNTIL, "api", "six months off")) is None
    assert answer(first, Unblock(user, "alice", "the player called")) is None
    earlier = SelfExclude(user, date(2026, 12, 1), "alice", "lift it")
    assert answer(first, earlier) is Code.SELF_EXCLUDED
    before = state(first.player(user))
    first.close()

    clock.now += timedelta(days=30)
    restarted = opened(store_url, clock)  # a new process: nothing in memory
    try:
        assert restarted.snapshots is not None
        assert list(restarted.snapshots.get(player_id(user)))  # it loads from a snapshot
        assert answer(restarted, PlaceBet(f"{user}-late", user, "USD", Decimal(1))) is (
            Code.PLAYER_BLOCKED
        )
        assert state(restarted.player(user)) == before
        runner = BatchRunner.of(restarted)
        runner.reset()  # the replay: read models emptied and rebuilt from position 0
        runner.catch_up()
        replayed = project_aggregate(None, restarted.events.get(player_id(user)))
        assert isinstance(replayed, Player)
        assert state(replayed) == before
        assert limits.excluded(replayed, clock.now)
        assert limits.in_force(replayed, limit_key("USD", "stake", "week"), clock.now) == 20
        clock.now = datetime(2027, 6, 1, tzinfo=UTC)  # the day after the last one excluded
        assert answer(restarted, PlaceBet(f"{user}-back", user, "USD", Decimal(1))) is None
    finally:
        restarted.close()
