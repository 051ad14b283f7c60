"""Finance's daily totals: stakes, payouts, rollbacks and GGR per day and currency."""

from datetime import date

from aiohttp import web

from domain.codes import InvalidRequestError
from projections.queries import daily_totals
from service.api.reading import caught_up, off_loop
from service.keys import PROJECTION
from service.responses import json_response

routes = web.RouteTableDef()


def day_param(request: web.Request, name: str) -> date:
    """A required YYYY-MM-DD query parameter."""
    try:
        return date.fromisoformat(request.query.get(name, ""))
    except ValueError:
        raise InvalidRequestError(f"{name} must be a date like 2026-11-26") from None


@routes.get("/api/reports/daily")
async def daily(request: web.Request) -> web.Response:
    """Per day and currency, with each day's closing link of the hash chain."""
    start, end = day_param(request, "from"), day_param(request, "to")
    currency = request.query.get("currency") or None
    current = await caught_up(request)
    rows = await off_loop(
        request, daily_totals, request.app[PROJECTION].database, start, end, currency
    )
    return json_response({"days": rows, "read_model_current": current})
