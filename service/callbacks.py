"""The OPERATOR's callbacks: verify the raw body, parse, hand to the writer, answer 200.

A delivery's deadline is fixed when its handler starts and covers everything done for it
(the body, the writer, settling the player's older doubts): the writer answers by then.
"""

import asyncio
import time
from typing import Any

from aiohttp import web

from adapters.logsetup import log
from domain.answers import Answer
from domain.codes import WIRE_CODES, Code
from domain.commands import BalanceQuery, Command, OperatorCommand, PlaceBet
from domain.errors import LedgerError
from domain.money import ZERO
from ledger.writer import WITHHELD
from service.blocking import off_loop
from service.bodies import read_body
from service.keys import LEDGER, METRICS, SETTINGS, WRITER
from service.parsing import parse_callback
from service.responses import callback_payload, json_response
from service.signature import verify

Intake = Command | BalanceQuery | Code


async def answer(request: web.Request, cmd_or_code: Intake, due: float) -> Answer:
    """Run a parsed command through the writer; a code refused before that is the answer.

    The OPERATOR's one translation point: whatever goes wrong, the wire shows one of its
    own codes, and anything unexpected is INTERNAL_ERROR (logged, never detailed; a bet so
    answered is written down to be settled, like every bet answered with an error).
    """
    if isinstance(cmd_or_code, Code):
        return Answer.declined(cmd_or_code)
    try:
        if isinstance(cmd_or_code, BalanceQuery):
            return await balance(request, cmd_or_code)
        return await request.app[WRITER].submit(cmd_or_code, due)
    except Exception:
        log.exception("callback_failed", action=getattr(cmd_or_code, "action", None))
        if isinstance(cmd_or_code, PlaceBet):
            await request.app[WRITER].unanswered(cmd_or_code)
        return Answer.declined(Code.INTERNAL_ERROR)


async def balance(request: web.Request, query: BalanceQuery) -> Answer:
    """getBalance: the committed wallet, read like the casino's own wallet route."""
    player = await off_loop(request, request.app[LEDGER].player, query.user_id)
    held = player.balance(query.currency) if player is not None else ZERO
    return Answer(currency=query.currency, balance=held)


async def read_command(request: web.Request, route: str) -> Intake:
    """Body (size, encoding), then signature, then parse: the contract's order of codes."""
    settings = request.app[SETTINGS]
    try:
        body = await read_body(request)
        if not verify(request.headers, body, settings.security_hash.encode()):
            return Code.INVALID_SIGNATURE
        return parse_callback(body, route, settings.currencies)
    except LedgerError as error:  # refused before the rules: the wire shows its own codes
        return Code(error.code) if error.code in WIRE_CODES else Code.INVALID_REQUEST


def handler(route: str) -> Any:
    """A route handler for /transaction or /transaction-rollback."""

    async def handle(request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        due = asyncio.get_running_loop().time() + request.app[WRITER].policy.answer_s
        cmd = await read_command(request, route)
        if isinstance(cmd, PlaceBet):
            cmd = request.app[WRITER].stamped(cmd)
        result = await answer(request, cmd, due)
        _log(route, cmd, result, started)
        action = "refused" if isinstance(cmd, Code) else cmd.action.value
        outcome = result.error.value if result.error else "ok"
        request.app[METRICS].observe(action, outcome, started)
        if result.note == WITHHELD:  # an error the disk could not write down: no answer
            log.error(
                "answer_withheld", operator_transaction_id=getattr(cmd, "transaction_id", None)
            )
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)
        response = json_response(callback_payload(result))
        if not isinstance(cmd, PlaceBet) or result.error is Code.INTERNAL_ERROR:
            return response
        return await _deliver_bet(request, cmd, response)

    return handle


def _withheld(request: web.Request, cmd: Intake) -> web.StreamResponse:
    """An error answer the disk could not write down may not leave: the connection is
    dropped, and for the OPERATOR the bet is unanswered (it stands until its rollback)."""
    log.error("answer_withheld", operator_transaction_id=getattr(cmd, "transaction_id", None))
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=503)


async def _deliver_bet(
    request: web.Request, bet: PlaceBet, response: web.Response
) -> web.StreamResponse:
    """A bet's answer is final for the OPERATOR: one the connection can no longer take never
    reached it, so the bet is written down and settled like one answered with an error."""
    try:
        await response.prepare(request)
        await response.write_eof()
    except (ConnectionError, RuntimeError):
        await request.app[WRITER].unanswered(bet)
        raise
    return response


def _log(route: str, cmd: Intake, result: Answer, started: float) -> None:
    fields: dict[str, Any] = {"route": route or "/"}
    if isinstance(cmd, BalanceQuery):
        fields |= {"user_id": cmd.user_id, "action": cmd.action.value}
    if isinstance(cmd, OperatorCommand):
        fields |= {
            "operator_transaction_id": cmd.transaction_id,
            "user_id": cmd.user_id,
            "action": cmd.action.value,
            "rollback_of": getattr(cmd, "rollback_transaction_id", None),
        }
    if result.mismatch:
        fields["mismatch"] = list(result.mismatch)
    log.info(
        "callback",
        client_transaction_id=str(result.transaction_id) if result.transaction_id else None,
        outcome=result.error.value if result.error else "ok",
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        **fields,
    )


def paths(callback_path: str) -> dict[str, str]:
    """Each callback route's exact path, by the route name the parser knows."""
    return {
        "transaction": f"{callback_path}/transaction",
        "transaction-rollback": f"{callback_path}/transaction-rollback",
        "": callback_path,  # one endpoint for every action, as a real integration has it
    }


def add_routes(app: web.Application, callback_path: str) -> None:
    """The callback routes under CALLBACK_PATH."""
    for route, path in paths(callback_path).items():
        app.router.add_post(path, handler(route))
