"""The casino's wallet routes: balances, cashier deposits and withdrawals, blocking."""

import asyncio
from functools import partial
from typing import Any

from aiohttp import web

from adapters.logsetup import log
from domain.answers import Answer
from domain.codes import Code, LedgerError
from domain.commands import Block, Command, Deposit, Unblock, Withdraw
from domain.money import ZERO, format_amount
from domain.player import Player
from domain.validation import cashier_command
from service.api.reading import moment, off_loop
from service.bodies import read_body
from service.keys import CONFIG, HISTORY, LEDGER, READS, WRITER
from service.parsing import amount_text, load_object, text
from service.responses import api_error, json_response

routes = web.RouteTableDef()
_STATUS = {
    Code.INVALID_REQUEST: 400,
    Code.INVALID_AMOUNT: 400,
    Code.UNSUPPORTED_CURRENCY: 400,
    Code.INSUFFICIENT_FUNDS: 409,
    Code.DUPLICATE_REFERENCE: 409,
    Code.INTERNAL_ERROR: 503,
}


def user_id(request: web.Request) -> str:
    """The path's user id, held to the same rules as a callback's."""
    return text({"user_id": request.match_info["user_id"]}, "user_id")


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
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[READS], request.app[LEDGER].player, user)


@routes.get("/api/wallets/{user_id}")
async def get_wallet(request: web.Request) -> web.Response:
    """Balances per currency and the blocked flag; with ?at=, as they stood then."""
    user = user_id(request)
    at = request.query.get("at")
    if at is None:
        return json_response(wallet_view(user, await read_player(request, user)))
    point = {"position": int(at)} if at.isascii() and at.isdigit() else {"moment": moment(at)}
    history = request.app[HISTORY]
    balances, blocked = await off_loop(request, partial(history.balances_at, user, **point))
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
    user = user_id(request)
    obj = load_object(await read_body(request))
    cmd = cashier_command(
        kind,
        reference=text(obj, "reference"),
        user_id=user,
        currency=text(obj, "currency"),
        amount=amount_text(obj),
        currencies=request.app[CONFIG].currencies,
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
    """Write through the writer; a decline becomes the matching API error."""
    result = await request.app[WRITER].submit(cmd)
    if result.error is not None:
        raise ApiError(result.error)
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
    user = user_id(request)
    await submit(request, kind(user))
    return json_response(wallet_view(user, await read_player(request, user)))


class ApiError(LedgerError):
    """A decline on the casino API: the answer's code, rendered by api_errors()."""

    def __init__(self, code: Code) -> None:
        super().__init__(_MESSAGES.get(code, code.value))
        self.code = code


_MESSAGES = {
    Code.INSUFFICIENT_FUNDS: "the balance is lower than the amount",
    Code.DUPLICATE_REFERENCE: "this reference was used for a different movement",
    Code.INTERNAL_ERROR: "the store did not answer; retry with the same reference",
}


@web.middleware
async def api_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Domain refusals to HTTP statuses with the {"error", "message"} body."""
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as error:
        if not request.path.startswith("/api/") or error.status < 400:
            raise
        code = _HTTP_CODES.get(error.status, "HTTP_ERROR")
        answer = api_error(error.status, code, error.reason)
        if "Allow" in error.headers:  # a 405 must say which methods are allowed
            answer.headers["Allow"] = error.headers["Allow"]
        return answer
    except LedgerError as error:
        message = _MESSAGES.get(error.code, error.message)
        if error.code is not Code.INTERNAL_ERROR:
            message = error.message
        return api_error(_STATUS.get(error.code, 400), error.code.value, message)
    except Exception:
        log.exception("api_failed", path=request.path, method=request.method)
        return api_error(500, "INTERNAL_ERROR", "an unexpected error; see the service log")
    return response


_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "BODY_TOO_LARGE"}
