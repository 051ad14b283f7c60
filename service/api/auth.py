"""The casino API's bearer token, compared in constant time on every /api/ route."""

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web

from service.responses import api_error

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def authorized(header: str | None, token: str) -> bool:
    """True when the Authorization header carries exactly the admin token."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def require_token(token: str, callback_path: str) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Middleware: every /api/ path but the OPERATOR's callbacks needs the token."""
    open_prefix = callback_path + "/"

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        guarded = request.path.startswith("/api/") and not request.path.startswith(open_prefix)
        if guarded and not authorized(request.headers.get("Authorization"), token):
            return api_error(401, "UNAUTHORIZED", "send Authorization: Bearer <ADMIN_TOKEN>")
        return await handler(request)

    return middleware
