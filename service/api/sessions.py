"""POST /api/sportsbook/sessions: check the player's fields, get an iframe URL from the OPERATOR."""

import time
from collections.abc import AsyncIterator, Callable, Collection
from typing import Any

from aiohttp import web

from adapters.logsetup import log
from domain.errors import UnsupportedCurrencyError, UnsupportedLanguageError
from service.bodies import read_body
from service.igpx.answers import OperatorError, OperatorNotConfiguredError
from service.igpx.client import IgpxClient, Timeouts
from service.keys import IGPX, SETTINGS
from service.parsing import load_object, text
from service.responses import json_response
from service.settings import Settings

PATH = "/api/sportsbook/sessions"
_SHORT = 16


def session_fields(obj: dict[str, Any], settings: Settings) -> tuple[str, str, str | None]:
    """user_id, currency and the optional lang, each held to the service's rules."""
    user = text(obj, "user_id")
    currency = text(obj, "currency", limit=_SHORT)
    lang = None if obj.get("lang") is None else text(obj, "lang", limit=_SHORT)
    if currency not in settings.currencies:
        raise UnsupportedCurrencyError(_not_one_of("currency", settings.currencies))
    if lang is not None and lang not in settings.languages:
        raise UnsupportedLanguageError(_not_one_of("lang", settings.languages))
    return user, currency, lang


def _not_one_of(name: str, accepted: Collection[str]) -> str:
    return f"{name} must be one of {', '.join(sorted(accepted))}"


async def start_session(request: web.Request) -> web.Response:
    """Answer {"url"} for the player's iframe; 400, 502 or 503 with a code otherwise."""
    if IGPX not in request.app:
        raise OperatorNotConfiguredError(
            "set IGPX_API_URL, IGPX_API_VERSION, IGPX_CLIENT_USERNAME and IGPX_CLIENT_PASSWORD"
        )
    obj = load_object(await read_body(request))
    user, currency, lang = session_fields(obj, request.app[SETTINGS])
    started = time.perf_counter()
    try:
        url = await request.app[IGPX].start_session(user, currency, lang)
    except OperatorError as error:
        _log(user, currency, started, outcome=error.code, reason=error.message)
        raise
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
        operator = app[SETTINGS].operator
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
