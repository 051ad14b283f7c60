"""Who may call: the OPERATOR's body signature and the casino's bearer token."""

import hmac
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from aiohttp import web

from benchmarks.wire import SIGNATURE_HEADERS, sign

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def signed(headers: Mapping[str, str], body: bytes, secret: bytes) -> bool:
    """True when the first signature header present is the raw body's HMAC, in hex."""
    given = next((headers[h] for h in SIGNATURE_HEADERS if h in headers), "")
    return bool(_HEX_SHA256.fullmatch(given)) and hmac.compare_digest(
        given.lower(), sign(body, secret)
    )


def authorized(header: str, token: str) -> bool:
    """True when the Authorization header is exactly `Bearer <token>`."""
    scheme, _, given = header.partition(" ")
    matches = hmac.compare_digest(given.strip().encode(), token.encode())
    return scheme.lower() == "bearer" and matches


def api_error(status: int, code: str) -> web.Response:
    """The casino API's error body."""
    body = orjson.dumps({"error": code, "message": code.lower().replace("_", " ")})
    return web.Response(body=body, status=status, content_type="application/json")


def require_token(token: str, callback_path: str) -> Any:
    """Middleware: every /api/ route but the OPERATOR's callbacks needs the admin token."""
    open_prefix = callback_path + "/"

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        guarded = path.startswith("/api/") and not path.startswith(open_prefix)
        if guarded and not authorized(request.headers.get("Authorization", ""), token):
            return api_error(401, "UNAUTHORIZED")
        return await handler(request)

    return middleware
