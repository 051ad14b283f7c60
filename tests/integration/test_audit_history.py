"""The history auditors read: positions, balance-after columns, points in time, the chain."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from adapters.event_log import EventLog
from domain.ids import player_id
from projections.history import History
from projections.queries import transaction_entry
from projections.verify import verify
from tests.integration.conftest import World


def history(world: World) -> History:
    ledger, runner, _, _ = world
    return History(runner.log, ledger.mapper)


def test_each_players_balance_after_column_adds_up(world: World) -> None:
    model = world[2]
    audit = history(world)
    for user in sorted({user for user, _ in model.balances}):
        running: dict[str, Decimal] = defaultdict(Decimal)
        events = audit.player(user, after=0, limit=1000)
        assert [e["position"] for e in events] == sorted(e["position"] for e in events)
        for event in events:
            if "balance_after" not in event:
                continue
            delta = Decimal(event["amount"]) * _sign(event)
            running[event["currency"]] += delta
            assert Decimal(event["balance_after"]) == running[event["currency"]], event
        assert {c: b for c, b in running.items() if b} == {
            c: b for (u, c), b in model.nonzero_balances().items() if u == user
        }


def test_player_pages_join_without_gaps_or_repeats(world: World) -> None:
    audit = history(world)
    whole = audit.player("p3", after=0, limit=1000)
    paged, after = [], 0
    while page := audit.player("p3", after=after, limit=7):
        paged += page
        after = page[-1]["position"]
    assert paged == whole


def test_money_events_name_both_transaction_ids(world: World) -> None:
    events = history(world).player("p1", after=0, limit=1000)
    bets = [e for e in events if e["type"] == "Player.BetDebited"]
    assert bets
    for bet in bets:
        assert bet["operator_transaction_id"].startswith("b")
        assert len(bet["client_transaction_id"]) == 36


def test_point_in_time_balances_match_a_model_at_several_moments(world: World) -> None:
    audit = history(world)
    events = audit.player("p2", after=0, limit=1000)
    assert len(events) > 12
    for cut in events[:: len(events) // 6]:
        by_position = _replayed(e for e in events if e["position"] <= cut["position"])
        assert audit.balances_at("p2", position=cut["position"])[0] == by_position
        moment = datetime.fromisoformat(cut["time"])
        by_time = _replayed(e for e in events if datetime.fromisoformat(e["time"]) <= moment)
        assert audit.balances_at("p2", moment=moment)[0] == by_time


def test_the_chain_verifies_then_names_a_rewritten_event(world: World) -> None:
    ledger, runner, _, _ = world
    checked, broken = verify(runner.log, ledger.mapper, runner.position())
    assert broken is None
    assert checked == runner.log.head()
    target = runner.log.stream(player_id("p4"), 0, 1000)[5]
    _rewrite(runner.log, target.id, target.state.replace(b'"amount"', b'"amount" '))
    try:
        _, broken = verify(runner.log, ledger.mapper, runner.position())
        assert broken is not None
        assert broken.position == target.id
    finally:
        _rewrite(runner.log, target.id, target.state)
    assert verify(runner.log, ledger.mapper, runner.position())[1] is None


def test_the_chain_checks_closing_links_kept_outside(world: World) -> None:
    ledger, runner, _, _ = world
    links = {
        r["day"]: r["link"]
        for r in runner.database.query(
            "SELECT c.day, c.link FROM rm_chain c WHERE c.position = "
            "(SELECT MAX(position) FROM rm_chain d WHERE d.day = c.day)"
        )
    }
    assert len(links) == 2
    assert verify(runner.log, ledger.mapper, runner.position(), links)[1] is None
    forged = dict.fromkeys(links, "f" * 64)
    broken = verify(runner.log, ledger.mapper, runner.position(), forged)[1]
    assert broken is not None
    assert "closes" in broken.reason


@pytest.mark.parametrize("limit", [1, 50])
def test_the_whole_ledger_pages_by_position(world: World, limit: int) -> None:
    audit = history(world)
    positions, after = [], 0
    while page := audit.ledger(after, limit):
        positions += [e["position"] for e in page]
        after = page[-1]["position"]
        if len(positions) > 300:
            break
    assert positions == list(range(1, len(positions) + 1))


def _sign(event: dict[str, Any]) -> int:
    kind = event["type"]
    if kind in ("Player.BetDebited", "Player.Withdrawn"):
        return -1
    if kind == "Player.RollbackApplied":
        return 1 if event["reversed_action"] == "bet" else -1
    return 1


def _replayed(events: Iterable[dict[str, Any]]) -> dict[str, Decimal]:
    """Balances by summing signed amounts, independently of the balance_after column."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for event in events:
        if "amount" in event and event["type"].startswith("Player."):
            totals[event["currency"]] += Decimal(event["amount"]) * _sign(event)
    return dict(totals)


def _rewrite(log: EventLog, position: int, state: bytes) -> None:
    database = log.database
    with database.transaction() as cursor:
        cursor.execute(
            database.sql(
                f"UPDATE {database.events_table} SET state = %s WHERE {database.position} = %s"
            ),
            (state, position),
        )


def test_every_entry_is_found_by_either_id(world: World) -> None:
    _, runner, _, _ = world
    rows = runner.database.query(
        "SELECT external_id, client_transaction_id FROM rm_transactions WHERE source = 'operator'"
    )
    assert len(rows) > 500
    for row in rows:
        by_operator = transaction_entry(runner.database, row["external_id"])
        by_client = transaction_entry(runner.database, row["client_transaction_id"])
        assert by_operator == by_client
        assert by_operator is not None
        assert by_operator["operator_transaction_id"] == row["external_id"]
