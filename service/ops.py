"""Liveness, readiness and metrics for the on-call engineer and the orchestrator; no balances.

Readiness is the writer's heartbeat: this process committed a moment ago, or a probe write
through every write lane commits now (bounded to 2 s), and its error record can be
written. A wedged lane, a store that takes no commit (a partition, a lost standby, a lock
held for ever) or a full disk all make it not ready, so a load balancer takes the server
out of rotation. /metrics probes the store on a thread of its own (service/probes.py).
"""

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.keys import METRICS, PROBES, WRITER
from service.responses import json_response

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(_: web.Request) -> web.Response:
    """The process is up and its event loop turns."""
    return json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """This process can commit now, and write down an error answer."""
    writer = request.app[WRITER]
    if not await writer.ready():
        record = "up" if writer.record.healthy else "refused"
        body = {"status": "unavailable", "store": "not committing", "error_record": record}
        return json_response(body, status=503)
    return json_response({"status": "ready", "store": "up", "error_record": "up"})


@routes.get("/metrics")
async def scrape(request: web.Request) -> web.Response:
    """Prometheus text exposition; the store's part is one bounded probe."""
    metrics = request.app[METRICS]
    metrics.store_reading = await request.app[PROBES].lag()
    body = generate_latest(metrics.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
