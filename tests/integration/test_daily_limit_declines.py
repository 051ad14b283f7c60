"""The daily report counts bets declined by limits, also on a database whose daily table
was made before that column existed (it gets the column, zero for the days before)."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.sql import Database
from adapters.store import StoreSettings
from domain.commands import Deposit, Kind, Period, PlaceBet, SetLimit
from ledger.bootstrap import open_ledger
from projections.runner import BatchRunner
from tests.support.history import StepClock
from tests.support.pg import fresh_database

OLD_DAILY = (
    "CREATE TABLE rm_daily (day TEXT NOT NULL, currency TEXT NOT NULL, stakes TEXT NOT NULL, "
    "payouts TEXT NOT NULL, stake_refunds TEXT NOT NULL, payout_reversals TEXT NOT NULL, "
    "deposits TEXT NOT NULL, withdrawals TEXT NOT NULL, bets BIGINT NOT NULL, "
    "results BIGINT NOT NULL, rollbacks BIGINT NOT NULL, PRIMARY KEY (day, currency))"
)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/old.sqlite3"
    else:
        with fresh_database() as url:
            yield url


def test_an_old_daily_table_gets_the_column_and_counts_limit_declines(empty_store: str) -> None:
    clock = StepClock()
    ledger = open_ledger(StoreSettings(empty_store, pool_size=2), clock=clock)
    try:
        old_day = ("2026-01-01", "USD", *["0"] * 6, 3, 1, 0)
        with Database.of(ledger.recorder).transaction() as cursor:
            cursor.execute(OLD_DAILY)
            cursor.execute(Database.of(ledger.recorder).sql(
                "INSERT INTO rm_daily VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            ), old_day)  # fmt: skip
        ledger.execute([Deposit("d", "p", "USD", Decimal(50))])
        ledger.execute([SetLimit("p", "USD", Kind.LOSS, Period.MONTH, Decimal(5), "api", "r")])
        ledger.execute(
            [PlaceBet("b1", "p", "USD", Decimal(5)), PlaceBet("b2", "p", "USD", Decimal(1))]
        )
        runner = BatchRunner.of(ledger)  # creates what is missing, the column included
        runner.catch_up()
        rows = runner.read_models.daily(date(2026, 1, 1), clock.now.date(), "USD")
        assert [(r["day"], r["bets"], r["limit_declines"]) for r in rows] == [
            ("2026-01-01", 3, 0),
            (clock.now.date().isoformat(), 1, 1),
        ]
        BatchRunner.of(ledger)  # a second start finds the column there
    finally:
        ledger.close()
