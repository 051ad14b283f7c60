"""The composition root: create_app(config) wires the store, the writer and the routes."""

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from adapters.store import open_ledger
from service import callbacks, ops, wallets
from service.auth import require_token
from service.config import Config
from service.keys import CONFIG, LEDGER, READS, WRITER
from service.writer import Writer


def create_app(config: Config) -> web.Application:
    """The whole service as an aiohttp application; nothing starts until it runs."""
    app = web.Application(
        middlewares=[require_token(config.admin_token, config.callback_path), wallets.api_errors]
    )
    app[CONFIG] = config
    app.cleanup_ctx.append(_ledger)
    callbacks.add_routes(app, config.callback_path)
    app.router.add_routes(wallets.routes)
    app.router.add_routes(ops.routes)
    return app


async def _ledger(app: web.Application) -> AsyncIterator[None]:
    """Open the store and the writer for the app's lifetime; close both after the last request."""
    config = app[CONFIG]
    ledger = open_ledger(config.store)
    writes = ThreadPoolExecutor(config.write_lanes, thread_name_prefix="write")
    reads = ThreadPoolExecutor(4, thread_name_prefix="read")
    app[LEDGER] = ledger
    app[READS] = reads
    app[WRITER] = Writer(ledger, writes, lanes=config.write_lanes, batch_max=config.write_batch_max)
    yield
    await app[WRITER].close()
    writes.shutdown(wait=True)
    reads.shutdown(wait=True)
    ledger.close()
