"""The auditor's routes: a player's history, one entry's story, the whole ledger by position."""

from aiohttp import web

from domain.errors import NotFoundError, ReadModelBehindError
from service.api.reading import caught_up, page, paged
from service.blocking import off_loop
from service.keys import READ_MODELS
from service.parsing import path_text
from service.responses import json_response

routes = web.RouteTableDef()


@routes.get("/api/audit/players/{user_id}/events")
async def player_events(request: web.Request) -> web.Response:
    """The player's events, oldest first, each with its position and the balance after it."""
    user = path_text(request, "user_id")
    after, limit = page(request)
    read_models = request.app[READ_MODELS]
    events = await off_loop(request, read_models.player_events, user, after, limit)
    return json_response({"user_id": user, **paged(events, after, limit)})


@routes.get("/api/audit/events")
async def ledger_events(request: web.Request) -> web.Response:
    """Every event of the ledger in commit order."""
    after, limit = page(request)
    events = await off_loop(request, request.app[READ_MODELS].ledger_events, after, limit)
    return json_response(paged(events, after, limit))


@routes.get("/api/audit/transactions/{id}")
async def transaction(request: web.Request) -> web.Response:
    """One entry by OPERATOR id, cashier reference or CLIENT id: what arrived, what became of
    it, what reversed it."""
    wanted = path_text(request, "id")
    current = await caught_up(request)
    entry = await off_loop(request, request.app[READ_MODELS].entry, wanted)
    if entry is None and not current:  # it may be committed and not yet read: never say no
        raise ReadModelBehindError("the read models are behind the ledger")
    if entry is None:
        raise NotFoundError("no ledger entry has this OPERATOR id, cashier reference or CLIENT id")
    return json_response(entry | {"read_model_current": current})
