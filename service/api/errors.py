"""The casino API's one translation point: every error to a status and {"error", "message"}."""

from aiohttp import web

from adapters.logsetup import log
from domain.codes import Code
from domain.errors import LedgerError
from service.igpx.answers import OperatorError
from service.responses import api_error
from service.web import Handler

# Codes a client can act on, by status; a code not listed is a client error (400).
_STATUS = {
    Code.INSUFFICIENT_FUNDS: 409,
    Code.DUPLICATE_REFERENCE: 409,
    Code.LIMIT_EXCEEDED: 409,
    Code.SELF_EXCLUDED: 409,
    "NOT_FOUND": 404,
    "READ_MODEL_BEHIND": 503,
    "OPERATOR_NOT_CONFIGURED": 503,
    Code.INTERNAL_ERROR: 503,  # the store did not answer
    "BODY_TOO_LARGE": 413,
    "REQUEST_TIMEOUT": 408,
}
# What a decline says to a person, where the code alone is terse.
_MESSAGES = {
    Code.INSUFFICIENT_FUNDS: "the balance is lower than the amount",
    Code.DUPLICATE_REFERENCE: "this reference was used for a different movement",
    Code.LIMIT_EXCEEDED: "this would take one of the player's deposit limits over its amount",
    Code.SELF_EXCLUDED: (
        "the player is self-excluded: deposits are refused, and the exclusion can be made "
        "longer, never shorter"
    ),
    Code.INTERNAL_ERROR: "the store did not answer; retry (with the same reference)",
    "READ_MODEL_BEHIND": "not found yet: the read models are catching up with the ledger; retry",
}
_HTTP_CODES = {
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    411: "LENGTH_REQUIRED",
    413: "BODY_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def answer_for(error: LedgerError) -> web.Response:
    """The API's answer to one of the ledger's errors."""
    default = 502 if isinstance(error, OperatorError) else 400  # the OPERATOR failed us
    message = _MESSAGES.get(error.code, error.message)
    return api_error(_STATUS.get(error.code, default), str(error.code), message)


@web.middleware
async def api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Under /api/: the ledger's errors and HTTP refusals as JSON; a bug as a logged 500."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        answer = api_error(error.status, _HTTP_CODES.get(error.status, "HTTP_ERROR"), error.reason)
        if "Allow" in error.headers:  # a 405 must say which methods are allowed
            answer.headers["Allow"] = error.headers["Allow"]
        return answer
    except LedgerError as error:
        return answer_for(error)
    except Exception:
        log.exception("api_failed", path=request.path, method=request.method)
        return api_error(500, "INTERNAL_ERROR", "an unexpected error; see the service log")
