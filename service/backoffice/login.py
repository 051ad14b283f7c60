"""Logging in and out: name and password, each attempt counted before it is checked and
made to wait its turn, the check on the password pool, every attempt logged."""

import asyncio
import time

from aiohttp import web
from aiohttp_session import get_session, new_session

from adapters.logsetup import log
from service.backoffice.access import user_of
from service.backoffice.passwords import PoolBusyError
from service.backoffice.render import page
from service.backoffice.users import verify
from service.blocking import off_loop
from service.keys import PASSWORDS, SETTINGS, THROTTLE, USERS
from service.sources import client_address

routes = web.RouteTableDef()
MAX_FIELD = 256
MAX_WAITING = 256  # attempts asleep until their turn at once; beyond, 503 at once


@routes.get("/login")
async def login_form(request: web.Request) -> web.StreamResponse:
    """The login form; someone already logged in goes to the overview."""
    if user_of(request) is not None:
        raise web.HTTPSeeOther("/backoffice/")
    return await page(request, "login.html")


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    """Count the attempt, wait its turn, check the password; a new session on success."""
    form = await request.post()  # already read (within its cap) by the guard
    name, password = str(form.get("username", ""))[:MAX_FIELD], str(form.get("password", ""))
    address = client_address(request, request.config_dict[SETTINGS].trusted_proxies)
    remote = str(address) if address else "unknown"
    throttle = request.config_dict[THROTTLE]
    keys = (f"name:{name.lower()}", f"addr:{remote}")
    await _turn(request, throttle.admit(*keys))
    found = await off_loop(request, request.config_dict[USERS].credentials, name)
    try:
        user = await request.config_dict[PASSWORDS].run(verify, found, password[:MAX_FIELD])
    except PoolBusyError:
        log.warning("backoffice_login_busy", username=name, remote=remote)
        raise web.HTTPServiceUnavailable(
            text="Too many logins at once: try again shortly."
        ) from None
    if user is None:
        log.warning("backoffice_login_failed", username=name, remote=remote)
        message = "That name and password do not match an active account."
        return await page(request, "login.html", status=401, error=message, username=name)
    throttle.succeeded(*keys)
    session = await new_session(request)  # a fresh session: no fixation across a login
    session.update(user=user.name, since=time.time())
    log.info("backoffice_login", user=user.name, role=user.role, remote=remote)
    raise web.HTTPSeeOther("/backoffice/")


async def _turn(request: web.Request, wait_s: float) -> None:
    """Sleep until the attempt's turn; too many asleep already: 503 at once (the attempt
    stays counted), so waiting logins cannot use up the connections."""
    if wait_s <= 0:
        return
    throttle = request.config_dict[THROTTLE]
    if throttle.waiting >= MAX_WAITING:
        raise web.HTTPServiceUnavailable(text="Too many logins waiting: try again later.")
    throttle.waiting += 1
    try:
        await asyncio.sleep(wait_s)
    finally:
        throttle.waiting -= 1


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    """End the session."""
    user = user_of(request)
    session = await get_session(request)
    session.invalidate()
    log.info("backoffice_logout", user=user.name if user else None)
    raise web.HTTPSeeOther("/backoffice/login")
