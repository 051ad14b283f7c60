"""The OPERATOR's callbacks: verify the raw body, parse, hand to the writer, answer 200."""

import time
from typing import Any

from aiohttp import web

from adapters.logsetup import log
from domain.answers import Answer
from domain.codes import Code, LedgerError
from domain.commands import Command, OperatorCommand
from service.bodies import read_capped
from service.keys import CONFIG, WRITER
from service.metrics import METRICS
from service.parsing import parse_callback
from service.responses import callback_payload, json_response
from service.signature import verify


async def answer(request: web.Request, cmd_or_code: Command | Code) -> Answer:
    """Run a parsed command through the writer; a code refused before that is the answer."""
    if isinstance(cmd_or_code, Code):
        return Answer.declined(cmd_or_code)
    try:
        return await request.app[WRITER].submit(cmd_or_code)
    except Exception:
        log.exception("callback_failed", action=getattr(cmd_or_code, "action", None))
        return Answer.declined(Code.INTERNAL_ERROR)


async def intake(request: web.Request, route: str) -> Command | Code:
    """Body cap, then signature, then parse: the contract's order of codes."""
    config = request.app[CONFIG]
    body = await read_capped(request)
    if body is None:
        return Code.INVALID_REQUEST
    if not verify(request.headers, body, config.security_hash.encode()):
        return Code.INVALID_SIGNATURE
    try:
        return parse_callback(body, route, config.currencies)
    except LedgerError as error:
        return error.code


def handler(route: str) -> Any:
    """A route handler for /transaction or /transaction-rollback."""

    async def handle(request: web.Request) -> web.Response:
        started = time.perf_counter()
        cmd = await intake(request, route)
        result = await answer(request, cmd)
        _log(route, cmd, result, started)
        action = cmd.action.value if isinstance(cmd, OperatorCommand) else "refused"
        outcome = result.error.value if result.error else "ok"
        request.app[METRICS].observe(action, outcome, started)
        return json_response(callback_payload(result))

    return handle


def _log(route: str, cmd: Command | Code, result: Answer, started: float) -> None:
    fields: dict[str, Any] = {"route": route}
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


def add_routes(app: web.Application, path: str) -> None:
    """The two callback routes under CALLBACK_PATH."""
    app.router.add_post(f"{path}/transaction", handler("transaction"))
    app.router.add_post(f"{path}/transaction-rollback", handler("transaction-rollback"))
