"""The metrics route's look at the store: on a thread of its own, one in flight at a time,
bounded, so /metrics answers on time whatever the store and the audit reads are doing.
(Readiness is the writer's own heartbeat: ledger/writer.py.)"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from projections.read_models import ReadModels

PROBE_TIMEOUT_S = 2.0


class Probe:
    """A blocking store read run at most once at a time; None if it fails or is late."""

    def __init__(self, executor: ThreadPoolExecutor, work: Callable[[], Any]) -> None:
        self._executor, self._work = executor, work
        self._running: asyncio.Future[Any] | None = None

    async def __call__(self, timeout_s: float = PROBE_TIMEOUT_S) -> Any:
        if self._running is None or self._running.done():
            loop = asyncio.get_running_loop()
            self._running = loop.run_in_executor(self._executor, self._work)
            self._running.add_done_callback(_retrieve)
        try:
            return await asyncio.wait_for(asyncio.shield(self._running), timeout_s)
        except Exception:  # the store is down, slow or unreachable: the caller says so
            return None


class StoreProbes:
    """Projection lag, on a thread of its own."""

    def __init__(self, read_models: ReadModels) -> None:
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="ops")
        self.lag = Probe(self._executor, read_models.lag)

    def close(self) -> None:
        """A probe blocked in the store is not waited for."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def _retrieve(future: "asyncio.Future[Any]") -> None:
    if not future.cancelled():
        future.exception()  # nobody may await a late probe: mark its error as seen
