"""The casino API's bearer tokens, compared in constant time on every /api/ route but the
OPERATOR's callbacks, which are exempt by their exact paths, never by a prefix. The admin
token may do anything; the optional auditor token only reads (GET, and HEAD with it)."""

import hmac
from collections.abc import Collection

from aiohttp import web

from service.responses import api_error
from service.web import Handler, Middleware

READS = frozenset({"GET", "HEAD"})


def authorized(header: str | None, token: str) -> bool:
    """True when the Authorization header carries exactly this token (never an empty one)."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    # aiohttp hands bytes that are not UTF-8 over as surrogates: compare them as sent.
    return hmac.compare_digest(given.strip().encode("utf-8", "surrogateescape"), token.encode())


def require_token(token: str, exempt: Collection[str], auditor_token: str = "") -> Middleware:
    """Middleware: every /api/ path needs a token, but exactly the exempt paths."""
    open_paths = frozenset(exempt)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        guarded = request.path.startswith("/api/") and request.path not in open_paths
        if not guarded:
            return await handler(request)
        header = request.headers.get("Authorization")
        if authorized(header, token):
            return await handler(request)
        if authorized(header, auditor_token):
            if request.method in READS:
                return await handler(request)
            return api_error(403, "FORBIDDEN", "the auditor token only reads (GET)")
        return api_error(401, "UNAUTHORIZED", "send Authorization: Bearer <ADMIN_TOKEN>")

    return middleware
