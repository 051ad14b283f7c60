"""Hostile callbacks against the real aiohttp app on an SQLite file: always HTTP 200 with a
contract code, never a hang, and money moves only for a delivery that could move it."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.store import StoreSettings
from service.app import create_app
from service.settings import Secret, Settings
from tests.support.callbacks import ADMIN_TOKEN, SECRET
from tests.support.fuzz import (
    CODES,
    REFUSALS,
    ROUTES,
    Delivery,
    deliveries,
    expected_delta,
    raw_object,
    signed,
)

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PER_REQUEST = aiohttp.ClientTimeout(total=10)  # a hang fails the example
FUZZ = settings(
    derandomize=True,
    deadline=None,
    max_examples=250,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
Client = TestClient[Any, Any]
ROUTE = ROUTES[0]


@pytest.fixture
async def client(aiohttp_client: Callable[[Any], Awaitable[Client]], tmp_path: Path) -> Client:
    config = Settings(
        store=StoreSettings(f"sqlite:///{tmp_path}/fuzz.sqlite3"),
        security_hash=Secret(SECRET),
        admin_token=Secret(ADMIN_TOKEN),
        error_record=str(tmp_path / "error-record.log"),
    )
    return await aiohttp_client(create_app(config))


async def api(client: Client, method: str, path: str, payload: Any = None) -> Any:
    data = None if payload is None else orjson.dumps(payload)
    async with client.request(method, path, data=data, headers=ADMIN) as response:
        assert response.status == 200, (path, await response.text())
        return orjson.loads(await response.read())


async def balance(client: Client, user: str) -> Decimal:
    wallet = await api(client, "GET", f"/api/wallets/{quote(user, safe='')}")
    return Decimal(wallet["balances"].get("USD", "0"))


async def head(client: Client) -> int:
    """The last position in the event log."""
    after = 0
    while page := (await api(client, "GET", f"/api/audit/events?after={after}&limit=1000"))[
        "events"
    ]:
        after = page[-1]["position"]
    return after


async def deliver(client: Client, delivery: Delivery) -> tuple[bytes, dict[str, Any]]:
    """POST the raw bytes; the answer must be HTTP 200 and a JSON object with a contract code."""
    async with client.post(
        delivery.route, data=delivery.body, headers=delivery.headers, timeout=PER_REQUEST
    ) as response:
        raw = await response.read()
        assert response.status == 200, (delivery.why, response.status, raw[:300])
    answer = orjson.loads(raw)
    assert isinstance(answer, dict), raw
    assert answer["error"] is None or answer["error"] in CODES, (delivery.why, answer)
    return raw, answer


@given(data=st.data())
@FUZZ
async def test_fuzzed_callbacks_answer_200_with_a_contract_code_and_move_no_money(
    client: Client, data: st.DataObject
) -> None:
    user = f"fz-{uuid.uuid4().hex[:12]}"
    await api(client, "POST", f"/api/wallets/{user}/deposits", fuzz_funding(user))
    delivery = data.draw(deliveries(user), label="delivery")
    before, position = await balance(client, user), await head(client)
    raw, answer = await deliver(client, delivery)
    after = await balance(client, user)
    if answer["error"] is None:
        assert delivery.may_apply, (delivery.why, answer)
        assert after - before == expected_delta(delivery), (delivery.why, answer)
        again, _ = await deliver(client, delivery)
        assert again == raw
        assert await balance(client, user) == after
        return
    assert after == before, (delivery.why, answer)
    if answer["error"] in REFUSALS:
        assert await head(client) == position, f"{delivery.why} recorded something"


def fuzz_funding(user: str) -> dict[str, str]:
    return {"currency": "USD", "amount": "100.00", "reference": f"fund-{user}"}


async def test_the_app_still_serves_after_a_burst_of_garbage(client: Client) -> None:
    bodies = [bytes([n % 256]) * n for n in range(0, 4000, 97)]

    async def one(i: int, body: bytes) -> int:
        async with client.post(ROUTES[i % 2], data=body, timeout=PER_REQUEST) as response:
            await response.read()
            return response.status

    statuses = await asyncio.gather(*(one(i, b) for i, b in enumerate(bodies)))
    assert set(statuses) == {200}
    async with client.get("/healthz") as response:
        assert response.status == 200


@pytest.mark.parametrize("amount", ['"' + "1" * 27 + '"', "1" * 27, "9" * 40 + ".5"])
async def test_an_amount_with_27_integer_digits_is_invalid_amount_not_a_500(
    client: Client, amount: str
) -> None:
    body = raw_object(
        [(k, amount if k == "amount" else orjson.dumps(v).decode()) for k, v in bet_fields()]
    )
    async with client.post(ROUTE, data=body, headers=signed(body)) as response:
        assert response.status == 200
        assert await response.json() == {"error": "INVALID_AMOUNT"}


async def test_a_deposit_with_27_integer_digits_is_400_invalid_amount(client: Client) -> None:
    payload = {"currency": "USD", "amount": "1" * 27, "reference": uuid.uuid4().hex}
    async with client.post("/api/wallets/u1/deposits", json=payload, headers=ADMIN) as response:
        assert (response.status, (await response.json())["error"]) == (400, "INVALID_AMOUNT")


def bet_fields() -> list[tuple[str, str]]:
    return [
        ("transaction_id", uuid.uuid4().hex),
        ("action", "bet"),
        ("user_id", "u1"),
        ("currency", "USD"),
        ("amount", "1.00"),
    ]
