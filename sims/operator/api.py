"""The OPERATOR's API as the casino sees it: POST /{version}/auth and /{version}/start-session."""

import asyncio
import hmac
from typing import Any

from aiohttp import web

from sims.operator import tokens
from sims.operator.state import LINK, OPERATOR, Operator
from sims.wire import json_response, read_object

PLAY_LIFETIME_S = 12 * 3600


async def _json_object(request: web.Request) -> dict[str, Any] | None:
    return read_object(await request.read())


def _refuse(status: int, code: str) -> web.Response:
    return json_response({"error": code}, status=status)


def _same(given: Any, expected: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


async def auth(request: web.Request) -> web.Response:
    """Credentials in, a token and its lifetime (as text, like the document shows) out."""
    op = request.app[OPERATOR]
    op.auth_calls += 1
    await asyncio.sleep(op.faults.delay_s)
    if op.faults.auth_status:
        return _refuse(op.faults.auth_status, "SIMULATED_FAULT")
    body = await _json_object(request) or {}
    settings = op.settings
    if not (
        _same(body.get("username"), settings.username)
        and _same(body.get("password"), settings.password)
    ):
        op.auth_refused += 1
        return _refuse(401, "INVALID_CREDENTIALS")
    token = tokens.issue(op.key, {"kind": "auth", "gen": op.generation}, settings.token_lifetime)
    op.issued_tokens.append(token)
    return json_response({"token": token, "expires_in": f"{settings.token_lifetime:g}"})


def _bearer_ok(op: Operator, header: str) -> bool:
    scheme, _, token = header.partition(" ")
    claims = tokens.read(op.key, token.strip()) if scheme.lower() == "bearer" else None
    return claims is not None and (claims.get("kind"), claims.get("gen")) == ("auth", op.generation)


async def start_session(request: web.Request) -> web.Response:
    """A signed play token for (user_id, currency, lang), inside the iframe URL."""
    op = request.app[OPERATOR]
    op.session_calls += 1
    await asyncio.sleep(op.faults.delay_s)
    if op.faults.session_status:
        return _refuse(op.faults.session_status, "SIMULATED_FAULT")
    if not _bearer_ok(op, request.headers.get("Authorization", "")):
        op.session_refused += 1
        return _refuse(401, "INVALID_TOKEN")
    body = await _json_object(request) or {}
    user, currency, lang = body.get("user_id"), body.get("currency"), body.get("lang")
    if not isinstance(user, str) or not user:
        return _refuse(400, "INVALID_USER_ID")
    if currency not in op.settings.currencies:
        return _refuse(400, "UNSUPPORTED_CURRENCY")
    claims = {"kind": "play", "user_id": user, "currency": currency, "lang": lang or "en"}
    play = tokens.issue(op.key, claims, PLAY_LIFETIME_S)
    return json_response({"url": f"{op.settings.base_url(op.port)}/play/{play}"})


async def stats(request: web.Request) -> web.Response:
    """GET /_sim/stats: how many calls of each kind, for tests."""
    return json_response(request.app[OPERATOR].stats())


async def revoke(request: web.Request) -> web.Response:
    """POST /_sim/revoke: every auth token issued so far now gets a 401."""
    request.app[OPERATOR].generation += 1
    return json_response({"revoked": True})


async def faults(request: web.Request) -> web.Response:
    """POST /_sim/faults {"auth_status", "session_status", "delay_s", "lose_answers"}."""
    body = await _json_object(request) or {}
    op = request.app[OPERATOR]
    op.faults.auth_status = body.get("auth_status")
    op.faults.session_status = body.get("session_status")
    op.faults.delay_s = float(body.get("delay_s") or 0)
    if "lose_answers" in body:  # the share of bets whose answer is lost in transit
        request.app[LINK].lose_share = float(body["lose_answers"])
    return json_response({"faults": vars(op.faults)})


def add_routes(app: web.Application, version: str) -> None:
    """The OPERATOR's two calls under its version, and the test controls under /_sim."""
    app.router.add_post(f"/{version}/auth", auth)
    app.router.add_post(f"/{version}/start-session", start_session)
    app.router.add_get("/_sim/stats", stats)
    app.router.add_post("/_sim/revoke", revoke)
    app.router.add_post("/_sim/faults", faults)
