"""The back office's one translation point: every error becomes a page, never a bare 500."""

from aiohttp import web

from adapters.logsetup import log
from domain.errors import LedgerError, NotFoundError
from service.backoffice.render import page
from service.web import Handler

_TITLES = {
    400: "That request cannot be read",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    408: "Too slow",
    409: "Refused",
    413: "Too large",
    429: "Too many attempts",
    503: "Busy, or the store is not answering",
}


async def error_page(request: web.Request, status: int, message: str) -> web.Response:
    """A page that says what went wrong, in the site's frame, with the status."""
    title = _TITLES.get(status, "Error")
    try:
        response = await page(
            request, "error.html", status=status, title=title, message=message, code=status
        )
    except Exception:  # the frame itself failed: say so plainly rather than not at all
        log.exception("backoffice_error_page_failed", path=request.path)
        response = web.Response(text=f"{status}: {message}", status=status)
    if status == 405:
        response.headers["Allow"] = "GET, POST"
    return response


def status_of(error: LedgerError) -> int:
    """Unknown ids are 404, a store that does not answer 503, anything else sent 400."""
    if isinstance(error, NotFoundError):
        return 404
    return 503 if error.code == "INTERNAL_ERROR" else 400


@web.middleware
async def page_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """HTTP refusals and the ledger's errors as pages; a bug as a logged 500 page."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return await error_page(request, error.status, error.text or error.reason)
    except LedgerError as error:
        return await error_page(request, status_of(error), error.message)
    except Exception:
        log.exception("backoffice_failed", path=request.path, method=request.method)
        return await error_page(
            request, 500, "An unexpected error; the service log has the details."
        )
