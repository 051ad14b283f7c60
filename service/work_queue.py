"""A small pool of its own for long work (an OPERATOR export's reconciliation): it never
holds a thread, nor a store connection, that callbacks and balance reads use, and only a
bounded number of requests wait for it; beyond them, 503 at once."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")


class WorkQueue:
    """threads run the work; up to `waiting` more requests queue for them."""

    def __init__(self, threads: int, waiting: int, name: str) -> None:
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix=name)
        self._room = threads + waiting
        self._busy = 0

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """The work's result, run on the pool; 503 when too many are waiting already."""
        if self._busy >= self._room:
            raise web.HTTPServiceUnavailable(
                reason="too many reconciliations at once; retry in a minute",
                headers={"Retry-After": "60"},
            )
        self._busy += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, work, *args)
        finally:
            self._busy -= 1

    def close(self) -> None:
        """Wait for the work under way, then end the threads."""
        self.pool.shutdown(wait=True)
