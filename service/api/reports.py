"""Finance's daily totals: stakes, payouts, rollbacks and GGR per day and currency."""

from aiohttp import web

from domain.errors import InvalidRequestError
from domain.money import valid_currency_code
from service.api.reading import caught_up, day
from service.blocking import off_loop
from service.keys import READ_MODELS
from service.responses import json_response

routes = web.RouteTableDef()


@routes.get("/api/reports/daily")
async def daily(request: web.Request) -> web.Response:
    """Per day and currency, with each day's closing link of the hash chain."""
    start, end = day(request, "from"), day(request, "to")
    currency = request.query.get("currency") or None
    if currency is not None and not valid_currency_code(currency):
        raise InvalidRequestError("currency must be three upper-case letters, like USD")
    current = await caught_up(request)
    rows = await off_loop(request, request.app[READ_MODELS].daily, start, end, currency)
    return json_response({"days": rows, "read_model_current": current})
