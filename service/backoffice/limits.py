"""The admin's responsible-gambling forms on a player's page (a limit set or removed, a
self-exclusion), the limits shown on that page, and the player's limit history as CSV."""

import io
from typing import NoReturn

from aiohttp import web

from adapters.spreadsheet import Writer
from domain.commands import SelfExclude, SetLimit
from domain.validation import exclusion_command, limit_command
from projections.limits_history import COLUMNS, limit_history
from service.backoffice.access import require_admin
from service.backoffice.actions import write_change
from service.blocking import off_loop
from service.keys import READ_MODELS, SETTINGS
from service.parsing import path_text

routes = web.RouteTableDef()
_REFUSED = {
    "SELF_EXCLUDED": "the player is excluded for longer already: an exclusion is never shortened",
    "INVALID_REQUEST": "that day is over: an exclusion must end today or later",
}


@routes.post("/players/{user_id}/limits")
async def set_limit(request: web.Request) -> NoReturn:
    """One limit from the admin's form: an empty amount removes it (after the cooling-off)."""
    admin = require_admin(request)
    user = path_text(request, "user_id")
    form = await request.post()
    amount = str(form.get("amount", "")).strip()

    def command() -> SetLimit:
        return limit_command(
            user_id=user, currency=str(form.get("currency", "")), kind=str(form.get("kind", "")),
            period=str(form.get("period", "")), amount=amount or None,
            currencies=request.config_dict[SETTINGS].currencies, actor=admin.name,
            reason=str(form.get("reason", "")),
        )  # fmt: skip

    await write_change(request, user, command, "Limit asked for", _REFUSED)


@routes.post("/players/{user_id}/self-exclusion")
async def self_exclude(request: web.Request) -> NoReturn:
    """Exclude the player through a date, or for ever when no date is given."""
    admin = require_admin(request)
    user = path_text(request, "user_id")
    form = await request.post()
    until = str(form.get("until", "")).strip() or None

    def command() -> SelfExclude:
        reason = str(form.get("reason", ""))
        return exclusion_command(user_id=user, until=until, actor=admin.name, reason=reason)

    await write_change(request, user, command, "Self-exclusion recorded", _REFUSED)


@routes.get("/players/{user_id}/limits.csv")
async def history_csv(request: web.Request) -> web.Response:
    """Every limit change and self-exclusion of the player, oldest first, who and why."""
    user = path_text(request, "user_id")
    rows = await off_loop(request, limit_history, request.config_dict[READ_MODELS], user)
    out = io.StringIO()
    writer = Writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([row[c] for c in COLUMNS] for row in rows)
    name = f"limits-{user}.csv".encode("ascii", "replace").decode().replace('"', "_")
    return web.Response(
        text=out.getvalue(), content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip
