"""The casino's responsible-gambling routes: a player's limits, changes to them, and
self-exclusion. Every change goes through the writer and is decided on the Player, with
who asked ("api" here) and why; reads come from the committed Player, at the ledger's now."""

from datetime import datetime
from typing import Any

from aiohttp import web

from domain import standing
from domain.codes import Code
from domain.errors import DeclinedError, InvalidRequestError
from domain.money import format_amount
from domain.player import Player
from domain.validation import exclusion_command, limit_command
from service.api.wallets import read_player
from service.bodies import read_body
from service.keys import LEDGER, SETTINGS, WRITER
from service.parsing import amount_text, load_object, path_text, text
from service.responses import json_response

routes = web.RouteTableDef()
API = "api"  # who asked, when it came through the API
_REFUSED = {Code.INVALID_REQUEST: "the exclusion would already be over: until is in the past"}


def limits_view(user: str, player: Player | None, now: datetime) -> dict[str, Any]:
    """Every limit with its usage now and any change waiting; every window's usage; the
    self-exclusion. Amounts as the currency's text, moments in ISO 8601 (UTC)."""
    excluded = standing.exclusion(player, now)
    return {
        "user_id": user,
        "at": now.isoformat(),
        "self_exclusion": None
        if excluded is None
        else {
            "until": excluded.last_day and excluded.last_day.isoformat(),
            "ends_at": excluded.ends_at and excluded.ends_at.isoformat(),
            "indefinite": excluded.ends_at is None,
        },
        "limits": [_limit(line) for line in standing.standing(player, now)],
        "usage": {
            currency: {
                kind.value: {p.value: format_amount(v, currency) for p, v in periods.items()}
                for kind, periods in kinds.items()
            }
            for currency, kinds in standing.usage(player, now).items()
        },
    }


def _limit(line: standing.LimitStanding) -> dict[str, Any]:
    def money(value: Any) -> str | None:
        return None if value is None else format_amount(value, line.currency)

    remaining = None if line.amount is None else max(line.amount - line.used, 0)
    pending = line.pending
    return {
        "currency": line.currency,
        "kind": line.kind.value,
        "period": line.period.value,
        "amount": money(line.amount),
        "used": money(line.used),
        "remaining": money(remaining),
        "pending": None
        if pending is None
        else {"amount": money(pending.amount), "effective_at": pending.effective_at.isoformat()},
    }


async def answer_limits(request: web.Request, user: str) -> web.Response:
    """The player's limits as committed, at the ledger's clock."""
    player = await read_player(request, user)
    return json_response(limits_view(user, player, request.app[LEDGER].clock()))


@routes.get("/api/players/{user_id}/limits")
async def get_limits(request: web.Request) -> web.Response:
    """Every limit, the usage of each window now, and pending changes with their moment."""
    return await answer_limits(request, path_text(request, "user_id"))


@routes.put("/api/players/{user_id}/limits")
async def put_limit(request: web.Request) -> web.Response:
    """Set, change or remove one limit: tighter at once, looser 24 hours after first asked."""
    user = path_text(request, "user_id")
    obj = load_object(await read_body(request))
    if "amount" not in obj:
        raise InvalidRequestError("amount is required: a decimal, or null to remove the limit")
    cmd = limit_command(
        user_id=user,
        currency=text(obj, "currency"),
        kind=text(obj, "kind"),
        period=text(obj, "period"),
        amount=None if obj["amount"] is None else amount_text(obj),
        currencies=request.app[SETTINGS].currencies,
        actor=API,
        reason=text(obj, "reason", limit=1000),
    )
    await _submit(request, cmd)
    return await answer_limits(request, user)


@routes.post("/api/players/{user_id}/self-exclusion")
async def self_exclude(request: web.Request) -> web.Response:
    """Exclude the player through a date, or for ever; nothing ends it early."""
    user = path_text(request, "user_id")
    obj = load_object(await read_body(request))
    if "until" not in obj or not (obj["until"] is None or type(obj["until"]) is str):
        raise InvalidRequestError("until is required: a date like 2027-01-31, or null")
    cmd = exclusion_command(
        user_id=user, until=obj["until"], actor=API, reason=text(obj, "reason", limit=1000)
    )
    await _submit(request, cmd)
    return await answer_limits(request, user)


async def _submit(request: web.Request, cmd: Any) -> None:
    result = await request.app[WRITER].submit(cmd)
    if result.error is not None:
        message = _REFUSED.get(result.error, result.error.value)
        raise DeclinedError(message, result.error)
