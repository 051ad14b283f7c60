"""The player's page: wallet, block flag, history with balances, balances at a moment."""

import secrets
from functools import partial
from typing import Any
from urllib.parse import quote

from aiohttp import web

from domain.commands import Kind, Period
from domain.errors import InvalidRequestError
from domain.money import format_amount
from service.api.limits import limits_view
from service.api.reading import MAX_POSITION, point, whole_number
from service.backoffice.render import page
from service.blocking import off_loop
from service.keys import LEDGER, READ_MODELS, SETTINGS
from service.parsing import path_text, text

routes = web.RouteTableDef()
PAGE = 50


def player_url(user_id: str) -> str:
    """The player's page, whatever characters the id holds."""
    return f"/backoffice/players/{quote(user_id, safe='')}"


@routes.get("/players")
async def search(request: web.Request) -> web.StreamResponse:
    """Find a player by user_id."""
    wanted = request.query.get("user_id", "").strip()
    if wanted:
        raise web.HTTPSeeOther(player_url(text({"user_id": wanted}, "user_id")))
    return await page(request, "players.html")


@routes.get("/players/{user_id}")
async def player(request: web.Request) -> web.Response:
    """Everything about one player an auditor or support needs, in one page."""
    user = path_text(request, "user_id")
    after = whole_number(request, "after", 0, MAX_POSITION)
    ledger = request.config_dict[LEDGER]
    wallet = await off_loop(request, ledger.player, user)
    read_models = request.config_dict[READ_MODELS]
    events = await off_loop(request, read_models.player_events, user, after, PAGE)
    balances = wallet.balances if wallet else {}
    return await page(
        request,
        "player.html",
        user_id=user,
        known=wallet is not None,
        blocked=bool(wallet and wallet.blocked),
        balances={c: format_amount(b, c) for c, b in sorted(balances.items())},
        events=[_row(e) for e in events],
        after=after,
        next_after=events[-1]["position"] if len(events) == PAGE else None,
        at=await _balances_at(request, user),
        # The player's own currencies first: the likeliest choice is the default.
        currencies=sorted(
            request.config_dict[SETTINGS].currencies, key=lambda c: (c not in balances, c)
        ),
        url=player_url(user),
        rg=limits_view(user, wallet, ledger.clock()),
        kinds=[k.value for k in Kind],
        periods=[p.value for p in Period],
        # One per form shown: submitting a form twice moves the money once.
        references={k: f"backoffice-{secrets.token_hex(8)}" for k in ("deposit", "withdraw")},
    )


async def _balances_at(request: web.Request, user: str) -> dict[str, Any] | None:
    raw = request.query.get("at", "").strip()
    if not raw:
        return None
    try:
        where = point(raw[:64])
    except InvalidRequestError as error:
        return {"raw": raw[:64], "error": error.message}
    balances_at = partial(request.config_dict[READ_MODELS].balances_at, user, **where)
    balances, blocked = await off_loop(request, balances_at)
    shown = {c: format_amount(b, c) for c, b in sorted(balances.items())}
    return {"raw": raw[:64], "balances": shown, "blocked": blocked}


def _row(event: dict[str, Any]) -> dict[str, Any]:
    """One history line: the event's short name and a signed amount."""
    kind = str(event["type"]).rsplit(".", 1)[-1]
    amount = event.get("amount")
    if amount is not None and kind in ("BetDebited", "Withdrawn"):
        amount = f"-{amount}"
    elif amount is not None and kind == "RollbackApplied":
        amount = amount if event.get("reversed_action") == "bet" else f"-{amount}"
    elif kind in _NOT_MONEY:
        amount = None  # a limit's amount, a stake released from the windows: no money moved
    return event | {"kind": kind, "signed": amount, "detail": _detail(kind, event)}


_NOT_MONEY = ("LimitChanged", "StakeReleased")


def _detail(kind: str, event: dict[str, Any]) -> str:
    """What a limit or exclusion event asked for, in words, for the Event column."""
    if kind == "LimitChanged":
        amount = event["amount"] if event.get("amount") is not None else "no limit"
        return (
            f"{event['currency']} {event['kind']} per {event['period']}: {amount}, "
            f"from {str(event['effective_at'])[:16].replace('T', ' ')}"
        )
    if kind == "SelfExcluded":
        until = event.get("until")
        return "for ever" if until is None else f"until {str(until)[:16].replace('T', ' ')}"
    if kind == "StakeReleased":
        return f"{event['amount']} {event['currency']} no longer counts towards limits"
    return ""
