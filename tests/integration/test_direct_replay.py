"""Stored bytes straight into view rows give the very views the event-by-event path gives."""

import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.compressor import ZlibCompressor
from eventsourcing.persistence import Mapper
from eventsourcing.utils import resolve_topic

from adapters.sql import Database
from adapters.store import StoreSettings
from adapters.transcoding import OrjsonTranscoder
from domain.commands import (
    Block,
    Deposit,
    Kind,
    Period,
    PlaceBet,
    SelfExclude,
    SetLimit,
    SettleInDoubt,
    Unblock,
    Withdraw,
)
from domain.errors import LedgerError
from domain.transaction import OperatorTransaction
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from projections.direct import TWINS, DirectDecoder
from projections.runner import BatchRunner
from projections.views import LedgerViews
from tests.integration.test_projections import snapshot
from tests.support.history import START, StepClock, mixed_commands, run_history
from tests.support.pg import fresh_database

HOSTILE = "tab\there, new\nline, back\\slash, \"quoted\" 'and' {braces},"
USD = "USD"


def every_kind_of_event() -> list[Any]:
    """Besides the mixed history: blocks, withdrawals, hand-made moves, bets in doubt, a bet
    delivered again, limits (a bet and a deposit declined by one), self-exclusion."""
    return [
        Deposit(f"d-{HOSTILE}", HOSTILE, USD, Decimal("30.00"), actor="alice", reason=HOSTILE),
        PlaceBet(f"b-{HOSTILE}", HOSTILE, USD, Decimal("1.10")),
        Block("p1", actor="alice", reason="self-exclusion"),
        PlaceBet("blocked-bet", "p1", USD, Decimal("1.00")),
        Unblock("p1", actor="alice", reason="over"),
        Withdraw("w-1", "p2", USD, Decimal("2.50")),
        Withdraw("w-2", "p3", USD, Decimal("100000.00")),  # declined: nothing recorded
        PlaceBet("doubt-landed", "p4", USD, Decimal("3.00"), delivery="d1"),
        SettleInDoubt("doubt-landed", "p4", USD, Decimal("3.00"), delivery="d1"),
        SettleInDoubt("doubt-lost", "p5", USD, Decimal("4.00"), delivery="d2"),
        PlaceBet("answered-again", "p4", USD, Decimal("1.00"), delivery="d3"),
        PlaceBet("answered-again", "p4", USD, Decimal("1.00"), delivery="d4"),
        SetLimit("rg1", USD, Kind.STAKE, Period.DAY, Decimal("2.00"), "alice", HOSTILE),
        Deposit("d-rg1", "rg1", USD, Decimal("10.00")),
        PlaceBet("within-limit", "rg1", USD, Decimal("2.00")),
        PlaceBet("over-limit", "rg1", USD, Decimal("0.01")),
        SetLimit("rg1", USD, Kind.DEPOSIT, Period.WEEK, Decimal("10.00"), "api", "asked"),
        Deposit("d-rg1-over", "rg1", USD, Decimal("0.01")),  # declined: nothing recorded
        SelfExclude("rg2", None, "api", "for good"),
    ]


@pytest.fixture(scope="module")
def ledger(store_url: str) -> Iterator[Ledger]:
    clock = StepClock()
    ledger = open_ledger(StoreSettings(store_url, pool_size=4), clock=clock)
    commands = mixed_commands(random.Random(3), players=9, rounds=300) + every_kind_of_event()
    run_history(ledger, clock, commands)
    yield ledger
    ledger.close()


def rebuilt(ledger: Ledger, **options: Any) -> dict[str, list[tuple[Any, ...]]]:
    runner = BatchRunner.of(ledger, **options)
    runner.reset()
    runner.catch_up()
    return snapshot(runner.database)


def test_the_history_holds_every_event_the_direct_path_knows(ledger: Ledger) -> None:
    database = BatchRunner.of(ledger).database
    topics = {r["topic"] for r in database.query(f"SELECT topic FROM {database.events_table}")}
    assert {resolve_topic(t) for t in topics} == set(TWINS)


def test_a_rebuild_gives_the_views_of_the_event_by_event_path(ledger: Ledger) -> None:
    reference = rebuilt(ledger, direct=False, batch_size=1000)
    assert rebuilt(ledger, batch_size=1000) == reference
    assert rebuilt(ledger, batch_size=7) == reference  # rows kept across many batches


@pytest.mark.parametrize("direct", [False, True])
def test_each_path_counts_the_bet_a_limit_declined_on_its_day(ledger: Ledger, direct: bool) -> None:
    views = rebuilt(ledger, direct=direct)
    daily = BatchRunner.of(ledger).database.query("SELECT * FROM rm_daily")
    assert sum(row["limit_declines"] for row in daily) == 1
    assert views["rm_daily"]


def test_a_runner_resuming_midway_reads_its_rows_back_and_agrees(ledger: Ledger) -> None:
    reference = rebuilt(ledger, direct=False)
    first = BatchRunner.of(ledger, batch_size=50)
    first.reset()
    for _ in range(5):
        first.run_once()
    second = BatchRunner.of(ledger, batch_size=50)  # holds no row: it reads them back
    second.catch_up()
    assert snapshot(second.database) == reference


def test_a_mapper_that_compresses_sends_every_event_the_mappers_way() -> None:
    views = LedgerViews(Database(datastore=None, postgres=True, events_table="ledger_events"))
    compressing = Mapper(OrjsonTranscoder(), compressor=ZlibCompressor())
    row = (1, "00000000-0000-0000-0000-000000000001", 1, "domain.player:Player.Opened", b"{}")
    assert DirectDecoder(views, compressing).apply(row) is None
    assert DirectDecoder(views, None).apply(row) is None


def test_a_reset_beside_a_long_reader_empties_the_views_all_the_same(
    ledger: Ledger, store_url: str
) -> None:
    runner = BatchRunner.of(ledger)
    runner.catch_up()
    if not runner.database.postgres:
        pytest.skip("SQLite deletes; only PostgreSQL truncates")
    with psycopg.connect(store_url) as reader:  # a report in the middle of its reads
        reader.execute("SELECT count(*) FROM rm_balances").fetchone()
        runner.reset()  # cannot truncate under the reader's lock: deletes instead
    assert runner.database.query("SELECT count(*) AS n FROM rm_balances")[0]["n"] == 0
    runner.catch_up()
    runner.reset()  # nobody reading: truncates
    assert runner.database.query("SELECT count(*) AS n FROM rm_chain")[0]["n"] == 0


@pytest.fixture(params=["sqlite", "postgres"])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/stray.sqlite3"
    else:
        with fresh_database() as url:
            yield url


def test_a_batch_that_fails_midway_commits_nothing_of_itself(empty_store: str) -> None:
    ledger = open_ledger(StoreSettings(empty_store, pool_size=2), clock=StepClock())
    try:
        ledger.execute([Deposit(f"d{n}", f"u{n}", USD, Decimal("5.00")) for n in range(30)])
        stray = OperatorTransaction.RolledBack(  # names a transaction the log never had
            originator_id=uuid4(), originator_version=2, timestamp=START, rolled_back_by="x"
        )
        ledger.recorder.insert_events([ledger.mapper.to_stored_event(stray)])
        runner = BatchRunner.of(ledger, batch_size=1000)
        runner.reset()  # empty views, every row held: links stream into a COPY on PostgreSQL
        with pytest.raises(LedgerError):
            runner.catch_up()
        assert runner.position() == 0
        assert runner.database.query("SELECT count(*) AS n FROM rm_chain")[0]["n"] == 0
    finally:
        ledger.close()
