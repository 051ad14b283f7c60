"""The writer answers by its deadline whatever the store does, writes every bet it answers
with an error down first, never loses a lane, and one lane blocked in the store does not
hold up the others. Real threads; the deterministic simulation is test_writer_sim.py."""

import asyncio
import threading
import zlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from adapters.failures import StoreUnavailableError
from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command, Deposit, PlaceBet
from ledger.batches import NOT_ATTEMPTED
from ledger.doubts import Doubt, NoRecord
from ledger.writer import WITHHELD, RetryPolicy, Writer

QUICK = RetryPolicy(deadline_s=0.3, answer_s=0.6, backoff_s=0.05, commit_margin_s=0.1)
OK = Answer()


class StuckStore:
    """A ledger whose store never answers for the players it is told to block."""

    def __init__(self, blocked: set[str], fails: frozenset[str] = frozenset()) -> None:
        self.blocked, self.fails = blocked, fails
        self.release = threading.Event()
        self.miscount = False
        self.broken: Any = None

    def decide_and_save(
        self, commands: Sequence[Command], **_: Any
    ) -> tuple[list[Answer] | Any, bool]:
        if any(c.user_id in self.blocked for c in commands):
            self.release.wait(10)
        if any(c.user_id in self.fails for c in commands):
            raise StoreUnavailableError("connection lost during the commit")
        if self.broken is not None:
            broken, self.broken = self.broken, None
            return broken, True
        return [OK for _ in commands][: 1 if self.miscount else None], True

    def probe(self, answer_by: float) -> None:
        del answer_by
        if self.blocked:
            self.release.wait(10)


class Record(NoRecord):
    """An error record in memory: what it was given, and a disk that may refuse."""

    def __init__(self) -> None:
        self.written: list[Doubt] = []
        self.refuses = False  # the disk refuses the next line (full, a size limit)

    def add(self, doubts: list[Doubt]) -> bool:
        self.written += doubts
        if self.refuses:
            self.healthy = False
        return self.healthy


def bet(user: str, n: int = 0) -> PlaceBet:
    return PlaceBet(f"bet-{user}-{n}", user, "USD", Decimal("1.00"))


def users_in_two_lanes() -> tuple[str, str]:
    names = [f"player-{n}" for n in range(20)]
    first = next(u for u in names if zlib.crc32(u.encode()) % 2 == 0)
    second = next(u for u in names if zlib.crc32(u.encode()) % 2 == 1)
    return first, second


def writer_on(store: StuckStore, record: Record | None = None, batch_max: int = 8) -> Writer:
    return Writer(store, lanes=2, batch_max=batch_max, policy=QUICK, record=record)  # type: ignore[arg-type]


async def test_a_blocked_store_is_answered_by_the_deadline_and_the_bet_written_down() -> None:
    stuck, _ = users_in_two_lanes()
    store, record = StuckStore({stuck}), Record()
    writer = writer_on(store, record)
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        answer = await writer.submit(bet(stuck))
        assert answer.error is Code.INTERNAL_ERROR
        assert loop.time() - started < QUICK.answer_s + 0.3
        assert [d.transaction_id for d in record.written] == [bet(stuck).transaction_id]
        assert record.written[0].delivery is not None  # which delivery to undo, if it landed
        await asyncio.sleep(0.1)  # the lane gives up on its thread at the same deadline
        assert writer.stats.abandoned == 1
    finally:
        store.release.set()
        await writer.close()


async def test_other_lanes_keep_moving_while_one_is_blocked() -> None:
    stuck, free = users_in_two_lanes()
    store = StuckStore({stuck})
    writer = writer_on(store)
    try:
        blocked = asyncio.create_task(writer.submit(bet(stuck)))
        await asyncio.sleep(0.05)
        assert [await writer.submit(bet(free, n)) for n in range(5)] == [OK] * 5
        assert (await blocked).error is Code.INTERNAL_ERROR
    finally:
        store.release.set()
        await writer.close()


