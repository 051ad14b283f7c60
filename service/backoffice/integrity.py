"""The integrity page: the hash chain verified incrementally, and the days' closing links."""

from datetime import UTC, datetime, timedelta

from aiohttp import web

from service.backoffice.render import page
from service.blocking import off_loop
from service.keys import READ_MODELS

routes = web.RouteTableDef()
DAYS = 31


@routes.get("/integrity")
async def integrity(request: web.Request) -> web.Response:
    """Advance the verification from its checkpoint; list the last month's closing links."""
    read_models = request.config_dict[READ_MODELS]
    checked = await off_loop(request, read_models.verified)
    head = await off_loop(request, read_models.head)
    end = datetime.now(UTC).date()
    rows = await off_loop(request, read_models.daily, end - timedelta(DAYS - 1), end, None)
    closing = sorted({(r["day"], r["closing_link"]) for r in rows if r["closing_link"]},
                     reverse=True)  # fmt: skip
    return await page(request, "integrity.html", checked=checked, head=head, closing=closing)
