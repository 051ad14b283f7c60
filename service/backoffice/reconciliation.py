"""The reconciliation page: an OPERATOR export uploaded, compared and saved as a run; the
run's counts by class, then its discrepancies a page at a time."""

from datetime import date
from functools import partial
from typing import Any
from urllib.parse import quote

from aiohttp import web

from adapters.operator_export import text_lines
from domain.errors import InvalidRequestError
from domain.reconciliation import Agreement
from projections.agreement import Window
from service.api.reading import caught_up, whole_number
from service.api.reconciliations import run_page
from service.backoffice.render import page
from service.keys import READ_MODELS, RECONCILE_QUEUE
from service.parsing import path_text

routes = web.RouteTableDef()
SHOWN = 500  # discrepancies on one page; the counts cover all of them
MAX_AFTER = 2**62


@routes.get("/reconciliation")
async def form(request: web.Request) -> web.Response:
    """The upload form."""
    return await page(request, "reconciliation.html", result=None)


@routes.post("/reconciliation")
async def compare(request: web.Request) -> web.Response:
    """Compare the uploaded export with the ledger, save the run, and show its first page."""
    posted = await request.post()  # already read (and its CSRF token checked) by the guard
    export = posted.get("export")
    if not isinstance(export, web.FileField):
        raise InvalidRequestError("choose the OPERATOR's export file (CSV or JSON lines)")
    window = Window(_day(posted.get("from")), _day(posted.get("to")))
    await caught_up(request)
    export.file.seek(0)
    read_models = request.config_dict[READ_MODELS]
    work = partial(read_models.reconcile_export, text_lines(export.file), window)
    result = await request.config_dict[RECONCILE_QUEUE].run(work, export.filename, SHOWN)
    return await _render(request, result)


@routes.get("/reconciliation/{run}")
async def run(request: web.Request) -> web.Response:
    """One page of a saved run: `after` the number of discrepancies already seen."""
    after = whole_number(request, "after", 0, MAX_AFTER)
    return await _render(request, await run_page(request, path_text(request, "run"), after, SHOWN))


async def _render(request: web.Request, result: dict[str, Any]) -> web.Response:
    after = result["discrepancies"][0]["seq"] - 1 if result["discrepancies"] else 0
    more = f"/backoffice/reconciliation/{quote(result['run'], safe='')}?after="
    return await page(
        request, "reconciliation.html", result=result, shown=result["discrepancies"],
        classes=[a.value for a in Agreement], name=result["name"], first=after + 1,
        next_url=more + str(result["next_after"]) if result["more"] else None,
        previous_url=more + str(max(after - SHOWN, 0)) if after else None,
    )  # fmt: skip


def _day(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequestError("from and to must be dates like 2026-11-26") from None
