"""The reconciliation page: an OPERATOR export uploaded, its discrepancies shown by class."""

from datetime import date
from functools import partial
from typing import Any

from aiohttp import web

from domain.errors import InvalidRequestError
from domain.reconciliation import Agreement
from projections.agreement import Window
from service.api.reading import caught_up
from service.backoffice.render import page
from service.blocking import off_loop
from service.keys import READ_MODELS

routes = web.RouteTableDef()
SHOWN = 500  # discrepancies listed on the page; the counts cover all of them


@routes.get("/reconciliation")
async def form(request: web.Request) -> web.Response:
    """The upload form."""
    return await page(request, "reconciliation.html", result=None)


@routes.post("/reconciliation")
async def compare(request: web.Request) -> web.Response:
    """Compare the uploaded export with the ledger; counts by class, then each discrepancy."""
    posted = await request.post()  # already read (and its CSRF token checked) by the guard
    export = posted.get("export")
    if not isinstance(export, web.FileField):
        raise InvalidRequestError("choose the OPERATOR's export file (CSV or JSON lines)")
    window = Window(_day(posted.get("from")), _day(posted.get("to")))
    await caught_up(request)
    export.file.seek(0)
    lines = (raw.decode("utf-8", "replace") for raw in export.file)
    work = partial(request.config_dict[READ_MODELS].reconcile_export, lines, window)
    result: dict[str, Any] = await off_loop(request, work)
    found = result["discrepancies"]
    return await page(
        request, "reconciliation.html", result=result, shown=found[:SHOWN],
        hidden=max(len(found) - SHOWN, 0), classes=[a.value for a in Agreement],
        name=export.filename,
    )  # fmt: skip


def _day(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequestError("from and to must be dates like 2026-11-26") from None
