"""Read models against the aggregates and a plain model, on SQLite and PostgreSQL."""

import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from typing import Any

from adapters.sql import Database
from projections.queries import daily_totals, projected_balances
from projections.reconcile import reconcile
from projections.runner import BatchRunner
from tests.support.history import START
from tests.support.server import ROOT

TABLES = ("rm_players", "rm_balances", "rm_transactions", "rm_daily", "rm_chain", "rm_tracking")


def snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: sorted(
            tuple(str(v) for v in dict(row).values())
            for row in database.query(f"SELECT * FROM {table}")
        )
        for table in TABLES
    }


def test_the_history_crosses_midnight(world: Any) -> None:
    _, _, _, moves = world
    assert {m.date() for m, _ in moves} == {START.date(), START.date().replace(day=26)}


def test_projected_balances_equal_the_aggregates_and_the_model(world: Any) -> None:
    ledger, runner, model, _ = world
    assert reconcile(ledger, runner) == []
    by_user = {
        (user, currency): balance
        for (stream, currency), balance in projected_balances(runner.database).items()
        for user in [_user_of(runner, stream)]
        if balance != 0
    }
    assert by_user == model.nonzero_balances()


def test_ignored_and_handled_events_all_advance_the_position(world: Any) -> None:
    _, runner, _, _ = world
    assert runner.position() == runner.log.head()
    assert runner.lag() == (0, 0.0)


def test_replay_from_zero_gives_the_same_views(world: Any) -> None:
    _, runner, _, _ = world
    before = snapshot(runner.database)
    runner.reset()
    assert runner.position() == 0
    runner.catch_up()
    assert snapshot(runner.database) == before


def test_a_corrupted_view_row_is_found(world: Any) -> None:
    ledger, runner, _, _ = world
    with runner.database.transaction() as cursor:
        cursor.execute(
            runner.database.sql(
                "UPDATE rm_balances SET balance = '999.99' WHERE player_id = "
                "(SELECT MIN(player_id) FROM rm_balances) AND currency = 'USD'"
            )
        )
    try:
        found = reconcile(ledger, runner)
        assert len(found) == 1
        assert found[0].projected == Decimal("999.99")
    finally:
        runner.reset()
        runner.catch_up()


def test_daily_totals_match_the_model_across_midnight(world: Any) -> None:
    _, runner, _, moves = world
    expected: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    names = {
        "bet": "stakes",
        "result": "payouts",
        "bet_refund": "stake_refunds",
        "result_reversal": "payout_reversals",
        "deposit": "deposits",
        "withdraw": "withdrawals",
    }
    for moment, move in moves:
        expected[(moment.date().isoformat(), move.wallet[1])][names[move.kind]] += abs(move.delta)
    rows = daily_totals(runner.database, START.date(), START.date().replace(day=27))
    assert len(rows) == len(expected) == 4
    for row in rows:
        sums = expected[(row["day"], row["currency"])]
        for column in names.values():
            assert Decimal(row[column]) == sums[column], (row["day"], column)
        ggr = sums["stakes"] - sums["stake_refunds"] - sums["payouts"] + sums["payout_reversals"]
        assert Decimal(row["ggr"]) == ggr
        assert len(row["closing_link"] or "") == 64


def test_replay_script_rebuilds_and_check_finds_corruption(world: Any, store_url: str) -> None:
    _, runner, _, _ = world
    env = {"DATABASE_URL": store_url, "PATH": "/usr/bin:/bin"}

    def replay(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "scripts.replay", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip

    rebuilt = replay()
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "events/s" in rebuilt.stdout
    assert "0 mismatches" in rebuilt.stdout
    with runner.database.transaction() as cursor:
        cursor.execute("DELETE FROM rm_balances WHERE currency = 'EUR'")
    try:
        checked = replay("--check")
        assert checked.returncode == 1
        assert checked.stdout.count("MISMATCH") >= 1
        assert "EUR" in checked.stdout
    finally:
        assert replay().returncode == 0


def _user_of(runner: BatchRunner, stream: str) -> str:
    rows = runner.database.query("SELECT user_id FROM rm_players WHERE player_id = %s", (stream,))
    return str(rows[0]["user_id"])
