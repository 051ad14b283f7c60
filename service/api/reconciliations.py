"""POST /api/reconciliations: an OPERATOR export in the body, its comparison in the answer."""

import tempfile
from datetime import date
from functools import partial

from aiohttp import web

from projections.agreement import Window
from service.api.reading import caught_up, day
from service.blocking import off_loop
from service.bodies import spool_body
from service.keys import READ_MODELS
from service.responses import json_response

routes = web.RouteTableDef()
MAX_EXPORT = 256 * 1024 * 1024  # about two million rows
UPLOAD_TIMEOUT_S = 120.0


@routes.post("/api/reconciliations")
async def reconcile(request: web.Request) -> web.Response:
    """Counts by class and every discrepancy, as `python -m scripts.reconcile --format json`."""
    window = Window(_optional_day(request, "from"), _optional_day(request, "to"))
    with tempfile.TemporaryFile("w+b") as spooled:
        await spool_body(request, spooled, MAX_EXPORT, UPLOAD_TIMEOUT_S)
        spooled.seek(0)
        await caught_up(request)
        lines = (raw.decode("utf-8", "replace") for raw in spooled)
        work = partial(request.app[READ_MODELS].reconcile_export, lines, window)
        return json_response(await off_loop(request, work))


def _optional_day(request: web.Request, name: str) -> date | None:
    return day(request, name) if name in request.query else None
