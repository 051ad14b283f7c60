"""The composition root: create_app(settings) wires the store, the writer and the routes."""

import contextlib
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import web

from adapters.record_file import RecordFile
from domain.errors import SettingsError
from ledger.bootstrap import open_ledger
from ledger.record import ErrorRecord
from ledger.writer import Writer
from projections.read_models import ReadModels
from projections.runner import BatchRunner
from service import callbacks, ops
from service.api import audit, limits, openapi, reconciliations, reports, wallets
from service.api.auth import require_token
from service.api.errors import api_errors
from service.api.sessions import setup_sessions
from service.backoffice.app import add_backoffice
from service.bodies import BODY_TIMEOUT_S
from service.follower import follow
from service.intake import intake
from service.keys import (
    LEDGER,
    METRICS,
    PROBES,
    READ_MODELS,
    READ_POOL,
    RECONCILE_QUEUE,
    RECORD,
    SETTINGS,
    WRITER,
)
from service.probes import StoreProbes
from service.settings import Settings
from service.settling import settling
from service.telemetry import Metrics
from service.work_queue import WorkQueue

RECONCILE_WAITING = 8  # uploads queued for the reconciliation pool; beyond them, 503
# However the app is served: a body is never decoded (a gzip bomb stays the bytes sent,
# refused by its Content-Encoding), and an unread rest of a body is drained for at most
# BODY_TIMEOUT_S after the answer, then the connection is closed.
SERVER_ARGS = {"auto_decompress": False, "lingering_time": BODY_TIMEOUT_S}


def create_app(settings: Settings) -> web.Application:
    """The whole service as an aiohttp application; nothing starts until it runs."""
    callback_paths = callbacks.paths(settings.callback_path).values()
    app = web.Application(
        middlewares=[
            intake(settings, callback_paths),
            require_token(settings.admin_token, callback_paths, settings.auditor_token),
            api_errors,
        ],
        # What aiohttp reads whole: the back office's forms, the largest an OPERATOR
        # export uploaded to its reconciliation page (each route's own cap is checked on
        # the declared length first: service/intake.py). The callbacks and the API read
        # their bodies themselves, capped at 64 KiB (service/bodies.py).
        client_max_size=settings.reconcile_max_bytes,
        handler_args=SERVER_ARGS,
    )
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    app.cleanup_ctx.append(_ledger)
    for module in (wallets, limits, audit, reports, reconciliations, ops, openapi):
        app.router.add_routes(module.routes)
    setup_sessions(app)
    add_backoffice(app, settings)
    refuse_overlaps(app, settings.callback_path)
    callbacks.add_routes(app, settings.callback_path)
    return app


def refuse_overlaps(app: web.Application, callback_path: str) -> None:
    """CALLBACK_PATH may neither shadow nor be shadowed by any other route."""
    ours = _segments(callback_path)
    for resource in app.router.resources():
        other = _segments(resource.canonical)
        if all(a == b or "{" in a + b for a, b in zip(ours, other, strict=False)):
            raise SettingsError(f"CALLBACK_PATH overlaps the route {resource.canonical}")


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


async def _ledger(app: web.Application) -> AsyncIterator[None]:
    """Open the error record, the store, the read models and the writer; close them after
    the last request. A record another process holds stops the start (RecordInUseError)."""
    settings = app[SETTINGS]
    app[RECORD] = record = ErrorRecord(RecordFile(Path(settings.record_path)))
    try:
        async with _serving(app, record):
            yield
    finally:
        record.close()


@contextlib.asynccontextmanager
async def _serving(app: web.Application, record: ErrorRecord) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    ledger = open_ledger(settings.store)
    runner = BatchRunner.of(ledger)
    restarted = app[METRICS].projection_restarts.inc
    async with follow(settings, runner, on_restart=restarted) as committed:
        app[LEDGER] = ledger
        app[READ_MODELS] = read_models = ReadModels(
            runner.database, ledger.mapper, settings.closing_grace_s
        )
        app[READ_POOL] = ThreadPoolExecutor(settings.read_pool_size, thread_name_prefix="read")
        app[RECONCILE_QUEUE] = reconciling = WorkQueue(
            settings.reconcile_pool_size, RECONCILE_WAITING, "reconcile"
        )
        app[PROBES] = probes = StoreProbes(read_models)
        app[WRITER] = writer = Writer(
            ledger,
            lanes=settings.write_lanes,
            batch_max=settings.write_batch_max,
            on_commit=committed,
            record=record,
        )
        app[METRICS].watch_store(lambda: writer.stats)
        async with settling(record, writer, app[METRICS]):
            yield
        await writer.close()
        app[READ_POOL].shutdown(wait=True)
        reconciling.close()
        probes.close()
    ledger.close()
