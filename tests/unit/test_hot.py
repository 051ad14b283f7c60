"""Hot aggregates: private copies, never older than held, bounded, forgotten on failure."""

import gc
from dataclasses import is_dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from uuid import UUID

from adapters.store import StoreSettings
from domain.commands import Block, CreditResult, Deposit, PlaceBet, RollBack
from domain.player import Player
from ledger.bootstrap import open_ledger
from ledger.cache import HotAggregates, freeze, thaw

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


IMMUTABLE = (str, int, bool, type(None), Decimal, UUID, datetime, Enum, tuple)


def flat(value: object) -> bool:
    """Immutable, or a dict or list of immutable values: what a private copy copies."""
    if isinstance(value, dict):
        return all(flat(k) and isinstance(v, IMMUTABLE) for k, v in value.items())
    if isinstance(value, list):
        return all(isinstance(v, IMMUTABLE) for v in value)
    if is_dataclass(value):
        params = getattr(type(value), "__dataclass_params__", None)
        return bool(params and params.frozen) and all(flat(v) for v in vars(value).values())
    return isinstance(value, IMMUTABLE)


def held_by_a_ledger() -> HotAggregates:
    """The hot aggregates of a ledger that saw every kind of command."""
    ledger = open_ledger(StoreSettings("memory://"))
    usd = Decimal("10.00")
    ledger.execute([Deposit("d1", "u1", "USD", Decimal("100.00"))])
    ledger.execute([PlaceBet("b1", "u1", "USD", usd), PlaceBet("b2", "u1", "USD", usd)])
    ledger.execute([CreditResult("r1", "u1", "USD", usd), RollBack("x1", "u1", "USD", usd, "b2")])
    ledger.execute([RollBack("x2", "u1", "USD", usd, "never-seen"), Block("u1", "ops", "test")])
    return ledger.hot


def test_every_aggregate_the_ledger_holds_has_flat_state() -> None:
    """Copies are shallow but for each dict or list: a deeper container would be shared."""
    hot = held_by_a_ledger()
    held = [hot.get(UUID(int=key)) for key in list(hot._held)]
    kinds = {type(a).__name__ for a in held}
    assert kinds == {"Player", "OperatorTransaction", "CashierTransaction"}
    for aggregate in held:
        assert all(flat(v) for v in vars(aggregate).values()), vars(aggregate)
        assert vars(thaw(aggregate.id, freeze(aggregate))) == vars(aggregate)


def test_nothing_held_is_an_object_the_garbage_collector_keeps_tracking() -> None:
    """Full collections walk every tracked object: held aggregates must not be among them."""
    hot = held_by_a_ledger()
    gc.collect()
    gc.collect()  # a tuple is untracked once what it holds is: one level a pass
    for entry in hot._held.values():
        assert not any(gc.is_tracked(part) for part in entry), entry
        assert not gc.is_tracked(entry)


def test_a_copy_and_its_original_share_no_container() -> None:
    hot = HotAggregates(10)
    player = funded("u1", "5.00")
    hot.keep([player])
    player.move(Player.Deposited, "USD", Decimal("1.00"), NOW, reference="later")
    held = hot.get(player.id)
    assert held is not None
    assert held.balance("USD") == Decimal("5.00")
    assert held.pending_events == []
    assert held is not hot.get(player.id)
