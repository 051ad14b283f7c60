"""The writer answers by its deadline whatever the store does, reports what stayed unknown,
and one lane blocked in the store does not hold up the others."""

import asyncio
import threading
import time
import zlib
from collections.abc import Sequence
from decimal import Decimal

from adapters.failures import StoreUnavailableError
from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command, PlaceBet
from ledger.writer import RetryPolicy, Writer

QUICK = RetryPolicy(deadline_s=0.3, answer_s=0.6, backoff_s=0.05)
OK = Answer()


class StuckStore:
    """A ledger whose store never answers for the players it is told to block."""

    def __init__(self, blocked: set[str], fails: frozenset[str] = frozenset()) -> None:
        self.blocked, self.fails = blocked, fails
        self.release = threading.Event()

    def execute(self, commands: Sequence[Command], **_: bool) -> list[Answer]:
        if any(c.user_id in self.blocked for c in commands):
            self.release.wait(10)
        if any(c.user_id in self.fails for c in commands):
            raise StoreUnavailableError("connection lost during the commit")
        return [OK for _ in commands]


def bet(user: str, n: int = 0) -> PlaceBet:
    return PlaceBet(f"bet-{user}-{n}", user, "USD", Decimal("1.00"))


def users_in_two_lanes() -> tuple[str, str]:
    names = [f"player-{n}" for n in range(20)]
    first = next(u for u in names if zlib.crc32(u.encode()) % 2 == 0)
    second = next(u for u in names if zlib.crc32(u.encode()) % 2 == 1)
    return first, second


async def test_a_blocked_store_is_answered_internal_error_by_the_deadline_and_reported() -> None:
    stuck, _ = users_in_two_lanes()
    store = StuckStore({stuck})
    unknown: list[Command] = []
    writer = Writer(store, lanes=2, batch_max=8, policy=QUICK, on_unknown=unknown.extend)  # type: ignore[arg-type]
    try:
        started = time.monotonic()
        answer = await writer.submit(bet(stuck))
        assert answer.error is Code.INTERNAL_ERROR
        assert time.monotonic() - started < QUICK.answer_s + 0.3
        assert unknown == [bet(stuck)]
        assert writer.stats.abandoned == 1
    finally:
        store.release.set()
        await writer.close()


async def test_other_lanes_keep_moving_while_one_is_blocked() -> None:
    stuck, free = users_in_two_lanes()
    store = StuckStore({stuck})
    writer = Writer(store, lanes=2, batch_max=8, policy=QUICK)  # type: ignore[arg-type]
    try:
        blocked = asyncio.create_task(writer.submit(bet(stuck)))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        assert [await writer.submit(bet(free, n)) for n in range(5)] == [OK] * 5
        assert time.monotonic() - started < 0.3
        assert (await blocked).error is Code.INTERNAL_ERROR
    finally:
        store.release.set()
        await writer.close()


async def test_a_blocked_lane_takes_a_fresh_thread_for_its_next_batch() -> None:
    stuck, _ = users_in_two_lanes()
    store = StuckStore({stuck})
    writer = Writer(store, lanes=2, batch_max=8, policy=QUICK)  # type: ignore[arg-type]
    try:
        assert (await writer.submit(bet(stuck))).error is Code.INTERNAL_ERROR
        store.blocked.clear()  # the store answers again; the old thread is still blocked
        assert await writer.submit(bet(stuck, 1)) == OK
    finally:
        store.release.set()
        await writer.close()


async def test_a_store_error_until_the_deadline_is_an_unknown_outcome() -> None:
    user, _ = users_in_two_lanes()
    unknown: list[Command] = []
    store = StuckStore(set(), fails={user})
    writer = Writer(store, lanes=2, batch_max=8, policy=QUICK, on_unknown=unknown.extend)  # type: ignore[arg-type]
    try:
        assert (await writer.submit(bet(user))).error is Code.INTERNAL_ERROR
        assert unknown == [bet(user)]
        assert writer.stats.abandoned == 0
    finally:
        await writer.close()


def test_a_batch_that_queued_stops_trying_as_early_before_its_answer() -> None:
    policy = RetryPolicy(deadline_s=6.0, answer_s=8.0)
    assert policy.within(8.0).deadline_s == 6.0
    assert policy.within(5.0).deadline_s == 3.0
    assert policy.within(100.0).deadline_s == 6.0
