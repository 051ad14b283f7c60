"""Simulated servers on one simulated database: each a real Ledger, Writer and ErrorRecord
(the product's own code), with the network, disks, clocks and threads of the simulation.

A server is what `python -m service` is: its callback handler (deadline at arrival, the
bet stamped, the answer handed to a connection that may drop), its settling loop every
second, its error record on its own disk. Killing it drops everything in memory and
unwinds its threads at whatever step they were; its disk and the database stay.
"""

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import EventStore

from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command, PlaceBet
from ledger.application import Ledger
from ledger.record import ErrorRecord
from ledger.retry import RetryPolicy
from ledger.writer import WITHHELD, Writer
from service.settling import settle_once
from tests.support.sim.loop import VirtualTime
from tests.support.sim.store import EPOCH, Database, SimClock, SimDisk, SimRecorder
from tests.support.sim.threads import Pool, SimThreads

POLICY = RetryPolicy()  # the production deadlines: 6 s of attempts, the answer by 8 s
CONTRACT_BOUND_S = 10.0  # no callback is answered later than this after it arrived


class SimLedger(Ledger):
    """The Ledger application on the simulated database."""

    def __init__(self, database: Database, clock: Callable[[], datetime]) -> None:
        self._database = database
        super().__init__({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)

    def construct_recorder(self) -> Any:
        return SimRecorder(self._database)

    def construct_snapshot_store(self) -> Any:
        return EventStore(mapper=self.mapper, recorder=SimRecorder(self._database, True))  # type: ignore[arg-type]


class SimServer:
    """One service process: started, killed at any moment, started again on its disk."""

    def __init__(self, world: "World", name: str) -> None:
        self.world, self.name = world, name
        self.disk = SimDisk(world.time)
        self.alive = False
        self.starts = 0
        self._requests: set[asyncio.Task[Any]] = set()

    def start(self) -> None:
        world = self.world
        self.ledger = SimLedger(world.db, world.datetime)
        self.threads = SimThreads(world.pool)
        self.record = ErrorRecord(self.disk)
        clock = SimClock(world.time, skew=world.rng.uniform(-0.2, 0.2))
        self.writer = Writer(
            self.ledger, lanes=world.lanes, batch_max=world.batch_max, policy=POLICY,
            record=self.record, clock=clock, blocking=self.threads,
            deliveries=f"{self.name}.{self.starts}",
        )  # fmt: skip
        self._settler = asyncio.ensure_future(self._settle_forever())
        self.alive = True
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL: whatever was in flight never finishes; nothing in memory survives."""
        if not self.alive:
            return
        self.alive = False
        self._settler.cancel()
        for request in list(self._requests):
            request.cancel()
        # The writer is not closed (a dead process finishes nothing): its lanes just stop.
        self.writer._closing = True
        for task in self.writer._tasks.values():
            task.cancel()
        self.threads.kill()

    async def deliver(self, cmd: Command) -> Answer | None:
        """One HTTP delivery of a callback: its answer, or None when none reached the caller."""
        if not self.alive:
            return None
        request = asyncio.ensure_future(self._handle(cmd))
        self._requests.add(request)
        request.add_done_callback(self._requests.discard)
        done, _ = await asyncio.wait({request}, timeout=CONTRACT_BOUND_S)
        if not done or request.cancelled():
            return None
        return request.result()

    async def _handle(self, cmd: Command) -> Answer | None:
        """service/callbacks.py's handler, minus HTTP."""
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        cmd = self.writer.stamped(cmd)
        answer = await self.writer.submit(cmd, arrived + POLICY.answer_s)
        if loop.time() - arrived > CONTRACT_BOUND_S:
            self.world.problems.append(
                f"{cmd} answered {loop.time() - arrived:.2f}s after it arrived"
            )
        if answer.note == WITHHELD:  # the connection is dropped: no answer leaves
            return None
        if not isinstance(cmd, PlaceBet) or answer.error is Code.INTERNAL_ERROR:
            return answer
        if self.world.rng.random() < self.world.lost_answers:  # the connection dropped
            await self.writer.unanswered(cmd)
            return None
        return answer

    async def _settle_forever(self) -> None:
        while True:
            await settle_once(self.record, self.writer)
            await asyncio.sleep(1.0)


class World:
    """The database, the servers, the clock and the random choices of one seed."""

    def __init__(self, seed: int, servers: int = 2, lanes: int = 1, batch_max: int = 16) -> None:
        self.time = VirtualTime()
        self.rng = random.Random(seed)
        self.pool = Pool()
        self.db = Database(self.time, random.Random(self.rng.random()))
        self.lanes, self.batch_max = lanes, batch_max
        self.lost_answers = 0.0
        self.problems: list[str] = []
        self.servers = [SimServer(self, f"server-{n}") for n in range(servers)]

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(EPOCH + self.time.now, UTC)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The database's later deliveries run on the loop, at their virtual time."""
        self.db.schedule = lambda at, fn: loop.call_at(at, fn) and None
        for server in self.servers:
            server.start()

    def live(self) -> list[SimServer]:
        return [s for s in self.servers if s.alive]

    def close(self) -> None:
        for server in self.servers:
            server.kill()
        self.pool.close()
