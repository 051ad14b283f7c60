"""Password checks (argon2: a tenth of a second of CPU and 64 MiB each) on a small pool of
their own, never on the threads that serve callbacks, balances and wallet reads. Beyond
its queue a check is refused at once: failed logins cannot pile up work for anyone else."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
THREADS = 1  # argon2 runs its own lanes in parallel: one check keeps two cores busy
QUEUE = 8  # about a second of checks waiting; more are refused


class PoolBusyError(Exception):
    """Every thread and queue place of the password pool is taken: answer 503 now."""


class PasswordPool:
    """A bounded executor: at most threads + queue checks accepted at once."""

    def __init__(self, threads: int = THREADS, queue: int = QUEUE) -> None:
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="password")
        self._room = threads + queue
        self._taken = 0

    @property
    def taken(self) -> int:
        """Checks accepted and not yet finished."""
        return self._taken

    async def run(self, work: Callable[..., T], *args: object) -> T:
        """Run one check on the pool; PoolBusyError when it is full."""
        if self._taken >= self._room:
            raise PoolBusyError
        self._taken += 1
        future = self._executor.submit(work, *args)
        # Freed when the thread is done, even if the waiting request went away first.
        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda _: self._free(loop))
        return await asyncio.wrap_future(future)

    def _free(self, loop: asyncio.AbstractEventLoop) -> None:
        if not loop.is_closed():
            loop.call_soon_threadsafe(self._release)

    def _release(self) -> None:
        self._taken -= 1

    def close(self) -> None:
        """Finish the checks accepted, then stop the threads."""
        self._executor.shutdown(wait=True)
