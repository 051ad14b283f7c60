"""AUDITOR_TOKEN reads every GET under /api/ and is 403 FORBIDDEN on anything else."""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from domain.errors import SettingsError
from service.app import create_app
from service.settings import Secret, Settings
from tests.integration.test_backoffice_http import settings

ClientMaker = Callable[[web.Application], Awaitable[TestClient]]  # type: ignore[type-arg]
AUDITOR = "auditor-token-for-tests-41"
ADMIN = {"Authorization": "Bearer " + "a" * 16}
READS = {"Authorization": f"Bearer {AUDITOR}"}


@pytest.fixture
async def api(tmp_path: Path, aiohttp_client: ClientMaker) -> TestClient:  # type: ignore[type-arg]
    config = replace(settings(tmp_path), auditor_token=Secret(AUDITOR))
    return await aiohttp_client(create_app(config))


async def test_the_auditor_token_reads(api: TestClient) -> None:  # type: ignore[type-arg]
    for path in ("/api/wallets/p1", "/api/audit/events", "/api/audit/players/p1/events",
                 "/api/reports/daily?from=2026-01-01&to=2026-01-02"):  # fmt: skip
        answer = await api.get(path, headers=READS)
        assert answer.status == 200, path


async def test_the_auditor_token_writes_nothing(api: TestClient) -> None:  # type: ignore[type-arg]
    body = {"currency": "USD", "amount": "5.00", "reference": "r1"}
    for path in ("/api/wallets/p1/deposits", "/api/players/p1/block", "/api/nowhere"):
        answer = await api.post(path, json=body, headers=READS)
        assert answer.status == 403, path
        assert (await answer.json())["error"] == "FORBIDDEN"
    wallet = await (await api.get("/api/wallets/p1", headers=ADMIN)).json()
    assert wallet == {"user_id": "p1", "blocked": False, "balances": {}}


async def test_without_a_token_is_still_401(api: TestClient) -> None:  # type: ignore[type-arg]
    assert (await api.get("/api/wallets/p1")).status == 401
    wrong = {"Authorization": "Bearer " + AUDITOR[:-1]}
    assert (await api.get("/api/wallets/p1", headers=wrong)).status == 401


async def test_without_auditor_token_an_empty_bearer_is_refused(
    tmp_path: Path,
    aiohttp_client: ClientMaker,
) -> None:
    client = await aiohttp_client(create_app(settings(tmp_path)))
    assert (await client.get("/api/wallets/p1", headers={"Authorization": "Bearer "})).status == 401


def test_the_auditor_token_is_checked_like_the_other_secrets() -> None:
    base = {"IGPX_SECURITY_HASH": "s" * 16, "ADMIN_TOKEN": "a" * 16}
    with pytest.raises(SettingsError, match="AUDITOR_TOKEN must have at least 16"):
        Settings.from_env(base | {"AUDITOR_TOKEN": "short"})
    with pytest.raises(SettingsError, match="AUDITOR_TOKEN must differ"):
        Settings.from_env(base | {"AUDITOR_TOKEN": "a" * 16})
    with pytest.raises(SettingsError, match="BACKOFFICE_SECRET"):
        Settings.from_env(base | {"BACKOFFICE_SECRET": "short"})
    assert Settings.from_env(base | {"AUDITOR_TOKEN": "r" * 16}).auditor_token == "r" * 16
