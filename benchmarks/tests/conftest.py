"""A CRUD wallet on a fresh PostgreSQL database per test, spoken to over real HTTP."""

import secrets
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from benchmarks.crud_wallet.app import create_app
from benchmarks.crud_wallet.config import Config
from benchmarks.crud_wallet.schema import create_tables
from benchmarks.databases import scratch_database
from benchmarks.wire import callback_url, sign

SECRET, TOKEN = "test-secret", "test-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


class Wallet:
    """The OPERATOR's and the cashier's side of one wallet under test."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client

    async def post(self, fields: dict[str, str], *, secret: str = SECRET) -> dict[str, Any]:
        """A signed callback; its JSON answer (always HTTP 200)."""
        body = orjson.dumps(fields)
        path = callback_url("", fields.get("action", ""))
        headers = {"X-Security-Hash": sign(body, secret.encode())}
        response = await self.client.post(path, data=body, headers=headers)
        assert response.status == 200
        return dict(await response.json())

    async def deposit(self, user: str, amount: str, reference: str) -> Any:
        body = {"currency": "USD", "amount": amount, "reference": reference}
        return await self.client.post(f"/api/wallets/{user}/deposits", json=body, headers=ADMIN)

    async def balance(self, user: str) -> Decimal:
        response = await self.client.get(f"/api/wallets/{user}", headers=ADMIN)
        assert response.status == 200
        return Decimal((await response.json())["balances"].get("USD", "0"))


def bet(tid: str, amount: str = "1.00", user: str = "u1") -> dict[str, str]:
    fields = {"transaction_id": tid, "action": "bet", "user_id": user, "currency": "USD"}
    return fields | {"amount": amount}


def result(tid: str, amount: str = "1.00", user: str = "u1") -> dict[str, str]:
    return bet(tid, amount, user) | {"action": "result"}


def rollback(tid: str, target: str, amount: str = "1.00", user: str = "u1") -> dict[str, str]:
    return bet(tid, amount, user) | {"action": "rollback", "rollback_transaction_id": target}


@pytest.fixture
def database_url() -> Iterator[str]:
    with scratch_database(f"bench_t_{secrets.token_hex(5)}") as url:
        create_tables(url)
        yield url


@pytest.fixture
async def wallet(aiohttp_client: Any, database_url: str) -> Wallet:
    config = Config(database_url=database_url, security_hash=SECRET, admin_token=TOKEN)
    return Wallet(await aiohttp_client(create_app(config)))