async def test_a_blocked_lane_takes_a_fresh_thread_for_its_next_batch() -> None:
    stuck, _ = users_in_two_lanes()
    store = StuckStore({stuck})
    writer = writer_on(store)
    try:
        assert (await writer.submit(bet(stuck))).error is Code.INTERNAL_ERROR
        store.blocked.clear()  # the store answers again; the old thread is still blocked
        assert await writer.submit(bet(stuck, 1)) == OK
    finally:
        store.release.set()
        await writer.close()


async def test_a_store_error_until_the_deadline_is_written_down() -> None:
    user, _ = users_in_two_lanes()
    record = Record()
    writer = writer_on(StuckStore(set(), fails=frozenset({user})), record)
    try:
        assert (await writer.submit(bet(user))).error is Code.INTERNAL_ERROR
        assert [d.transaction_id for d in record.written] == [bet(user).transaction_id]
        assert writer.stats.abandoned == 0
    finally:
        await writer.close()


async def test_an_error_the_disk_could_not_write_down_is_withheld() -> None:
    user, _ = users_in_two_lanes()
    record = Record()
    record.refuses = True  # healthy until the bet's error is written: then the disk is full
    writer = writer_on(StuckStore(set(), fails=frozenset({user})), record)
    try:
        answer = await writer.submit(bet(user))
        assert answer.error is Code.INTERNAL_ERROR
        assert answer.note == WITHHELD  # the handler drops the connection instead
        assert [d.transaction_id for d in record.written] == [bet(user).transaction_id]
    finally:
        await writer.close()


async def test_no_new_bet_starts_a_commit_while_errors_cannot_be_written_down() -> None:
    user, _ = users_in_two_lanes()
    record = Record()
    record.healthy = False
    store = StuckStore(set())
    writer = writer_on(store, record)
    try:
        answer = await writer.submit(bet(user))
        assert (answer.error, answer.note) == (Code.INTERNAL_ERROR, NOT_ATTEMPTED)
        assert record.written == []  # nothing could land: nothing to write down
        assert await writer.submit(Deposit("cash-1", user, "USD", Decimal("5.00"))) == OK
    finally:
        await writer.close()


async def test_a_batch_given_too_few_answers_fails_whole_and_the_lane_goes_on() -> None:
    user, _ = users_in_two_lanes()
    store = StuckStore(set())
    writer = writer_on(store)
    try:
        store.miscount = True
        both = await asyncio.gather(writer.submit(bet(user, 1)), writer.submit(bet(user, 2)))
        assert [a.error for a in both] == [Code.INTERNAL_ERROR] * 2
        store.miscount = False
        assert await writer.submit(bet(user, 3)) == OK
    finally:
        await writer.close()


async def test_a_lane_that_dies_is_started_again_and_counted() -> None:
    user, _ = users_in_two_lanes()
    store = StuckStore(set())
    writer = writer_on(store)
    try:
        store.broken = 42  # not a list of answers: answering the batch raises
        assert (await writer.submit(bet(user, 1))).error is Code.INTERNAL_ERROR
        assert writer.stats.lane_restarts == 1
        assert await writer.submit(bet(user, 2)) == OK
    finally:
        await writer.close()


async def test_ready_is_the_heartbeat_of_every_lane() -> None:
    stuck, _ = users_in_two_lanes()
    store = StuckStore(set())
    record = Record()
    writer = writer_on(store, record)
    try:
        assert await writer.ready()  # an idle writer proves itself with a probe write
        store.blocked = {stuck}
        writer.last_commit = float("-inf")
        assert not await writer.ready()  # one lane takes no commit: not ready
        store.blocked = set()
        store.release.set()
        await asyncio.sleep(0.1)
        assert await writer.ready()
        record.healthy = False
        assert not await writer.ready()  # an error answer could not be written down
    finally:
        store.release.set()
        await writer.close()


def test_a_batch_that_queued_stops_trying_as_early_before_its_answer() -> None:
    policy = RetryPolicy(deadline_s=6.0, answer_s=8.0)
    assert policy.within(8.0).deadline_s == 6.0
    assert policy.within(5.0).deadline_s == 3.0
    assert policy.within(100.0).deadline_s == 6.0
