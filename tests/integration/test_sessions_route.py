"""The sessions route on a test-only app: 400s name the field, 502s come within the timeout."""

import time
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

from adapters.store import StoreSettings
from service.api.errors import api_errors
from service.api.sessions import PATH, setup_sessions
from service.igpx.client import Timeouts
from service.keys import SETTINGS
from service.settings import OperatorApi, Secret, Settings
from tests.support.operator_sim import PASSWORD, USERNAME, VERSION
from tests.support.server import free_port
from tests.support.slow_server import SilentServer

FAST = Timeouts(connect=0.5, total=1.0)
Post = Callable[[Any], Coroutine[Any, Any, tuple[int, Any]]]


def config(operator_url: str | None) -> Settings:
    operator = None
    if operator_url is not None:
        operator = OperatorApi(operator_url, VERSION, Secret(USERNAME), Secret(PASSWORD))
    return Settings(
        store=StoreSettings(url="sqlite:///unused.sqlite3"),
        security_hash=Secret("s"),
        admin_token=Secret("a"),
        operator=operator,
    )


async def serve(cfg: Settings) -> tuple[web.AppRunner, str]:
    """Only what setup_sessions needs: the settings, the API's errors, a real port."""
    app = web.Application(middlewares=[api_errors])
    app[SETTINGS] = cfg
    setup_sessions(app, timeouts=FAST)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}{PATH}"


async def poster(cfg: Settings) -> AsyncIterator[Post]:
    runner, url = await serve(cfg)
    async with aiohttp.ClientSession() as http:

        async def post(body: Any) -> tuple[int, Any]:
            data = body if isinstance(body, bytes) else orjson.dumps(body)
            async with http.post(url, data=data) as response:
                return response.status, orjson.loads(await response.read())

        yield post
    await runner.cleanup()


@pytest.fixture
async def post_down() -> AsyncIterator[Post]:
    """The route with an OPERATOR configured on a port nobody listens on."""
    async for post in poster(config(f"http://127.0.0.1:{free_port()}")):
        yield post


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        (b"not json", "INVALID_REQUEST", "JSON"),
        ([], "INVALID_REQUEST", "object"),
        ({"currency": "USD"}, "INVALID_REQUEST", "user_id"),
        ({"user_id": 7, "currency": "USD"}, "INVALID_REQUEST", "user_id"),
        ({"user_id": "", "currency": "USD"}, "INVALID_REQUEST", "user_id"),
        ({"user_id": "x" * 257, "currency": "USD"}, "INVALID_REQUEST", "user_id"),
        ({"user_id": "p1"}, "INVALID_REQUEST", "currency"),
        ({"user_id": "p1", "currency": "usd"}, "UNSUPPORTED_CURRENCY", "currency"),
        ({"user_id": "p1", "currency": "JPY"}, "UNSUPPORTED_CURRENCY", "currency"),
        ({"user_id": "p1", "currency": "USD", "lang": "de"}, "UNSUPPORTED_LANGUAGE", "lang"),
        ({"user_id": "p1", "currency": "USD", "lang": 5}, "INVALID_REQUEST", "lang"),
    ],
)
async def test_a_bad_session_request_is_400_naming_the_field(
    post_down: Post, body: Any, code: str, field: str
) -> None:
    status, answer = await post_down(body)
    assert status == 400
    assert answer["error"] == code
    assert field in answer["message"]


async def test_an_operator_that_is_down_gives_502_unavailable(post_down: Post) -> None:
    status, answer = await post_down({"user_id": "p1", "currency": "USD"})
    assert (status, answer["error"]) == (502, "OPERATOR_UNAVAILABLE")


async def test_without_the_operator_configured_the_route_is_503() -> None:
    async for post in poster(config(None)):
        status, answer = await post({"user_id": "p1", "currency": "USD"})
        assert (status, answer["error"]) == (503, "OPERATOR_NOT_CONFIGURED")
        assert "IGPX_API_URL" in answer["message"]


async def test_a_silent_operator_gives_502_within_the_timeout() -> None:
    async with SilentServer() as silent:
        async for post in poster(config(silent.base)):
            started = time.monotonic()
            status, answer = await post({"user_id": "p1", "currency": "USD", "lang": "es"})
            elapsed = time.monotonic() - started
            assert (status, answer["error"]) == (502, "OPERATOR_UNAVAILABLE")
            assert FAST.total <= elapsed < FAST.total + 1
