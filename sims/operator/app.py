"""The simulator as one aiohttp application: the OPERATOR's API, the iframe, the callbacks."""

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from sims.operator import api, export, play
from sims.operator.ledger import LedgerLink
from sims.operator.settings import SimSettings
from sims.operator.state import LINK, OPERATOR, Operator


def create_sim_app(settings: SimSettings) -> web.Application:
    """Everything the simulator serves; the ledger link opens when it starts."""
    app = web.Application()
    app[OPERATOR] = Operator(settings, port=settings.port)
    app.cleanup_ctx.append(_ledger_link)
    api.add_routes(app, settings.version)
    play.add_routes(app)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/_sim/export", export.export)
    return app


async def _healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _ledger_link(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as session:
        app[LINK] = LedgerLink(app[OPERATOR].settings, session)
        yield
        await app[LINK].close()
