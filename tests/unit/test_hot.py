"""Hot aggregates: private copies, never older than held, bounded, forgotten on failure."""

from datetime import UTC, datetime
from decimal import Decimal

from domain.player import Player
from ledger.cache import HotAggregates

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def funded(user: str, amount: str) -> Player:
    player = Player.open(user, NOW)
    player.move(Player.Deposited, "USD", Decimal(amount), NOW, reference="r")
    player.collect_events()
    return player


def test_readers_get_copies_they_may_change_freely() -> None:
    hot = HotAggregates(10)
    player = funded("u1", "5.00")
    hot.keep([player])
    copy = hot.get(player.id)
    assert isinstance(copy, Player)
    copy.move(Player.Withdrawn, "USD", Decimal("-5.00"), NOW, reference="w")
    again = hot.get(player.id)
    assert isinstance(again, Player)
    assert again.balance("USD") == Decimal("5.00")
    assert again.pending_events == []


def test_an_older_version_never_replaces_a_newer_one() -> None:
    hot = HotAggregates(10)
    old = funded("u1", "5.00")
    new = hot.get(old.id) or old
    hot.keep([old])
    new = hot.get(old.id)
    assert isinstance(new, Player)
    new.block(NOW)
    new.collect_events()
    hot.keep([new])
    hot.keep([old])
    held = hot.get(old.id)
    assert held is not None
    assert held.version == new.version


def test_capacity_drops_the_least_recently_used() -> None:
    hot = HotAggregates(2)
    a, b, c = (funded(u, "1.00") for u in "abc")
    hot.keep([a, b])
    hot.get(a.id)
    hot.keep([c])
    assert hot.get(b.id) is None
    assert hot.get(a.id) is not None
    assert len(hot) == 2


def test_forget_drops_entries() -> None:
    hot = HotAggregates(10)
    player = funded("u1", "1.00")
    hot.keep([player])
    hot.forget([player.id])
    assert hot.get(player.id) is None
