"""Serving processes: one, or several sharing the port through SO_REUSEPORT."""

import logging
import multiprocessing
import os
import signal
from types import FrameType

from aiohttp import web

from benchmarks.crud_wallet.app import create_app
from benchmarks.crud_wallet.config import Config


def serve(config: Config) -> None:
    """One server process until SIGTERM or SIGINT."""
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(message)s")
    web.run_app(
        create_app(config),
        host=config.host,
        port=config.port,
        reuse_port=True,
        access_log=None,
        print=lambda _: logging.info(
            "listening url=http://%s:%s pid=%s", config.host, config.port, os.getpid()
        ),
    )


def supervise(config: Config) -> int:
    """Start WORKERS processes and pass a stop signal on to each of them."""
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=serve, args=(config,)) for _ in range(config.workers)]
    for worker in workers:
        worker.start()

    def stop(signum: int, _: FrameType | None) -> None:
        for worker in workers:
            if worker.pid is not None and worker.is_alive():
                os.kill(worker.pid, signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.join()
    return max(worker.exitcode or 0 for worker in workers)
