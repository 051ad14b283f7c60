"""The demo casino's server: its page, the balance and the sportsbook session, both via the ledger.

The browser never sees the ledger's admin token nor the OPERATOR's credentials: it asks this
server, which asks the ledger with the token; the ledger asks the OPERATOR.
"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from sims.casino.settings import CasinoSettings

STATIC = Path(__file__).parent / "static"
SETTINGS = web.AppKey("casino_settings", CasinoSettings)
HTTP = web.AppKey("casino_http", aiohttp.ClientSession)
_LEDGER_TIMEOUT = aiohttp.ClientTimeout(total=15, sock_connect=3)


async def _ledger(request: web.Request, method: str, path: str, **json: Any) -> web.Response:
    """Call the ledger with the admin token; relay its JSON and status, nothing else."""
    settings = request.app[SETTINGS]
    headers = {"Authorization": f"Bearer {settings.admin_token}"}
    try:
        async with request.app[HTTP].request(
            method, settings.ledger_url + path, json=json or None, headers=headers
        ) as answer:
            return web.json_response(await answer.json(content_type=None), status=answer.status)
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return web.json_response({"error": "LEDGER_UNAVAILABLE"}, status=502)


async def index(_: web.Request) -> web.FileResponse:
    """The casino page: balance on top, the sportsbook below."""
    return web.FileResponse(STATIC / "index.html")


async def wallet(request: web.Request) -> web.Response:
    """The logged-in player's wallet, as the ledger has it now."""
    settings = request.app[SETTINGS]
    return await _ledger(request, "GET", f"/api/wallets/{settings.player}")


async def me(request: web.Request) -> web.Response:
    """Who is logged in, and in which currency they play."""
    settings = request.app[SETTINGS]
    return web.json_response({"user_id": settings.player, "currency": settings.currency})


async def sportsbook(request: web.Request) -> web.Response:
    """A fresh iframe URL from the OPERATOR, through the ledger's sessions route."""
    settings = request.app[SETTINGS]
    player = {"user_id": settings.player, "currency": settings.currency, "lang": settings.lang}
    return await _ledger(request, "POST", "/api/sportsbook/sessions", **player)


async def _http(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession(timeout=_LEDGER_TIMEOUT) as session:
        app[HTTP] = session
        yield


def create_casino_app(settings: CasinoSettings) -> web.Application:
    """The casino's routes; its HTTP client opens when it starts."""
    app = web.Application()
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_http)
    app.router.add_get("/", index)
    app.router.add_get("/me", me)
    app.router.add_get("/me/wallet", wallet)
    app.router.add_post("/me/sportsbook", sportsbook)
    app.router.add_static("/assets/", STATIC)
    return app
