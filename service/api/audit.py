"""The auditor's routes: a player's history, one entry's story, the whole ledger by position."""

from aiohttp import web

from projections.queries import transaction_entry
from service.api.reading import caught_up, off_loop, page, paged
from service.api.wallets import user_id
from service.keys import HISTORY, PROJECTION
from service.responses import api_error, json_response

routes = web.RouteTableDef()


@routes.get("/api/audit/players/{user_id}/events")
async def player_events(request: web.Request) -> web.Response:
    """The player's events, oldest first, each with its position and the balance after it."""
    user = user_id(request)
    after, limit = page(request)
    events = await off_loop(request, request.app[HISTORY].player, user, after, limit)
    return json_response({"user_id": user, **paged(events, after, limit)})


@routes.get("/api/audit/events")
async def ledger_events(request: web.Request) -> web.Response:
    """Every event of the ledger in commit order."""
    after, limit = page(request)
    events = await off_loop(request, request.app[HISTORY].ledger, after, limit)
    return json_response(paged(events, after, limit))


@routes.get("/api/audit/transactions/{id}")
async def transaction(request: web.Request) -> web.Response:
    """One entry by OPERATOR or CLIENT id: what arrived, what became of it, what reversed it."""
    wanted = request.match_info["id"]
    current = await caught_up(request)
    entry = await off_loop(request, transaction_entry, request.app[PROJECTION].database, wanted)
    if entry is None:
        return api_error(404, "NOT_FOUND", "no ledger entry has this OPERATOR or CLIENT id")
    return json_response(entry | {"read_model_current": current})
