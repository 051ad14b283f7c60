"""The flood tier: what someone without credentials can send, against a real server, each
check under signed callback load. Nothing of it slows a signed bet or getBalance past 2 s,
gets decoded or read whole (the server's memory grows by less than 64 MiB), or holds a
connection past 10 s. A few hundred requests a check (benchmarks/flood.py sends them)."""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import aiohttp
import pytest

from benchmarks.flood import bomb, bombs, failed_logins, oversized_forms, stalled_bodies
from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id, new_user
from tests.support.server import Server, running_service

BOUND_S = 2.0  # no signed callback answered later than this during a flood
DROPPED_S = 10.0  # a body that stops arriving: its connection closed by then
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def flooded(database: str, log_dir: Path) -> Iterator[Server]:
    """The server behind a proxy it trusts (this test), so logins can come from anywhere."""
    with running_service(database, log_dir, "flood", TRUSTED_PROXIES="127.0.0.1") as server:
        yield server


def rss(server: Server) -> int:
    """The server process's resident memory, in bytes."""
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


class SignedLoad:
    """Signed bets and getBalance calls, a few at a time, for as long as a check runs."""

    def __init__(self, client: LedgerClient, user: str, workers: int = 4) -> None:
        self.client, self.user, self.workers = client, user, workers
        self.slowest = {"bet": 0.0, "getBalance": 0.0}
        self.answers: list[dict[str, object]] = []
        self._running = True
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> "SignedLoad":
        self._tasks = [asyncio.create_task(self._work(n)) for n in range(self.workers)]
        await asyncio.sleep(0.3)  # the load is flowing before the flood starts
        return self

    async def __aexit__(
        self, *_: type[BaseException] | BaseException | TracebackType | None
    ) -> None:
        self._running = False
        await asyncio.gather(*self._tasks)

    async def _work(self, n: int) -> None:
        kind = "bet" if n % 2 else "getBalance"
        while self._running:
            fields = (
                cb.bet(new_id("flood"), self.user, "0.01")
                if kind == "bet"
                else {"action": "getBalance", "user_id": self.user, "currency": "USD"}
            )
            started = time.monotonic()
            answer = await self.client.callback(fields)
            self.slowest[kind] = max(self.slowest[kind], time.monotonic() - started)
            self.answers.append(answer)
            await asyncio.sleep(0.01)

    def held_nothing(self) -> None:
        assert len(self.answers) >= 20, "the load did not run"
        assert all(a["error"] is None for a in self.answers), [
            a for a in self.answers if a["error"]
        ]
        assert max(self.slowest.values()) < BOUND_S, self.slowest


@pytest.fixture
async def load(flooded: Server, http: aiohttp.ClientSession) -> SignedLoad:
    client = LedgerClient(http, flooded.base)
    user = new_user()
    await client.deposit(user, "1000.00")
    return SignedLoad(client, user)


async def test_gzip_bombs_and_oversized_forms_without_a_login_are_refused_unread(
    flooded: Server, http: aiohttp.ClientSession, load: SignedLoad
) -> None:
    bomb()  # made before the load starts: compressing 64 MiB would stall this test's loop
    before = rss(flooded)
    async with load:
        answered = []
        for _ in range(3):
            answered += await bombs(http, flooded.base, 40)  # 64 MiB each, if decoded
            answered += await oversized_forms(http, flooded.base, 40)
    assert sorted(set(answered)) == [413, 415], answered
    assert rss(flooded) - before < 64 * MIB, (before // MIB, rss(flooded) // MIB)
    load.held_nothing()


async def test_forty_parallel_failed_logins_hold_no_signed_callback(
    flooded: Server, http: aiohttp.ClientSession, load: SignedLoad
) -> None:
    async with load:
        answered = []
        for _ in range(3):
            answered += await failed_logins(http, flooded.base, 40)
    assert set(answered) <= {401, 503}, answered
    assert 401 in answered  # some were checked (and failed); beyond the pool's queue: 503
    assert 503 in answered
    load.held_nothing()


async def test_bodies_that_stop_arriving_are_dropped_on_the_back_office_and_the_api(
    flooded: Server, load: SignedLoad
) -> None:
    async with load:
        dropped = await stalled_bodies(flooded.base, 5, DROPPED_S, cb.ADMIN_TOKEN)
    assert len(dropped) == 20
    assert all(seconds is not None for seconds in dropped), dropped
    load.held_nothing()
