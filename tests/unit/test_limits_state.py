"""The Player's limits state where the ledger keeps it: flat in the hot cache, exact in its
snapshots, the same replayed from every event, and readable from snapshots made before it."""

import gc
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Snapshot

from adapters.store import StoreSettings
from domain import limits
from domain.commands import (
    Deposit,
    Kind,
    Period,
    PlaceBet,
    RollBack,
    SelfExclude,
    SetLimit,
)
from domain.ids import player_id
from domain.player import Player
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from ledger.cache import freeze, thaw
from tests.support.limits_machine import Clock
from tests.unit.test_hot import flat

D = Decimal
T0 = datetime(2026, 11, 26, 10, 20, tzinfo=UTC)
NEW_STATE = ("limits", "pending_at", "excluded_until", "usage", "counted_from")


def limited_ledger() -> tuple[Ledger, Clock]:
    """A player with limits in force and waiting, an exclusion, and 25 events (snapshots)."""
    clock = Clock(T0)
    ledger = open_ledger(StoreSettings("memory://"), clock=clock)
    ledger.execute([Deposit("d", "u1", "USD", D("500.00")), Deposit("e", "u1", "EUR", D(50))])
    ledger.execute([SetLimit("u1", "USD", Kind.STAKE, Period.DAY, D(30), "api", "mine")])
    for n in range(18):
        clock.now += timedelta(minutes=37)
        ledger.execute([PlaceBet(f"b{n}", "u1", "USD", D("1.25"))])
    ledger.execute([RollBack("x", "u1", "USD", D("1.25"), "b3")])
    ledger.execute([SetLimit("u1", "USD", Kind.STAKE, Period.DAY, D(60), "alice", "looser")])
    ledger.execute([SetLimit("u1", "EUR", Kind.LOSS, Period.WEEK, None, "api", "none")])
    ledger.execute([SelfExclude("u1", date(2027, 1, 31), "api", "a break")])
    return ledger, clock


def test_the_state_is_flat_and_the_collector_stops_tracking_it() -> None:
    ledger, _ = limited_ledger()
    held = ledger.hot.get(player_id("u1"))
    assert isinstance(held, Player)
    assert held.limits
    assert held.pending_at
    assert held.usage
    assert held.excluded_until
    assert all(flat(v) for v in vars(held).values()), vars(held)
    assert vars(thaw(held.id, freeze(held))) == vars(held)
    entry = ledger.hot._held[player_id("u1").int]
    gc.collect()
    gc.collect()
    assert not any(gc.is_tracked(part) for part in entry)


def test_a_snapshot_loads_exactly_what_every_event_replayed_gives() -> None:
    ledger, clock = limited_ledger()
    snapshots = list(ledger.snapshots.get(player_id("u1"))) if ledger.snapshots else []
    assert snapshots  # the player was loaded from one
    from_snapshot = ledger.load(player_id("u1"), Player)
    replayed = project_aggregate(None, ledger.events.get(player_id("u1")))
    assert isinstance(from_snapshot, Player)
    assert isinstance(replayed, Player)
    assert {k: getattr(from_snapshot, k) for k in NEW_STATE} == {
        k: getattr(replayed, k) for k in NEW_STATE
    }
    used = limits.usage(from_snapshot, Kind.STAKE, "USD", clock.now)[Period.DAY]
    assert used == D("1.25") * 17


def test_a_snapshot_from_before_limits_counts_only_what_came_after_it() -> None:
    ledger, _ = limited_ledger()
    old = Player.open("u2", T0)
    old.move(Player.Deposited, "USD", D(100), T0, reference="r")
    old.move(Player.BetDebited, "USD", D(-5), T0, operator_transaction_id="old-bet")
    taken = Snapshot.take(old)
    state = {k: v for k, v in taken.state.items() if k not in (*NEW_STATE, "class_version")}
    restored = replace(taken, state=state).mutate(None)  # what a version-1 snapshot holds
    assert isinstance(restored, Player)
    assert restored.usage == {}
    assert restored.limits == {}
    assert restored.counted_from > old.modified_on
    later = T0 + timedelta(minutes=5)
    restored.move(
        Player.RollbackApplied, "USD", D(5), later, operator_transaction_id="rb",
        rollback_of="old-bet", reversed_action="bet", reversed_at=T0,
    )  # fmt: skip
    assert limits.usage(restored, Kind.STAKE, "USD", later)[Period.DAY] == D(0)  # not -5
    ledger.close()
