"""What the database does by itself, or what its formation does to it, never stops the
ledger's writes: autovacuum's lock, servers starting together on an empty database, and a
synchronous standby that never answers (a private cluster the test owns)."""

import threading
import time
from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest

from adapters.failures import ReplicationUnconfirmed
from adapters.sql import Database
from adapters.store import StoreSettings
from domain.codes import Code
from domain.commands import Deposit, PlaceBet, SettleInDoubt
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from ledger.retry import RetryPolicy, WriteStats, commit
from projections.runner import BatchRunner
from service.backoffice.users import Users
from tests.support import cluster
from tests.support.pg import fresh_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def url() -> Iterator[str]:
    with fresh_database("ledger_maint") as fresh:
        yield fresh


def opened(url: str) -> Ledger:
    return open_ledger(StoreSettings(url, pool_size=3, statement_timeout_s=3.0))


def bet(n: int, user: str = "u1") -> PlaceBet:
    return PlaceBet(f"b{n}", user, "USD", Decimal("1.00"), delivery=f"d{n}")


def test_a_session_holding_autovacuums_lock_does_not_stop_bets_nor_a_start(url: str) -> None:
    ledger = opened(url)
    BatchRunner.of(ledger)  # the read models' tables
    commit(ledger, [Deposit("cash", "u1", "USD", Decimal("10.00"))], RetryPolicy(), WriteStats())
    with psycopg.connect(url) as vacuum:  # what autovacuum takes, held open
        vacuum.execute("LOCK TABLE ledger_events IN SHARE UPDATE EXCLUSIVE MODE")
        vacuum.execute("LOCK TABLE rm_transactions IN SHARE UPDATE EXCLUSIVE MODE")
        started = time.monotonic()
        answers = [
            commit(ledger, [bet(n)], RetryPolicy(), WriteStats()).answers[0] for n in range(5)
        ]
        assert [a.error for a in answers] == [None] * 5
        again = opened(url)  # a server starting meanwhile: nothing to create, nothing to wait for
        BatchRunner.of(again)
        assert time.monotonic() - started < 2.5  # lock_timeout is 2 s: nothing waited for it
        again.close()
    ledger.close()


def test_servers_starting_at_once_on_an_empty_database_all_start(url: str) -> None:
    failures: list[BaseException] = []
    ready = threading.Barrier(4)

    def start() -> None:
        try:
            ready.wait()
            ledger = opened(url)
            runner = BatchRunner.of(ledger)
            Users(runner.database).create_table()
            ledger.close()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []


@pytest.fixture
def lost_standby() -> Iterator[str]:
    """A primary that waits for a synchronous standby that does not exist."""
    if not cluster.available():
        pytest.skip("needs PostgreSQL 15's server binaries and root (to run them as postgres)")
    with cluster.private_cluster() as private:
        yield private


def require_standby(url: str, name: str) -> None:
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"ALTER SYSTEM SET synchronous_standby_names = '{name}'")
        admin.execute("SELECT pg_reload_conf()")
    time.sleep(0.3)


def test_a_commit_waiting_for_a_lost_standby_is_cancelled_at_its_deadline(
    lost_standby: str,
) -> None:
    ledger = opened(lost_standby)
    commit(ledger, [Deposit("cash", "u1", "USD", Decimal("10.00"))], RetryPolicy(), WriteStats())
    require_standby(lost_standby, "nobody")
    started = time.monotonic()
    with pytest.raises(ReplicationUnconfirmed) as unconfirmed:
        ledger.recorder.probe(time.time() + 1.0)  # type: ignore[attr-defined]
    assert time.monotonic() - started < 3.0  # statement_timeout (3 s) never ends this wait
    said = str(unconfirmed.value)
    assert "canceling wait for synchronous replication" in said  # PostgreSQL's own words
    assert "committed locally" in said

    unknown: list[object] = []
    answer = commit(
        ledger, [bet(1)], RetryPolicy(), WriteStats(), unknown, answer_by=time.time() + 1.0
    ).answers[0]
    assert answer.error is Code.INTERNAL_ERROR  # never answered as committed
    assert unknown == [bet(1)]
    require_standby(lost_standby, "")  # the formation drops the lost standby
    settled = commit(
        ledger, [SettleInDoubt("b1", "u1", "USD", Decimal("1.00"), "d1")], RetryPolicy(),
        WriteStats(),
    ).answers[0]  # fmt: skip
    assert settled.note == "reversed"  # it had committed locally: the stake comes back
    player = ledger.player("u1")
    assert player is not None
    assert player.balance("USD") == Decimal("10.00")
    ledger.close()


def test_the_append_takes_no_table_lock(url: str) -> None:
    ledger = opened(url)
    database = Database.of(ledger.recorder)
    source = database.query(
        "SELECT prosrc FROM pg_proc WHERE proname = 'ledger_events_append' AND pronargs = 9"
    )[0]["prosrc"]
    assert "pg_advisory_xact_lock" in source
    assert "LOCK TABLE" not in source
    ledger.close()
