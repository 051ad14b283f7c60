"""POST /api/reconciliations: an OPERATOR export in the body, compared and saved as a run;
GET /api/reconciliations/{run}: the run's counts and its discrepancies, a page at a time."""

import tempfile
from datetime import date
from functools import partial
from typing import Any

from aiohttp import web

from adapters.operator_export import text_lines
from domain.errors import NotFoundError
from projections.agreement import Window
from service.api.reading import caught_up, day, page
from service.blocking import off_loop
from service.keys import READ_MODELS, RECONCILE_QUEUE, SETTINGS
from service.parsing import path_text
from service.responses import json_response
from service.uploads import spool_upload

routes = web.RouteTableDef()


@routes.post("/api/reconciliations")
async def reconcile(request: web.Request) -> web.Response:
    """The run's id, counts by class and the first page of discrepancies (`limit`)."""
    window = Window(_optional_day(request, "from"), _optional_day(request, "to"))
    _, first = page(request)
    with tempfile.TemporaryFile("w+b") as spooled:
        await spool_upload(request, spooled, request.app[SETTINGS].reconcile_max_bytes)
        spooled.seek(0)
        await caught_up(request)
        work = partial(request.app[READ_MODELS].reconcile_export, text_lines(spooled), window)
        return json_response(await request.app[RECONCILE_QUEUE].run(work, "", first))


@routes.get("/api/reconciliations/{run}")
async def run(request: web.Request) -> web.Response:
    """A page of a run's discrepancies after the `after`-th, with the run's counts."""
    found = await run_page(request, path_text(request, "run"), *page(request))
    return json_response(found)


async def run_page(request: web.Request, run_id: str, after: int, limit: int) -> dict[str, Any]:
    """A saved run's page (the API's and the back office's); NOT_FOUND when it is gone."""
    read_models = request.config_dict[READ_MODELS]
    found = await off_loop(request, read_models.reconciliation, run_id, after, limit)
    if found is None:
        raise NotFoundError("no such reconciliation run (only the newest runs are kept)")
    return found


def _optional_day(request: web.Request, name: str) -> date | None:
    return day(request, name) if name in request.query else None
