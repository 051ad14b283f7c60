"""getBalance and the one-endpoint callback URL, as a real integration of this OPERATOR uses
them, on every store: the PostgreSQL server process and an SQLite file in process."""

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from adapters.store import StoreSettings
from service.app import create_app
from service.settings import Secret, Settings
from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id, new_user
from tests.support.server import Server

BASE = cb.CALLBACK_PATH


@pytest.fixture(params=["postgres", "sqlite"])
async def ledger(
    request: pytest.FixtureRequest, server: Server, http: aiohttp.ClientSession, tmp_path: Path
) -> AsyncIterator[LedgerClient]:
    if request.param == "postgres":
        yield LedgerClient(http, server.base)
        return
    settings = Settings(
        store=StoreSettings(f"sqlite:///{tmp_path}/ledger.sqlite3"),
        security_hash=Secret(cb.SECRET),
        admin_token=Secret(cb.ADMIN_TOKEN),
        error_record=str(tmp_path / "error-record.log"),
    )
    async with TestServer(create_app(settings), host="127.0.0.1") as running:
        yield LedgerClient(http, str(running.make_url("")).rstrip("/"))


def get_balance(user: str, currency: str = "USD", **extra: Any) -> dict[str, Any]:
    return {"action": "getBalance", "user_id": user, "currency": currency, **extra}


async def signed(client: LedgerClient, path: str, fields: dict[str, Any]) -> dict[str, Any]:
    body = cb.body_of(**fields)
    status, answer = await client.post(path, body, {"X-Security-Hash": cb.sign(body)})
    assert status == 200
    return dict(answer)


async def events_of(client: LedgerClient, user: str) -> int:
    status, page = await client.api("GET", f"/api/audit/players/{user}/events")
    assert status == 200
    return len(page["events"])


@pytest.mark.parametrize("path", [BASE, f"{BASE}/transaction"])
async def test_get_balance_of_a_player_never_seen_is_zero(ledger: LedgerClient, path: str) -> None:
    answer = await signed(ledger, path, get_balance(new_user()))
    assert answer == {"error": None, "balance": "0.00", "currency": "USD"}


async def test_get_balance_reads_the_wallet_and_records_nothing(ledger: LedgerClient) -> None:
    user = new_user()
    await ledger.deposit(user, "10.00")
    await ledger.callback(cb.bet(new_id(), user, "4.00"))
    before = await events_of(ledger, user)
    for path in (BASE, f"{BASE}/transaction", BASE):
        answer = await signed(ledger, path, get_balance(user, transaction_id=new_id()))
        assert answer == {"error": None, "balance": "6.00", "currency": "USD"}
    assert await events_of(ledger, user) == before
    assert await ledger.balance(user) == Decimal("6.00")


async def test_get_balance_ignores_a_transaction_id_already_used(ledger: LedgerClient) -> None:
    user, bet_id = new_user(), new_id()
    await ledger.deposit(user, "10.00")
    await ledger.callback(cb.bet(bet_id, user, "4.00"))
    answer = await signed(ledger, BASE, get_balance(user, transaction_id=bet_id, amount="9"))
    assert answer == {"error": None, "balance": "6.00", "currency": "USD"}
    assert await ledger.balance(user) == Decimal("6.00")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        (get_balance("p1", currency="XXX"), "UNSUPPORTED_CURRENCY"),
        (get_balance("p1", currency="usd"), "UNSUPPORTED_CURRENCY"),
        ({"action": "getBalance", "currency": "USD"}, "INVALID_REQUEST"),
        ({"action": "getBalance", "user_id": "p1"}, "INVALID_REQUEST"),
        (get_balance("p1") | {"action": "getbalance"}, "INVALID_REQUEST"),
        ({"user_id": "p1", "currency": "USD"}, "INVALID_REQUEST"),
    ],
)
async def test_a_bad_get_balance_is_refused_with_its_code(
    ledger: LedgerClient, fields: dict[str, Any], code: str
) -> None:
    assert await signed(ledger, BASE, fields) == {"error": code}


async def test_get_balance_needs_the_signature(ledger: LedgerClient) -> None:
    body = cb.body_of(**get_balance(new_user()))
    for headers in ({}, {"X-Security-Hash": cb.sign(body + b" ")}):
        assert await ledger.post(BASE, body, headers) == (200, {"error": "INVALID_SIGNATURE"})


async def test_get_balance_is_not_a_rollback(ledger: LedgerClient) -> None:
    answer = await signed(ledger, f"{BASE}/transaction-rollback", get_balance(new_user()))
    assert answer == {"error": "INVALID_REQUEST"}


async def test_the_base_url_takes_every_money_action_exactly_once(ledger: LedgerClient) -> None:
    user, bet_id, result_id, rollback_id = new_user(), new_id(), new_id(), new_id()
    await ledger.deposit(user, "10.00")
    placed = await signed(ledger, BASE, cb.bet(bet_id, user, "4.00"))
    assert (placed["balance"], placed["currency"]) == ("6.00", "USD")
    assert await signed(ledger, f"{BASE}/transaction", cb.bet(bet_id, user, "4.00")) == placed
    won = await signed(ledger, BASE, cb.result(result_id, user, "7.00"))
    assert won["balance"] == "13.00"
    undone = await signed(ledger, BASE, cb.rollback(rollback_id, result_id, user, "7.00"))
    assert undone["balance"] == "6.00"
    assert await signed(ledger, BASE, cb.rollback(rollback_id, result_id, user, "7.00")) == undone
    assert await ledger.balance(user) == Decimal("6.00")


async def test_the_base_url_is_the_operators_not_the_token_guards(ledger: LedgerClient) -> None:
    async with ledger.session.post(ledger.base + BASE, data=b"{}") as response:
        assert response.status == 200
        assert await response.json() == {"error": "INVALID_SIGNATURE"}
