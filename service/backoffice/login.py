"""Logging in and out: name and password, slowed after failures, every attempt logged."""

import asyncio
import time

from aiohttp import web
from aiohttp_session import get_session, new_session

from adapters.logsetup import log
from service.backoffice.access import user_of
from service.backoffice.render import page
from service.blocking import off_loop
from service.keys import THROTTLE, USERS

routes = web.RouteTableDef()
MAX_FIELD = 256


@routes.get("/login")
async def login_form(request: web.Request) -> web.StreamResponse:
    """The login form; someone already logged in goes to the overview."""
    if user_of(request) is not None:
        raise web.HTTPSeeOther("/backoffice/")
    return await page(request, "login.html")


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    """Check the password (after any delay earned by failures); a new session on success."""
    form = await request.post()
    name, password = str(form.get("username", ""))[:MAX_FIELD], str(form.get("password", ""))
    address = request.remote or "?"
    throttle = request.config_dict[THROTTLE]
    keys = (f"name:{name.lower()}", f"addr:{address}")
    await asyncio.sleep(throttle.delay(*keys))
    user = await off_loop(request, request.config_dict[USERS].check, name, password[:MAX_FIELD])
    if user is None:
        throttle.failed(*keys)
        log.warning("backoffice_login_failed", username=name, remote=address)
        message = "That name and password do not match an active account."
        return await page(request, "login.html", status=401, error=message, username=name)
    throttle.succeeded(keys[0])
    session = await new_session(request)  # a fresh session: no fixation across a login
    session.update(user=user.name, since=time.time())
    log.info("backoffice_login", user=user.name, role=user.role, remote=address)
    raise web.HTTPSeeOther("/backoffice/")


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    """End the session."""
    user = user_of(request)
    session = await get_session(request)
    session.invalidate()
    log.info("backoffice_logout", user=user.name if user else None)
    raise web.HTTPSeeOther("/backoffice/login")
