"""Exactly once over HTTP under concurrent deliveries, on one and on two server processes,
with and without batching (group commit)."""

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id, new_user
from tests.support.server import Server, running_service

SETUPS = {
    "one-process": (1, "1"),
    "one-process-batched": (1, "64"),
    "two-processes": (2, "1"),
    "two-processes-batched": (2, "64"),
}


@pytest.fixture(scope="module", params=list(SETUPS))
def servers(request: pytest.FixtureRequest, database: str, log_dir: Path) -> Iterator[list[Server]]:
    count, batch = SETUPS[request.param]
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                running_service(database, log_dir, f"{request.param}-{i}", WRITE_BATCH_MAX=batch)
            )
            for i in range(count)
        ]


@pytest.fixture
def clients(servers: list[Server], http: aiohttp.ClientSession) -> list[LedgerClient]:
    return [LedgerClient(http, s.base) for s in servers]


async def test_fifty_concurrent_deliveries_of_one_bet(clients: list[LedgerClient]) -> None:
    user = new_user()
    await clients[0].deposit(user, "10.00")
    fields = cb.bet(new_id(), user, "3.00")
    answers = await asyncio.gather(*(clients[i % len(clients)].callback(fields) for i in range(50)))
    assert all(a == answers[0] for a in answers)
    assert answers[0]["error"] is None
    for client in clients:
        assert await client.balance(user) == Decimal("7.00")


async def test_twenty_concurrent_bets_on_a_player_funded_for_ten(
    clients: list[LedgerClient],
) -> None:
    user = new_user()
    await clients[0].deposit(user, "10.00")
    answers = await asyncio.gather(
        *(clients[i % len(clients)].callback(cb.bet(new_id(), user, "1.00")) for i in range(20))
    )
    applied = [a for a in answers if a["error"] is None]
    assert len(applied) == 10
    assert all(a == {"error": "INSUFFICIENT_FUNDS"} for a in answers if a["error"])
    assert min(Decimal(a["balance"]) for a in applied) == Decimal("0.00")
    assert await clients[-1].balance(user) == Decimal("0.00")


async def test_bets_and_rollbacks_racing(clients: list[LedgerClient]) -> None:
    user = new_user()
    await clients[0].deposit(user, "100.00")
    pairs = []
    for i in range(20):
        bet_id = new_id("bet")
        bet = cb.bet(bet_id, user, "1.00")
        rollback = cb.rollback(new_id("rb"), bet_id, user, "1.00")
        first, second = (rollback, bet) if i % 2 else (bet, rollback)
        pairs.append(asyncio.gather(clients[0].callback(first), clients[-1].callback(second)))
    for answers in await asyncio.gather(*pairs):
        assert all(a["error"] in (None, "TRANSACTION_ROLLED_BACK") for a in answers)
    assert await clients[0].balance(user) == Decimal("100.00")
