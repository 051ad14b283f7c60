"""Liveness, readiness and metrics for the on-call engineer and the orchestrator; no balances.

Neither route waits behind the callbacks or the audit reads: the store is probed on the
ops routes' own threads (service/probes.py), each probe bounded, and the metrics
themselves are read from memory.
"""

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.keys import METRICS, PROBES
from service.responses import json_response

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(_: web.Request) -> web.Response:
    """The process is up and its event loop turns."""
    return json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """The store answers a query within a couple of seconds."""
    if await request.app[PROBES].ready() is None:
        return json_response({"status": "unavailable", "store": "down"}, status=503)
    return json_response({"status": "ready", "store": "up"})


@routes.get("/metrics")
async def scrape(request: web.Request) -> web.Response:
    """Prometheus text exposition; the store's part is one bounded probe."""
    metrics = request.app[METRICS]
    metrics.store_reading = await request.app[PROBES].lag()
    body = generate_latest(metrics.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
