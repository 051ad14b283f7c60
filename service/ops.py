"""Liveness, readiness and metrics for the on-call engineer and the orchestrator; no balances."""

import asyncio

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from adapters.failures import StoreUnavailableError
from service.blocking import off_loop
from service.keys import LEDGER, METRICS
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
    try:
        await asyncio.wait_for(off_loop(request, request.app[LEDGER].ping), READY_TIMEOUT_S)
    except (StoreUnavailableError, TimeoutError):
        return json_response({"status": "unavailable", "store": "down"}, status=503)
    return json_response({"status": "ready", "store": "up"})


@routes.get("/metrics")
async def scrape(request: web.Request) -> web.Response:
    """Prometheus text exposition (the store part is read on the read pool)."""
    body = await off_loop(request, generate_latest, request.app[METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
