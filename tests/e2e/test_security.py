"""Secrets never leak (logs, answers, /metrics), comparisons are constant-time, and every
/api/ route but the callbacks refuses a missing or wrong token."""

import hmac
import inspect
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import pytest

from adapters.store import StoreSettings
from service import callbacks, signature
from service.api import auth
from service.app import create_app
from service.settings import Secret, Settings
from tests.support import callbacks as cb
from tests.support.client import new_id, new_user
from tests.support.operator_sim import VERSION, Simulator, running_simulator
from tests.support.server import Server, running_service

SECRETS = {
    "IGPX_SECURITY_HASH": f"sec-hash-{uuid.uuid4().hex}",
    "ADMIN_TOKEN": f"sec-token-{uuid.uuid4().hex}",
    "IGPX_CLIENT_USERNAME": f"sec-user-{uuid.uuid4().hex}",
    "IGPX_CLIENT_PASSWORD": f"sec-pass-{uuid.uuid4().hex}",
}
DB_PASSWORD = f"sec-db-{uuid.uuid4().hex}"  # trust auth ignores it; it must not show either


@pytest.fixture(scope="module")
def simulator(log_dir: Path) -> Iterator[Simulator]:
    with running_simulator(log_dir) as running:
        yield running


@pytest.fixture(scope="module")
def guarded(database: str, log_dir: Path, simulator: Simulator) -> Iterator[Server]:
    parts = urlsplit(database)
    url = parts._replace(netloc=f"{parts.username}:{DB_PASSWORD}@{parts.hostname}:{parts.port}")
    operator = {"IGPX_API_URL": simulator.base, "IGPX_API_VERSION": VERSION}
    env = SECRETS | operator | {"LOG_LEVEL": "debug"}
    with running_service(url.geturl(), log_dir, "guarded", **env) as server:
        yield server


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as opened:
        yield opened


class Recorder:
    """Sends requests and keeps every answer (status line, headers, body) to search later."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session, self.base, self.seen = session, base, []

    async def send(self, method: str, path: str, **kwargs: Any) -> int:
        async with self.session.request(method, self.base + path, **kwargs) as response:
            body = await response.read()
            self.seen.append(f"{response.status} {response.reason} {dict(response.headers)}")
            self.seen.append(body.decode(errors="replace"))
            return response.status

    def admin(self, token: str = SECRETS["ADMIN_TOKEN"]) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def callback(self, fields: dict[str, Any], secret: str) -> None:
        body = cb.body_of(**fields)
        headers = {"X-Security-Hash": cb.sign(body, secret)}
        await self.send("POST", cb.route_of(fields), data=body, headers=headers)


async def varied_traffic(rec: Recorder, simulator: Simulator) -> None:
    """Secrets are sent as credentials (never as data the service would rightly echo)."""
    user, token = new_user(), SECRETS["ADMIN_TOKEN"]
    deposit = {"currency": "USD", "amount": "50.00", "reference": new_id()}
    assert (
        await rec.send("POST", f"/api/wallets/{user}/deposits", json=deposit, headers=rec.admin())
        == 200
    )
    secret = SECRETS["IGPX_SECURITY_HASH"]
    for fields in (
        cb.bet(new_id(), user),
        cb.result(new_id(), user),
        cb.rollback(new_id(), "x", user),
    ):
        await rec.callback(fields, secret)  # good
        await rec.callback(fields, secret + "x")  # wrong key
        await rec.callback(fields, token)  # the admin token as the key
        await rec.send("POST", cb.route_of(fields), data=b"{", headers={"X-Security-Hash": secret})
    await rec.callback(cb.bet(new_id(), user, "1" * 30), secret)  # an unexpected error's path
    for header in (token, f"Bearer {token}x", f"Basic {token}", f"Bearer {secret}", "Bearer"):
        await rec.send("GET", f"/api/wallets/{user}", headers={"Authorization": header})
    await rec.send("GET", f"/api/audit/players/{user}/events", headers=rec.admin())
    await rec.send("GET", "/api/openapi.json", headers=rec.admin())
    await rec.send("POST", f"/api/wallets/{user}/withdrawals", data=token, headers=rec.admin())
    for path in ("/healthz", "/readyz", "/metrics", "/nowhere"):
        await rec.send("GET", path)
    session_body = {"user_id": user, "currency": "USD"}
    # The OPERATOR refuses these credentials, then it is stopped altogether.
    assert (
        await rec.send("POST", "/api/sportsbook/sessions", json=session_body, headers=rec.admin())
        == 502
    )
    simulator.stop()
    assert (
        await rec.send("POST", "/api/sportsbook/sessions", json=session_body, headers=rec.admin())
        == 502
    )
    await rec.send("GET", "/metrics")


async def test_no_secret_appears_in_logs_answers_or_metrics(
    guarded: Server, simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    rec = Recorder(session, guarded.base)
    await varied_traffic(rec, simulator)
    guarded.stop()  # flush and close: the whole log, start-up to shutdown
    log = guarded.log_text()
    assert '"event":"callback"' in log  # the traffic was logged
    assert '"event":"sportsbook_session"' in log
    answers = "\n".join(rec.seen)
    for name, value in SECRETS.items() | {("DATABASE_URL password", DB_PASSWORD)}:
        for form in {value, quote(value), value.encode().hex()}:
            assert form not in log, f"{name} is in the service log"
            assert form not in answers, f"{name} is in an answer"


def test_the_signature_is_compared_in_constant_time() -> None:
    assert signature.hmac is hmac
    assert "compare_digest" in signature.verify.__code__.co_names
    assert "hmac.compare_digest(" in inspect.getsource(signature.verify)


def test_the_admin_token_is_compared_in_constant_time() -> None:
    assert auth.hmac is hmac
    assert "compare_digest" in auth.authorized.__code__.co_names
    assert "hmac.compare_digest(" in inspect.getsource(auth.authorized)


def guarded_routes() -> list[tuple[str, str]]:
    """Every /api/ route the app serves but the OPERATOR's callbacks, from its own router."""
    config = Settings(
        store=StoreSettings("sqlite:///unused.sqlite3"),
        security_hash=Secret("s"),
        admin_token=Secret("t"),
    )
    app = create_app(config)
    callback_routes = set(callbacks.paths(config.callback_path).values())
    routes = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if path.startswith("/api/") and path not in callback_routes:
            routes.add((route.method, path.replace("{user_id}", "u1").replace("{id}", "t1")))
    return sorted(routes)


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer wrong", "Basic dGVzdA==", "Token test-admin-token",
     f"Bearer {cb.ADMIN_TOKEN}x", f"Bearer {cb.ADMIN_TOKEN[:-1]}", cb.ADMIN_TOKEN],
)  # fmt: skip
async def test_every_api_route_refuses_a_missing_or_wrong_token(
    server: Server, session: aiohttp.ClientSession, authorization: str | None
) -> None:
    routes = guarded_routes()
    assert len(routes) >= 12  # the router was read, not an empty list
    headers = {} if authorization is None else {"Authorization": authorization}
    for method, path in routes:
        async with session.request(method, server.base + path, headers=headers) as response:
            assert response.status == 401, (method, path, authorization)
            if method != "HEAD":
                assert (await response.json())["error"] == "UNAUTHORIZED"
