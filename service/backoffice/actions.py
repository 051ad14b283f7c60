"""The admin's forms on a player's page: block, unblock, deposit, withdraw, each with a reason."""

from collections.abc import Callable, Mapping
from typing import NoReturn

from aiohttp import web

from adapters.logsetup import log
from domain.commands import Block, Command, Deposit, Unblock, Withdraw
from domain.errors import InvalidRequestError, LedgerError
from domain.validation import cashier_command
from service.backoffice.access import require_admin
from service.backoffice.players import player_url
from service.backoffice.render import flash
from service.keys import SETTINGS, WRITER
from service.parsing import path_text

routes = web.RouteTableDef()
MAX_REASON = 500
_DONE = {"block": "Blocked", "unblock": "Unblocked", "deposit": "Deposited", "withdraw": "Withdrew"}


@routes.post("/players/{user_id}/{action:block|unblock|deposit|withdraw}")
async def act(request: web.Request) -> NoReturn:
    """Write one admin change through the writer, then back to the player's page."""
    admin = require_admin(request)
    user = path_text(request, "user_id")
    action = request.match_info["action"]
    form = await request.post()
    logged = {k: form.get(k) for k in ("currency", "amount", "reference", "reason")}
    await write_change(
        request, user, lambda: _command(request, action, user, admin.name, dict(form)),
        _DONE[action], action=action, **logged,
    )  # fmt: skip


async def write_change(
    request: web.Request,
    user: str,
    command: Callable[[], Command],
    done: str,
    refused: Mapping[str, str] | None = None,
    **logged: object,
) -> NoReturn:
    """Every admin change on a player's page: build and submit the command, flash what
    became of it (a refusal in words from `refused` where the code is terse; nothing
    changed on a bad form), log it (the command's type and reason unless `logged` says
    more), and go back to the player. A store that does not answer is the page's 503,
    never a flash."""
    try:
        cmd = command()
        result = await request.config_dict[WRITER].submit(cmd)
    except LedgerError as error:
        if error.code == "INTERNAL_ERROR":
            raise
        await flash(request, f"Nothing was changed: {error.message}", ok=False)
        raise web.HTTPSeeOther(player_url(user)) from None
    if result.error is not None:
        why = (refused or {}).get(result.error.value, result.error.value)
        await flash(request, f"Nothing was changed: {why}", ok=False)
    else:
        what = {"action": type(cmd).__name__, "reason": getattr(cmd, "reason", None), **logged}
        log.info("backoffice_change", actor=getattr(cmd, "actor", None), user_id=user, **what)
        await flash(request, f"{done}: recorded with your name and reason.")
    raise web.HTTPSeeOther(player_url(user))


def _command(request: web.Request, action: str, user: str, actor: str, form: dict) -> Command:  # type: ignore[type-arg]
    reason = str(form.get("reason", "")).strip()
    if not reason or len(reason) > MAX_REASON or not reason.isprintable():
        raise InvalidRequestError(f"a reason is required (at most {MAX_REASON} characters)")
    if action in ("block", "unblock"):
        return (Block if action == "block" else Unblock)(user, actor, reason)
    return cashier_command(
        Deposit if action == "deposit" else Withdraw,
        reference=_field(form, "reference"),
        user_id=user,
        currency=_field(form, "currency"),
        amount=_field(form, "amount"),
        currencies=request.config_dict[SETTINGS].currencies,
        actor=actor,
        reason=reason,
    )


def _field(form: dict, name: str) -> str:  # type: ignore[type-arg]
    value = str(form.get(name, "")).strip()
    if not value or len(value) > 256 or not value.isprintable():
        raise InvalidRequestError(f"{name} is required")
    return value
