"""The composition root: create_app(config) wires the store, the writer and the routes."""

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from adapters.event_log import EventLog
from adapters.store import open_ledger
from ledger.writer import Writer
from projections.history import History
from projections.runner import ProjectionRunner
from service import callbacks, metrics, ops
from service.api import audit, openapi, reports, wallets
from service.api.auth import require_token
from service.api.sessions import setup_sessions
from service.follower import follow
from service.keys import CONFIG, HISTORY, LEDGER, PROJECTION, READS, WRITER
from service.settings import Config


def create_app(config: Config) -> web.Application:
    """The whole service as an aiohttp application; nothing starts until it runs."""
    app = web.Application(
        middlewares=[require_token(config.admin_token, config.callback_path), wallets.api_errors]
    )
    app[CONFIG] = config
    metrics.setup(app)
    app.cleanup_ctx.append(_ledger)
    callbacks.add_routes(app, config.callback_path)
    for module in (wallets, audit, reports, ops, openapi, metrics):
        app.router.add_routes(module.routes)
    setup_sessions(app)
    return app


async def _ledger(app: web.Application) -> AsyncIterator[None]:
    """Open the store, the read models and the writer; close them after the last request."""
    config = app[CONFIG]
    ledger = open_ledger(config.store)
    runner = ProjectionRunner(ledger)
    async with follow(config, runner) as committed:
        app[LEDGER] = ledger
        app[PROJECTION] = runner
        app[HISTORY] = History(EventLog(runner.database), ledger.mapper)
        app[READS] = ThreadPoolExecutor(4, thread_name_prefix="read")
        writes = ThreadPoolExecutor(config.write_lanes, thread_name_prefix="write")
        app[WRITER] = Writer(
            ledger,
            writes,
            lanes=config.write_lanes,
            batch_max=config.write_batch_max,
            on_commit=committed,
        )
        yield
        await app[WRITER].close()
        writes.shutdown(wait=True)
        app[READS].shutdown(wait=True)
    ledger.close()
