"""The simulator's retries: what a stopped ledger missed arrives once it is back, applied once."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from tests.support.operator_sim import Simulator, running_simulator
from tests.support.server import Server, free_port, running_service, wait_until
from tests.support.sportsbook import Table


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def sim(log_dir: Path, port: int) -> Iterator[Simulator]:
    with running_simulator(log_dir, f"http://127.0.0.1:{port}") as running:
        yield running


Restart = Callable[[str], AbstractContextManager[Server]]


@pytest.fixture
def restart(sim: Simulator, log_dir: Path, port: int, tmp_path: Path) -> Restart:
    """Start the ledger (again) on the same port and SQLite file."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    return lambda name: running_service(url, log_dir, name, port=port, **sim.ledger_env())


def callback_lines(server: Server, transaction_id: str) -> list[dict[str, object]]:
    lines = server.log_lines()
    return [x for x in lines if x.get("operator_transaction_id") == transaction_id]


def test_a_result_sent_while_the_ledger_is_down_is_applied_once_it_is_back(
    restart: Restart,
) -> None:
    with restart("before") as before:
        table = Table(before, "50.00")
        bet = table.bet("10.00")  # home at 1.85: a win pays 18.50
        assert table.balance() == Decimal("40.00")

    assert table.act(bet, "settle", {"outcome": "win"}) == 200
    wait_until(lambda: table.callbacks("result")[0]["attempts"] >= 3, 10, "retries while down")
    pending = table.callbacks("result")[0]
    assert (pending["state"], pending["answer"]) == ("retrying", None)

    with restart("after") as after:
        table.ledger = after
        wait_until(lambda: table.callbacks("result")[0]["state"] == "answered", 10, "the result")
        result = table.callbacks("result")[0]
        assert result["body"] == pending["body"]  # the same bytes, every attempt
        assert result["answer"]["error"] is None
        assert table.balance() == Decimal("58.50")
        transaction_id = orjson.loads(result["body"])["transaction_id"]
        assert [line["outcome"] for line in callback_lines(after, transaction_id)] == ["ok"]


def test_a_bet_the_ledger_never_answered_is_rolled_back_once_it_is_back(restart: Restart) -> None:
    with restart("before") as before:
        table = Table(before, "50.00")

    bet = table.bet("10.00")  # sent once, into the void
    assert bet["status"] == "cancelled: no answer"
    assert table.callbacks("bet")[0]["state"] == "unanswered"
    wait_until(lambda: table.callbacks("rollback")[0]["attempts"] >= 2, 10, "rollback retries")

    with restart("after") as after:
        table.ledger = after
        answered = lambda: table.callbacks("rollback")[0]["state"] == "answered"  # noqa: E731
        wait_until(answered, 10, "the rollback")
        rollback = table.callbacks("rollback")[0]
        assert orjson.loads(rollback["body"])["rollback_transaction_id"] == bet["id"]
        assert rollback["answer"]["error"] is None
        assert table.callbacks("bet")[0]["attempts"] == 1  # bets are never retried
        assert table.balance() == Decimal("50.00")
