"""Password checks run on their own few threads, and beyond the pool's queue are refused
at once instead of waiting behind the others."""

import asyncio
import threading

import pytest

from service.backoffice.passwords import PasswordPool, PoolBusyError


async def test_checks_run_on_the_pools_own_threads() -> None:
    pool = PasswordPool(threads=1, queue=0)
    try:
        assert (await pool.run(lambda: threading.current_thread().name)).startswith("password")
    finally:
        pool.close()


async def test_beyond_its_threads_and_queue_a_check_is_refused_at_once() -> None:
    pool = PasswordPool(threads=1, queue=2)
    release = threading.Event()
    try:
        held = [asyncio.ensure_future(pool.run(release.wait)) for _ in range(3)]
        await asyncio.sleep(0)
        assert pool.taken == 3
        with pytest.raises(PoolBusyError):
            await pool.run(release.wait)
        release.set()
        assert await asyncio.gather(*held) == [True, True, True]
        await asyncio.sleep(0.01)
        assert pool.taken == 0
        assert await pool.run(release.wait) is True  # room again
    finally:
        release.set()
        pool.close()


async def test_a_check_whose_request_went_away_still_holds_its_place_until_done() -> None:
    pool = PasswordPool(threads=1, queue=0)
    release = threading.Event()
    try:
        waiting = asyncio.ensure_future(pool.run(release.wait))
        await asyncio.sleep(0)
        waiting.cancel()
        await asyncio.sleep(0.01)
        with pytest.raises(PoolBusyError):  # the thread is still busy with it
            await pool.run(release.wait)
        release.set()
        await asyncio.sleep(0.05)
        assert pool.taken == 0
    finally:
        release.set()
        pool.close()
