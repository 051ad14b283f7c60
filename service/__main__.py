"""python -m service: read the environment (and .env), then serve until stopped."""

import gc
import sys

import uvloop
from aiohttp import web

from adapters.logsetup import configure, log
from adapters.store import redacted
from domain.errors import SettingsError
from service.app import create_app
from service.settings import Settings, from_environment

# An idle (or half-sent) connection is closed after this long; clients simply reconnect.
KEEPALIVE_S = 5.0


def main() -> int:
    """Start, or print one line saying which variable stops the start and why."""
    try:
        config = from_environment()
        app = create_app(config)
    except SettingsError as error:
        print(f"service: {error.message}", file=sys.stderr)
        return 2
    configure(config.log_level)
    try:
        web.run_app(
            app,
            host=config.host,
            port=config.port,
            access_log=None,
            keepalive_timeout=KEEPALIVE_S,
            print=lambda _: _started(config),
            loop=uvloop.new_event_loop(),
        )
    except SettingsError as error:  # found while starting: another server's error record
        print(f"service: {error.message}", file=sys.stderr)
        return 2
    return 0


def _started(config: Settings) -> None:
    """Once the port is bound: settle the heap, then say where it listens (no secrets)."""
    # Everything imported and built so far lives as long as the process: keep it out of
    # the cyclic collector's full passes (they were the latency tail under load).
    gc.collect()
    gc.freeze()
    log.info(
        "listening",
        url=f"http://{config.host}:{config.port}",
        store=redacted(config.store.url),
        callbacks=config.callback_path,
        write_lanes=config.write_lanes,
        write_batch_max=config.write_batch_max,
    )


if __name__ == "__main__":
    sys.exit(main())
