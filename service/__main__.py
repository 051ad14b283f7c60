"""python -m service: read the environment (and .env), then serve until stopped."""

import gc
import os
import sys

import uvloop
from aiohttp import web
from dotenv import load_dotenv

from adapters.logsetup import configure, log
from adapters.store import redacted
from service.app import create_app
from service.settings import Config, ConfigError

# An idle (or half-sent) connection is closed after this long; clients simply reconnect.
KEEPALIVE_S = 5.0


def main() -> int:
    """Start, or print one line saying which variable stops the start and why."""
    load_dotenv(".env", override=False)
    try:
        config = Config.from_env(os.environ)
    except ConfigError as error:
        print(f"service: {error}", file=sys.stderr)
        return 2
    configure(config.log_level)
    web.run_app(
        create_app(config),
        host=config.host,
        port=config.port,
        access_log=None,
        keepalive_timeout=KEEPALIVE_S,
        print=lambda _: _started(config),
        loop=uvloop.new_event_loop(),
    )
    return 0


def _started(config: Config) -> None:
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
