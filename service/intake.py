"""What every request passes before any handler reads its body: callbacks only from the
allowed sources, no encoded body, each route's size cap on the declared length, and a
connection closed with its answer once its body was given up on."""

from collections.abc import Collection

from aiohttp import web

from service.bodies import FORM_MAX, MAX_BODY, identity
from service.responses import api_error
from service.settings import Settings
from service.sources import client_address, within
from service.web import Handler, Middleware

# Routes that cap their own (larger) bodies as they stream them.
SELF_CAPPED = frozenset({"/api/reconciliations"})
UPLOAD_PAGE = "/backoffice/reconciliation"  # an OPERATOR export: RECONCILE_MAX_BYTES


def cap_of(path: str, upload_max: int) -> int | None:
    """The most a route's body may declare; None: the route checks its own."""
    if path in SELF_CAPPED:
        return None
    if path.startswith("/api/"):
        return MAX_BODY
    return upload_max if path == UPLOAD_PAGE else FORM_MAX


def refusal(status: int, code: str, message: str, path: str) -> web.Response:
    """The route's own kind of refusal: JSON under /api/, plain text elsewhere."""
    if path.startswith("/api/"):
        return api_error(status, code, message)
    return web.Response(status=status, text=message)


def refused(request: web.Request, upload_max: int) -> web.Response | None:
    """A refusal decided from the headers alone, or None."""
    path = request.path
    if not identity(request.headers):
        message = "Content-Encoding must be identity (one, or none): bodies are never decoded"
        return refusal(415, "UNSUPPORTED_MEDIA_TYPE", message, path)
    cap = cap_of(path, upload_max)
    if cap is not None and (request.content_length or 0) > cap:
        return refusal(413, "BODY_TOO_LARGE", f"the body must be at most {cap} bytes", path)
    if path.startswith("/backoffice") and request.body_exists and request.content_length is None:
        return refusal(411, "LENGTH_REQUIRED", "a form must say its Content-Length", path)
    return None


def intake(settings: Settings, callback_paths: Collection[str]) -> Middleware:
    """Middleware: the checks above; callbacks get INVALID_REQUEST from their own reader
    (logged and counted like every callback), and 403 from a source not allowed."""
    callbacks = frozenset(callback_paths)
    allowed, trusted = settings.callback_allowed_ips, settings.trusted_proxies

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in callbacks:
            if allowed and not within(client_address(request, trusted), allowed):
                return api_error(403, "FORBIDDEN", "callbacks are not accepted from here")
            answer = None
        else:
            answer = refused(request, settings.reconcile_max_bytes)
        if answer is not None:
            return answer
        try:
            response = await handler(request)
        except web.HTTPException as error:
            _close_if_abandoned(request, error)
            raise
        _close_if_abandoned(request, response)
        return response

    return middleware


def _close_if_abandoned(request: web.Request, response: web.StreamResponse) -> None:
    # The rest of a body given up on is never read: the connection ends with the answer.
    if request.content.exception() is not None:
        response.force_close()
