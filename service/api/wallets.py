"""The casino's wallet routes: balances, cashier deposits and withdrawals, blocking."""

from functools import partial
from typing import Any

from aiohttp import web

from domain.answers import Answer
from domain.commands import Block, Command, Deposit, Unblock, Withdraw
from domain.errors import DeclinedError
from domain.money import ZERO, format_amount
from domain.player import Player
from domain.validation import cashier_command
from service.api.reading import point
from service.blocking import off_loop
from service.bodies import read_body
from service.keys import LEDGER, READ_MODELS, SETTINGS, WRITER
from service.parsing import amount_text, load_object, path_text, text
from service.responses import json_response

routes = web.RouteTableDef()


def wallet_view(user: str, player: Player | None) -> dict[str, Any]:
    """The wallet as the casino reads it; a player never seen has no balances."""
    balances = player.balances if player else {}
    return {
        "user_id": user,
        "blocked": bool(player and player.blocked),
        "balances": {c: format_amount(b, c) for c, b in sorted(balances.items())},
    }


async def read_player(request: web.Request, user: str) -> Player | None:
    """The committed Player, read on the read pool (a read sees every answered write)."""
    return await off_loop(request, request.app[LEDGER].player, user)


@routes.get("/api/wallets/{user_id}")
async def get_wallet(request: web.Request) -> web.Response:
    """Balances per currency and the blocked flag; with ?at=, as they stood then."""
    user = path_text(request, "user_id")
    at = request.query.get("at")
    if at is None:
        return json_response(wallet_view(user, await read_player(request, user)))
    balances_at = partial(request.app[READ_MODELS].balances_at, user, **point(at))
    balances, blocked = await off_loop(request, balances_at)
    return json_response(
        {
            "user_id": user,
            "at": at,
            "blocked": blocked,
            "balances": {c: format_amount(b, c) for c, b in sorted(balances.items())},
        }
    )


async def cashier(request: web.Request, kind: type[Deposit] | type[Withdraw]) -> web.Response:
    """Validate a cashier body, write it once per reference, answer the new balance."""
    user = path_text(request, "user_id")
    obj = load_object(await read_body(request))
    cmd = cashier_command(
        kind,
        reference=text(obj, "reference"),
        user_id=user,
        currency=text(obj, "currency"),
        amount=amount_text(obj),
        currencies=request.app[SETTINGS].currencies,
    )
    result = await submit(request, cmd)
    return json_response(
        {
            "user_id": user,
            "reference": cmd.reference,
            "transaction_id": str(result.transaction_id),
            "currency": cmd.currency,
            "balance": format_amount(result.balance or ZERO, cmd.currency),
        }
    )


async def submit(request: web.Request, cmd: Command) -> Answer:
    """Write through the writer; a decline is raised for the API's error translation."""
    result = await request.app[WRITER].submit(cmd)
    if result.error is not None:
        raise DeclinedError(result.error.value, result.error)
    return result


@routes.post("/api/wallets/{user_id}/deposits")
async def deposit(request: web.Request) -> web.Response:
    """Credit the player, once per reference."""
    return await cashier(request, Deposit)


@routes.post("/api/wallets/{user_id}/withdrawals")
async def withdraw(request: web.Request) -> web.Response:
    """Debit the player, once per reference; 409 when short."""
    return await cashier(request, Withdraw)


@routes.post("/api/players/{user_id}/block")
async def block(request: web.Request) -> web.Response:
    """Decline the player's bets from now on."""
    return await set_blocked(request, Block)


@routes.post("/api/players/{user_id}/unblock")
async def unblock(request: web.Request) -> web.Response:
    """Accept the player's bets again."""
    return await set_blocked(request, Unblock)


async def set_blocked(request: web.Request, kind: type[Block] | type[Unblock]) -> web.Response:
    """Write the block state, then answer the wallet as it now stands."""
    user = path_text(request, "user_id")
    await submit(request, kind(user))
    return json_response(wallet_view(user, await read_player(request, user)))
