"""One ledger entry by either id, with its whole story: arrived, answered, rolled back by."""

from typing import Any
from urllib.parse import quote

from aiohttp import web

from domain.transaction import IN_DOUBT
from service.api.reading import caught_up
from service.backoffice.render import page
from service.blocking import off_loop
from service.keys import READ_MODELS
from service.parsing import path_text, text

routes = web.RouteTableDef()
NEAR = 300  # a batch saves an entry and its player's event within this many positions


def entry_url(any_id: str) -> str:
    """The entry's page, whatever characters the id holds."""
    return f"/backoffice/transactions/{quote(any_id, safe='')}"


@routes.get("/transactions")
async def search(request: web.Request) -> web.StreamResponse:
    """Find an entry by OPERATOR id, CLIENT id or cashier reference."""
    wanted = request.query.get("id", "").strip()
    if wanted:
        raise web.HTTPSeeOther(entry_url(text({"id": wanted}, "id")))
    return await page(request, "transactions.html")


@routes.get("/transactions/{id}")
async def transaction(request: web.Request) -> web.Response:
    """The entry and the player events that carry it; an unknown id is a 404 page (503
    while the read models are behind)."""
    wanted = path_text(request, "id")
    current = await caught_up(request)
    read_models = request.config_dict[READ_MODELS]
    entry = await off_loop(request, read_models.entry, wanted)
    if entry is None:  # while the read models are behind, "not found" may be untrue: 503
        return await page(
            request, "transaction.html", status=404 if current else 503, wanted=wanted,
            entry=None, in_doubt=IN_DOUBT, current=current,
        )  # fmt: skip
    events = await off_loop(request, _events_of, read_models, entry)
    return await page(
        request, "transaction.html", wanted=wanted, entry=entry, events=events, current=current,
        in_doubt=IN_DOUBT,
    )  # fmt: skip


def _events_of(read_models: Any, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The player's events that name this entry (its movement, a rollback of it)."""
    user = entry.get("user_id")
    if not user:
        return []
    ids = {entry.get("operator_transaction_id"), entry.get("reference")} - {None}
    after = max(int(entry["position"]) - NEAR, 0)
    last = max(int(entry["position"]), int(entry.get("updated_position") or 0)) + NEAR
    found = []
    for event in read_models.player_events(user, after, 1000):
        if event["position"] > last:
            break
        named = {event.get("operator_transaction_id"), event.get("reference")}
        if ids & named or event.get("rollback_of") in ids:
            found.append(event | {"kind": str(event["type"]).rsplit(".", 1)[-1]})
    return found
