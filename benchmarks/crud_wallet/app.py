"""The CRUD wallet's HTTP face: the OPERATOR's callbacks and the casino's wallet routes."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import orjson
from aiohttp import web
from psycopg_pool import ConnectionPool

from benchmarks.crud_wallet import callbacks, cashier, db, wallets
from benchmarks.crud_wallet.answers import INTERNAL_ERROR, Answer
from benchmarks.crud_wallet.config import Config
from benchmarks.crud_wallet.guard import api_error, require_token, signed
from benchmarks.crud_wallet.parsing import Refused, format_amount, parse_callback, parse_deposit

CONFIG = web.AppKey("config", Config)
POOL = web.AppKey("pool", ConnectionPool)
THREADS = web.AppKey("threads", ThreadPoolExecutor)
MAX_BODY = 64 * 1024
T = TypeVar("T")
log = logging.getLogger("crud_wallet")


def create_app(config: Config) -> web.Application:
    """The whole wallet as an aiohttp application; the pool opens when it runs."""
    guard = require_token(config.admin_token, config.callback_path)
    app = web.Application(middlewares=[guard], client_max_size=MAX_BODY)
    app[CONFIG] = config
    app.cleanup_ctx.append(_pool)
    for route in ("transaction", "transaction-rollback"):
        app.router.add_post(f"{config.callback_path}/{route}", partial(_callback, route))
    app.router.add_post("/api/wallets/{user_id}/deposits", _deposit)
    app.router.add_get("/api/wallets/{user_id}", _wallet)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    return app


async def _pool(app: web.Application) -> AsyncIterator[None]:
    """One worker thread per pooled connection: psycopg's blocking calls release the GIL."""
    config = app[CONFIG]
    with (
        db.open_pool(config.database_url, config.pool_size) as pool,
        ThreadPoolExecutor(config.pool_size, thread_name_prefix="db") as threads,
    ):
        app[POOL], app[THREADS] = pool, threads
        yield


async def _off_loop(request: web.Request, call: Callable[[], T]) -> T:
    return await asyncio.get_running_loop().run_in_executor(request.app[THREADS], call)


async def _transaction(request: web.Request, work: Callable[[Any], T]) -> T:
    """One database transaction on a worker thread."""
    return await _off_loop(request, partial(db.in_transaction, request.app[POOL], work))


def _json(payload: Any) -> web.Response:
    return web.Response(body=orjson.dumps(payload), content_type="application/json")


async def _callback(route: str, request: web.Request) -> web.Response:
    """Signature on the raw bytes, parse, one transaction, always HTTP 200."""
    started = time.perf_counter()
    answer = await _settle(request, route)
    log.info(
        "callback route=%s outcome=%s client_id=%s duration_ms=%.3f",
        route,
        answer.error or "ok",
        answer.transaction_id,
        (time.perf_counter() - started) * 1000,
    )
    return _json(answer.payload())


async def _settle(request: web.Request, route: str) -> Answer:
    config = request.app[CONFIG]
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return Answer("INVALID_REQUEST")
    if not signed(request.headers, body, config.security_hash.encode()):
        return Answer("INVALID_SIGNATURE")
    try:
        cb = parse_callback(body, route, config.currencies)
    except Refused as refused:
        return Answer(refused.code)
    try:
        return await _transaction(request, partial(callbacks.settle, cb=cb))
    except Exception:
        log.exception("callback_failed id=%s", cb.transaction_id)
        return INTERNAL_ERROR


async def _deposit(request: web.Request) -> web.Response:
    """Credit the player once per reference; 409 when the reference meant something else."""
    user = request.match_info["user_id"]
    try:
        body = await request.read()
        reference, currency, amount = parse_deposit(body, request.app[CONFIG].currencies)
    except web.HTTPRequestEntityTooLarge:
        return api_error(400, "INVALID_REQUEST")
    except Refused as refused:
        return api_error(400, refused.code)
    work = partial(cashier.deposit, reference=reference, user_id=user, currency=currency)
    try:
        balance: Decimal = await _transaction(request, partial(work, amount=amount))
    except cashier.DuplicateReferenceError:
        return api_error(409, "DUPLICATE_REFERENCE")
    shown = format_amount(balance, currency)
    return _json({"user_id": user, "reference": reference, "currency": currency, "balance": shown})


async def _wallet(request: web.Request) -> web.Response:
    """Balances per currency and the blocked flag; a player never seen has none."""
    user = request.match_info["user_id"]
    balances, blocked = await _transaction(request, partial(wallets.view, user_id=user))
    shown = {c: format_amount(b, c) for c, b in balances.items()}
    return _json({"user_id": user, "blocked": blocked, "balances": shown})


async def _healthz(_: web.Request) -> web.Response:
    return _json({"status": "ok"})


async def _readyz(request: web.Request) -> web.Response:
    """Ready once a pooled connection answers within a few seconds."""
    if await _off_loop(request, partial(db.ping, request.app[POOL])):
        return _json({"status": "ready"})
    return web.Response(status=503, body=b'{"status":"unavailable"}')
