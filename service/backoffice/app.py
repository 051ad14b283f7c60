"""The back office as a sub-application at /backoffice/: pages, sessions, CSRF, errors."""

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import session_middleware

from service.backoffice import (
    actions,
    integrity,
    limits,
    login,
    overview,
    players,
    reconciliation,
    reports,
    transactions,
)
from service.backoffice.access import cookie_storage, guard
from service.backoffice.errors import page_errors
from service.backoffice.passwords import PasswordPool
from service.backoffice.throttle import Throttle
from service.backoffice.users import Users
from service.blocking import off_loop_app
from service.keys import PASSWORDS, READ_MODELS, THROTTLE, USERS
from service.settings import Settings

PREFIX = "/backoffice"
STATIC = Path(__file__).parent / "static"
PAGES = (
    overview, login, players, actions, limits, transactions, reports, integrity, reconciliation
)  # fmt: skip


def backoffice(settings: Settings) -> web.Application:
    """The pages, their sessions, CSRF and login wall, and their one error translation."""
    app = web.Application(
        middlewares=[
            session_middleware(
                cookie_storage(settings.backoffice_secret, settings.trusted_proxies)
            ),
            page_errors,
            guard,
        ],
    )
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("service.backoffice", "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["urlquote"] = lambda value: quote(str(value), safe="")
    for module in PAGES:
        app.router.add_routes(module.routes)
    app.router.add_static("/static/", STATIC, name="static")
    app.on_response_prepare.append(page_headers)
    return app


async def page_headers(_: web.Request, response: web.StreamResponse) -> None:
    """Every answer of the back office: never framed, never cached."""
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"


def add_backoffice(app: web.Application, settings: Settings) -> None:
    """Mount the back office; / and /backoffice lead to it; accounts open with the store."""
    app[THROTTLE] = Throttle()
    app.cleanup_ctx.append(_accounts)
    app.router.add_get("/", _to_backoffice)
    app.router.add_get(PREFIX, _to_backoffice)
    app.add_subapp(PREFIX, backoffice(settings))


async def _to_backoffice(_: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(PREFIX + "/")


async def _accounts(app: web.Application) -> AsyncIterator[None]:
    app[USERS] = users = Users(app[READ_MODELS].database)
    await off_loop_app(app, users.create_table)
    app[PASSWORDS] = passwords = PasswordPool()
    yield
    passwords.close()
