"""POST /api/sportsbook/sessions: check the player's fields, get an iframe URL from the OPERATOR."""

import time
from collections.abc import AsyncIterator, Callable, Collection
from typing import Any

from aiohttp import web

from adapters.logsetup import log
from domain.codes import InvalidRequestError
from service.bodies import read_capped
from service.igpx.client import IgpxClient, OperatorError, Timeouts
from service.keys import CONFIG
from service.parsing import load_object, text
from service.responses import api_error, json_response
from service.settings import Config

IGPX = web.AppKey("igpx", IgpxClient)
PATH = "/api/sportsbook/sessions"
_SHORT = 16


class SessionRequestError(Exception):
    """A session request the casino must fix: a 400 with a code and a sentence naming the field."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def session_fields(obj: dict[str, Any], config: Config) -> tuple[str, str, str | None]:
    """user_id, currency and the optional lang, each held to the service's rules."""
    try:
        user = text(obj, "user_id")
        currency = text(obj, "currency", limit=_SHORT)
        lang = None if obj.get("lang") is None else text(obj, "lang", limit=_SHORT)
    except InvalidRequestError as error:
        raise SessionRequestError("INVALID_REQUEST", error.message) from None
    if currency not in config.currencies:
        raise SessionRequestError(
            "UNSUPPORTED_CURRENCY", _not_one_of("currency", config.currencies)
        )
    if lang is not None and lang not in config.languages:
        raise SessionRequestError("UNSUPPORTED_LANGUAGE", _not_one_of("lang", config.languages))
    return user, currency, lang


def _not_one_of(name: str, accepted: Collection[str]) -> str:
    return f"{name} must be one of {', '.join(sorted(accepted))}"


async def _request_fields(request: web.Request) -> tuple[str, str, str | None]:
    body = await read_capped(request)
    if body is None:
        raise SessionRequestError("INVALID_REQUEST", "the body is larger than 64 KiB")
    try:
        obj = load_object(body)
    except InvalidRequestError as error:
        raise SessionRequestError("INVALID_REQUEST", error.message) from None
    return session_fields(obj, request.app[CONFIG])


async def start_session(request: web.Request) -> web.Response:
    """Answer {"url"} for the player's iframe; 400, 502 or 503 with a code otherwise."""
    if IGPX not in request.app:
        return api_error(
            503,
            "OPERATOR_NOT_CONFIGURED",
            "set IGPX_API_URL, IGPX_API_VERSION, IGPX_CLIENT_USERNAME and IGPX_CLIENT_PASSWORD",
        )
    try:
        user, currency, lang = await _request_fields(request)
    except SessionRequestError as error:
        return api_error(400, error.code, error.message)
    started = time.perf_counter()
    try:
        url = await request.app[IGPX].start_session(user, currency, lang)
    except OperatorError as error:
        _log(user, currency, started, outcome=error.code, reason=str(error))
        return api_error(502, error.code, str(error))
    _log(user, currency, started, outcome="ok")
    return json_response({"url": url})


def _log(user: str, currency: str, started: float, **fields: str) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 3)
    log.info(
        "sportsbook_session", user_id=user, currency=currency, duration_ms=duration_ms, **fields
    )


def _client_context(
    timeouts: Timeouts,
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def igpx_client(app: web.Application) -> AsyncIterator[None]:
        operator = app[CONFIG].operator
        if operator is None:
            yield
            return
        app[IGPX] = IgpxClient.open(operator, timeouts)
        yield
        await app[IGPX].close()

    return igpx_client


def setup_sessions(app: web.Application, *, timeouts: Timeouts | None = None) -> None:
    """Add the sessions route and open the OPERATOR's client for the app's lifetime."""
    app.router.add_post(PATH, start_session)
    app.cleanup_ctx.append(_client_context(timeouts or Timeouts()))
