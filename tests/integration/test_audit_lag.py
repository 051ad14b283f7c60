"""An audit lookup never says "not found" while the read models are behind the ledger:
the entry may be committed and not yet read, so the answer is 503 READ_MODEL_BEHIND."""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient

from adapters.store import StoreSettings
from service.app import create_app
from service.keys import USERS
from service.settings import Secret, Settings
from tests.integration.test_backoffice_http import PASSWORDS, log_in
from tests.support.callbacks import ADMIN_TOKEN, SECRET, bet, body_of, route_of, sign

ClientMaker = Callable[[web.Application], Awaitable[TestClient]]  # type: ignore[type-arg]
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def settings(folder: Path, projections: str) -> Settings:
    return Settings(
        store=StoreSettings(url=f"sqlite:///{folder}/ledger.sqlite3", pool_size=4),
        security_hash=Secret(SECRET),
        admin_token=Secret(ADMIN_TOKEN),
        projections=projections,
        error_record=f"{folder}/error-record.log",
    )


async def placed(client: TestClient, bet_id: str) -> None:  # type: ignore[type-arg]
    fields = bet(bet_id, "lag-1", "1.00")
    body = body_of(**fields)
    deposit = {"currency": "USD", "amount": "5.00", "reference": "cash-" + bet_id}
    async with client.post("/api/wallets/lag-1/deposits", json=deposit, headers=AUTH) as r:
        assert r.status == 200, await r.text()
    signed = {"X-Security-Hash": sign(body)}
    async with client.post(route_of(fields), data=body, headers=signed) as r:
        assert (await r.json())["error"] is None


async def test_a_lookup_while_the_read_models_lag_is_503_not_404(
    tmp_path: Path, aiohttp_client: ClientMaker
) -> None:
    client = await aiohttp_client(create_app(settings(tmp_path, "off")))  # nobody projects
    await placed(client, "bet-lag-1")
    for wanted in ("bet-lag-1", "bet-never-sent"):
        async with client.get(f"/api/audit/transactions/{wanted}", headers=AUTH) as r:
            assert r.status == 503, await r.text()
            assert (await r.json())["error"] == "READ_MODEL_BEHIND"


async def test_a_lookup_on_current_read_models_is_the_entry_or_404(
    tmp_path: Path, aiohttp_client: ClientMaker
) -> None:
    client = await aiohttp_client(create_app(settings(tmp_path, "thread")))
    await placed(client, "bet-lag-2")
    async with client.get("/api/audit/transactions/bet-lag-2", headers=AUTH) as r:
        assert r.status == 200, await r.text()
    async with client.get("/api/audit/transactions/bet-never-sent", headers=AUTH) as r:
        assert r.status == 404
        assert (await r.json())["error"] == "NOT_FOUND"


async def test_the_back_office_page_says_behind_not_unknown(
    tmp_path: Path, aiohttp_client: ClientMaker
) -> None:
    app = create_app(replace(settings(tmp_path, "off"), backoffice_secret=Secret("b" * 32)))
    client = await aiohttp_client(app)
    app[USERS].add("otto", "auditor", PASSWORDS["otto"])
    await log_in(client, "otto")
    await placed(client, "bet-lag-3")
    async with client.get("/backoffice/transactions/bet-lag-3") as r:
        assert r.status == 503
        assert "catching up" in await r.text()
