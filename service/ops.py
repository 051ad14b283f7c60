"""Liveness and readiness for the on-call engineer and the orchestrator; no balances."""

import asyncio

from aiohttp import web

from ledger.application import StoreUnavailableError
from service.keys import LEDGER, READS
from service.responses import json_response

routes = web.RouteTableDef()
READY_TIMEOUT_S = 3.0


@routes.get("/healthz")
async def healthz(_: web.Request) -> web.Response:
    """The process is up and its event loop turns."""
    return json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """The store answers a query within a few seconds."""
    loop = asyncio.get_running_loop()
    ping = loop.run_in_executor(request.app[READS], request.app[LEDGER].ping)
    try:
        await asyncio.wait_for(ping, READY_TIMEOUT_S)
    except (StoreUnavailableError, TimeoutError):
        return json_response({"status": "unavailable", "store": "down"}, status=503)
    return json_response({"status": "ready", "store": "up"})
