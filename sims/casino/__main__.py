"""python -m sims.casino: serve the demo casino (ADMIN_TOKEN in the environment; see --help)."""

import sys

from aiohttp import web

from sims.casino.app import create_casino_app
from sims.casino.settings import parse
from sims.logs import configure, log


def main(argv: list[str]) -> int:
    settings = parse(argv)
    configure()
    url = f"http://{settings.host}:{settings.port}/"
    web.run_app(
        create_casino_app(settings),
        host=settings.host,
        port=settings.port,
        access_log=None,
        print=lambda _: log.info("casino_listening", url=url, ledger=settings.ledger_url),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
