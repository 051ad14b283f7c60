"""python -m sims.operator: run the OPERATOR simulator until stopped (see --help)."""

import asyncio
import signal
import sys

from aiohttp import web

from sims.logs import configure, log
from sims.operator.app import create_sim_app
from sims.operator.settings import SimSettings, parse
from sims.operator.state import OPERATOR


async def serve(settings: SimSettings) -> None:
    """Listen, say where (and where callbacks go, never the secrets), then wait for a stop."""
    app = create_sim_app(settings)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    port = runner.addresses[0][1]
    app[OPERATOR].port = port
    log.info(
        "operator_listening",
        url=f"http://{settings.host}:{port}",
        api=f"{settings.base_url(port)}/{settings.version}",
        callbacks=settings.callback_url("transaction"),
    )
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str]) -> int:
    configure()
    asyncio.run(serve(parse(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
