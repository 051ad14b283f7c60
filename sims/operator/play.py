"""The player's iframe: the sportsbook page, its state, and the bets placed and settled in it."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiohttp import web

from sims.operator import tokens
from sims.operator.book import CARD, Bet, new_transaction_id
from sims.operator.ledger import Delivery
from sims.operator.state import LINK, OPERATOR
from sims.wire import amount_text, json_response, parse_amount, read_object

STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Player:
    """Whom the iframe's session token was issued for."""

    user_id: str
    currency: str
    lang: str


def _player(request: web.Request) -> Player:
    claims = tokens.read(request.app[OPERATOR].key, request.match_info["token"])
    if not claims or claims.get("kind") != "play":
        raise web.HTTPNotFound(text="this sportsbook session is not valid; start a new one")
    return Player(claims["user_id"], claims["currency"], claims["lang"])


def _fields(bet: Bet, action: str, amount: Decimal, **extra: str) -> dict[str, str]:
    tid = bet.id if action == "bet" else new_transaction_id()
    return {"transaction_id": tid, **extra, "action": action, "user_id": bet.user_id,
            "currency": bet.currency, "amount": amount_text(amount, bet.currency)}  # fmt: skip


def _state(request: web.Request, player: Player) -> web.Response:
    op, link = request.app[OPERATOR], request.app[LINK]
    return json_response(
        {
            "player": {"user_id": player.user_id, "currency": player.currency, "lang": player.lang},
            "matches": [m.view() for m in CARD],
            "bets": [b.view() for b in op.book.of(player.user_id, player.currency)],
            "callbacks": [d.view() for d in link.of(player.user_id, player.currency)],
        }
    )


async def _body(request: web.Request) -> dict[str, Any]:
    return read_object(await request.read()) or {}


def _problem(status: int, message: str) -> web.Response:
    return json_response({"error": message}, status=status)


async def page(_: web.Request) -> web.FileResponse:
    """The sportsbook page; its script reads the session token from the address."""
    return web.FileResponse(STATIC / "play.html")


async def state(request: web.Request) -> web.Response:
    """Matches, the player's bets and every callback sent for them, with its answer."""
    return _state(request, _player(request))


def _after_bet(request: web.Request, bet: Bet, delivery: Delivery) -> None:
    error = (delivery.answer or {}).get("error", "INTERNAL_ERROR")
    if delivery.lost:  # the OPERATOR never heard back and, like some do, gives up on it
        bet.status = "failed: answer lost"
    elif delivery.state == "answered" and error is None:
        bet.status = "open"
    elif delivery.state == "answered" and error != "INTERNAL_ERROR":
        bet.status = f"declined: {error}"
    else:  # the ledger may or may not have it: cancel it for sure, as a real OPERATOR would
        bet.status = "cancelled: no answer"
        fields = _fields(bet, "rollback", bet.stake, rollback_transaction_id=bet.id)
        request.app[LINK].send_until_answered(fields)


async def place(request: web.Request) -> web.Response:
    """A bet: recorded, then its callback sent once; the answer decides the bet's status."""
    player = _player(request)
    body = await _body(request)
    try:
        stake = parse_amount(str(body.get("stake", "")), player.currency)
    except ValueError as error:
        return _problem(400, f"stake: {error}")
    if stake <= 0:
        return _problem(400, "the stake must be more than zero")
    try:
        bet = request.app[OPERATOR].book.place(
            player.user_id, player.currency, str(body.get("match_id")), str(body.get("pick")), stake
        )
    except ValueError as error:
        return _problem(400, str(error))
    delivery = await request.app[LINK].send_once(_fields(bet, "bet", stake))
    _after_bet(request, bet, delivery)
    return _state(request, player)


def _open_bet(request: web.Request, player: Player) -> Bet:
    bet = request.app[OPERATOR].book.bets.get(request.match_info["bet_id"])
    if bet is None or (bet.user_id, bet.currency) != (player.user_id, player.currency):
        raise web.HTTPNotFound(text="no such bet")
    if bet.status != "open":
        raise web.HTTPConflict(text=f"the bet is {bet.status}")
    return bet


async def settle(request: web.Request) -> web.Response:
    """{"outcome": "win"} sends a result with the payout, "loss" one of 0.00; until answered."""
    player = _player(request)
    outcome = (await _body(request)).get("outcome")
    if outcome not in ("win", "loss"):
        return _problem(400, "outcome must be win or loss")
    bet = _open_bet(request, player)
    bet.status = "won" if outcome == "win" else "lost"
    amount = bet.payout() if outcome == "win" else Decimal(0)
    request.app[LINK].send_until_answered(_fields(bet, "result", amount))
    return _state(request, player)


async def rollback(request: web.Request) -> web.Response:
    """Cancel an open bet: a transaction-rollback naming it, sent until answered."""
    player = _player(request)
    bet = _open_bet(request, player)
    bet.status = "rolled back"
    fields = _fields(bet, "rollback", bet.stake, rollback_transaction_id=bet.id)
    request.app[LINK].send_until_answered(fields)
    return _state(request, player)


def add_routes(app: web.Application) -> None:
    """The iframe page, its JSON, and its script and style."""
    app.router.add_get("/play/{token}", page)
    app.router.add_get("/play/{token}/state", state)
    app.router.add_post("/play/{token}/bets", place)
    app.router.add_post("/play/{token}/bets/{bet_id}/settle", settle)
    app.router.add_post("/play/{token}/bets/{bet_id}/rollback", rollback)
    app.router.add_static("/assets/", STATIC)
