"""The casino API's bearer token, compared in constant time on every /api/ route but the
OPERATOR's callbacks, which are exempt by their exact paths, never by a prefix."""

import hmac
from collections.abc import Collection

from aiohttp import web

from service.responses import api_error
from service.web import Handler, Middleware


def authorized(header: str | None, token: str) -> bool:
    """True when the Authorization header carries exactly the admin token."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def require_token(token: str, exempt: Collection[str]) -> Middleware:
    """Middleware: every /api/ path needs the token, but exactly the exempt paths."""
    open_paths = frozenset(exempt)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        guarded = request.path.startswith("/api/") and request.path not in open_paths
        if guarded and not authorized(request.headers.get("Authorization"), token):
            return api_error(401, "UNAUTHORIZED", "send Authorization: Bearer <ADMIN_TOKEN>")
        return await handler(request)

    return middleware
