"""Every page through one function: the template, the person, the CSRF token, the nav."""

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from service.backoffice.access import csrf_token, user_of

# (path, label)
NAV = (
    ("/backoffice/", "Overview"),
    ("/backoffice/players", "Players"),
    ("/backoffice/transactions", "Transactions"),
    ("/backoffice/reports", "Reports"),
    ("/backoffice/integrity", "Integrity"),
    ("/backoffice/reconciliation", "Reconciliation"),
)


async def page(
    request: web.Request, template: str, status: int = 200, **context: Any
) -> web.Response:
    """Render a page; the figures are in the HTML, never filled in by script."""
    session = await get_session(request)
    flash = session.pop("flash", None)
    common = {
        "user": user_of(request),
        "csrf": csrf_token(session),
        "nav": NAV,
        "here": request.path,
        "flash": flash,
    }
    return aiohttp_jinja2.render_template(template, request, common | context, status=status)


async def flash(request: web.Request, message: str, *, ok: bool = True) -> None:
    """A one-line note for the next page the person sees."""
    session = await get_session(request)
    session["flash"] = {"ok": ok, "text": message}
