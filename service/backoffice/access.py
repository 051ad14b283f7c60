"""Who is asking: sessions in encrypted cookies, the CSRF token, the login wall and roles."""

import hashlib
import hmac
import os
import secrets
import time

from aiohttp import web
from aiohttp.web_request import FileField
from aiohttp_session import Session, get_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from multidict import MultiDictProxy

from service.backoffice.users import User
from service.blocking import off_loop
from service.bodies import BODY_TIMEOUT_S, BodyStalledError, arriving
from service.keys import USERS
from service.sources import over_tls
from service.variables import Networks
from service.web import Handler

COOKIE = "ledger_backoffice"
IDLE_S = 60 * 60  # a session unused for an hour is over
LIFETIME_S = 10 * 60 * 60  # and every session ends after a working day
PUBLIC = ("/backoffice/login", "/backoffice/static/")
USER = web.RequestKey("backoffice_user", User)


class SessionCookies(EncryptedCookieStorage):
    """HttpOnly, SameSite=Strict, scoped to the back office, expiring when idle, and Secure
    whenever the request came over TLS (here, or at a proxy in TRUSTED_PROXIES)."""

    def __init__(self, key: bytes, trusted: Networks) -> None:
        super().__init__(
            key, cookie_name=COOKIE, path="/backoffice", max_age=IDLE_S,
            httponly=True, samesite="Strict",
        )  # fmt: skip
        self._trusted = trusted

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        """The cookie as the library sets it, made Secure for a request that came over TLS."""
        await super().save_session(request, response, session)
        if COOKIE in response.cookies and over_tls(request, self._trusted):
            response.cookies[COOKIE]["secure"] = True


def cookie_storage(secret: str, trusted: Networks = ()) -> SessionCookies:
    """The session cookies, keyed by BACKOFFICE_SECRET (else a key for this process)."""
    key = hashlib.sha256(secret.encode()).digest() if secret else os.urandom(32)
    return SessionCookies(key, trusted)


def csrf_token(session: Session) -> str:
    """The session's CSRF token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def user_of(request: web.Request) -> User | None:
    """The logged-in person, if any."""
    return request.get(USER)


def require_admin(request: web.Request) -> User:
    """The logged-in admin; an auditor is refused with 403."""
    user = user_of(request)
    if user is None or not user.admin:
        raise web.HTTPForbidden(text="Only an admin may do this.")
    return user


async def _logged_in(request: web.Request, session: Session) -> User | None:
    name, since = session.get("user"), session.get("since", 0)
    if not isinstance(name, str) or time.time() - float(since) > LIFETIME_S:
        return None
    user = await off_loop(request, request.config_dict[USERS].get, name)  # disabled: gone
    if user is None:
        session.invalidate()
    return user


async def read_form(request: web.Request) -> MultiDictProxy[str | bytes | FileField]:
    """The posted form, read as long as it keeps arriving (408 once it stops); the route's
    size cap was checked on its Content-Length before (service/intake.py)."""
    try:
        return await arriving(request, request.post())
    except BodyStalledError:
        raise web.HTTPRequestTimeout(
            text=f"The form stopped arriving for {BODY_TIMEOUT_S:g} s."
        ) from None


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every page needs a login but the login page; every POST needs the session's token.
    Both are decided before a body is read, but the token, read from a form of bounded
    size: nobody without a session makes the server read (or inflate) anything."""
    if request.path.startswith("/backoffice/static/"):
        return await handler(request)
    session = await get_session(request)
    user = await _logged_in(request, session)
    if user is not None:
        request[USER] = user
    if user is None and not request.path.startswith(PUBLIC):
        if request.method == "POST":
            raise web.HTTPForbidden(text="Log in first.")
        raise web.HTTPSeeOther("/backoffice/login")
    if request.method == "POST":
        form = await read_form(request)
        sent = form.get("csrf")
        expected = session.get("csrf")
        if not (isinstance(sent, str) and isinstance(expected, str)) or not hmac.compare_digest(
            sent.encode(), expected.encode()
        ):
            raise web.HTTPForbidden(text="This form has expired or was not sent from here.")
    return await handler(request)
