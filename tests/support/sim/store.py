"""The simulated database, the network to it, and the servers' disks and clocks.

Every store call is given a fate when it is made: how long it takes, whether the database
executes it (now, later, or never), and what the caller hears (the result, an error, or
nothing for ever). Outages are windows of virtual time: a cut refuses every call; a
silence holds every call until it heals, then delivers it (as TCP's retransmissions
would), while the caller gives up after its socket's timeout. The database checks a
write's deadline against its own clock, and a stream's versions, when it executes it.
"""

import contextlib
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent

from adapters.failures import DeadlinePassed
from tests.support.sim.loop import VirtualTime
from tests.support.sim.threads import park

EPOCH = 1_800_000_000.0  # the wall clock when the simulation starts
SOCKET_GIVES_UP_S = 3.0  # tcp_user_timeout: a silent peer is declared dead


@dataclass
class Outage:
    """The database unreachable from `start` to `end`: refused (cut) or silent."""

    start: float
    end: float
    silent: bool


@dataclass
class Faults:
    """What may go wrong with one store call, by probability, besides the outages."""

    fail: float = 0.0  # refused before the database saw it
    lose_ack: float = 0.0  # executed, the answer lost
    land_late: float = 0.0  # executed long after, the caller told it failed
    stall: float = 0.0  # the caller never hears back (executed or not)
    slow: float = 0.0  # takes seconds instead of milliseconds


@dataclass
class Database:
    """The one store every simulated server shares."""

    time: VirtualTime
    rng: random.Random
    faults: Faults = field(default_factory=Faults)
    outages: list[Outage] = field(default_factory=list)
    skew: float = 0.0  # its clock against the servers' true time
    streams: dict[UUID, list[StoredEvent]] = field(default_factory=dict)
    snapshots: dict[UUID, list[StoredEvent]] = field(default_factory=dict)
    log: list[StoredEvent] = field(default_factory=list)
    schedule: Callable[[float, Callable[[], None]], None] = field(default=lambda _at, _fn: None)

    def wall(self) -> float:
        return EPOCH + self.time.now + self.skew

    def outage(self, at: float) -> Outage | None:
        return next((o for o in self.outages if o.start <= at < o.end), None)

    def execute(
        self, events: Sequence[StoredEvent], snaps: Sequence[StoredEvent], answer_by: float | None
    ) -> list[int]:
        """The append as the database runs it: refused late, refused on a taken version."""
        if answer_by is not None and self.wall() > answer_by:
            raise DeadlinePassed("the deadline passed before the commit")
        for event in events:
            held = self.streams.get(event.originator_id, [])
            if any(e.originator_version == event.originator_version for e in held):
                raise IntegrityError("a stream version is taken")
        for snap in snaps:
            self.snapshots.setdefault(snap.originator_id, []).append(snap)
        positions = []
        for event in events:
            self.streams.setdefault(event.originator_id, []).append(event)
            self.log.append(event)
            positions.append(len(self.log))
        return positions

    def call(self, write: Callable[[], Any] | None, read: Callable[[], Any] | None) -> Any:
        """One store call from a worker: its fate decided now, lived out on the clock."""
        now, rng, faults = self.time.now, self.rng, self.faults
        latency = rng.uniform(0.5, 3.0) if rng.random() < faults.slow else rng.uniform(1e-3, 5e-3)
        outage = self.outage(now)
        if outage is not None and not outage.silent:
            park(now + 1e-3)
            raise OperationalError("connection refused")
        if outage is not None:  # held until the heal, then delivered
            return self._held(outage, write, read, latency)
        fate = rng.random()  # one draw, cut in bands: fail, land late (writes), stall, lose ack
        late = faults.land_late if write is not None else 0.0
        if fate < faults.fail:
            park(now + latency)
            raise OperationalError("connection reset before the statement")
        if write is not None and fate < faults.fail + faults.land_late:
            self.schedule(now + rng.uniform(0.5, 12.0), _quietly(write))
            park(now + latency)
            raise OperationalError("connection reset; the statement is still on its way")
        if fate < faults.fail + late + faults.stall:
            if write is not None and rng.random() < 0.5:
                self.schedule(now + latency, _quietly(write))
            park(math.inf)
        park(now + latency / 2)
        result = write() if write is not None else read() if read is not None else None
        park(now + latency)
        if fate < faults.fail + late + faults.stall + faults.lose_ack:
            raise OperationalError("connection lost before the answer")
        return result

    def _held(
        self,
        outage: Outage,
        write: Callable[[], Any] | None,
        read: Callable[[], Any] | None,
        latency: float,
    ) -> Any:
        """A call into a silence: answered after the heal if the socket still waits, else
        given up on, a write among them executed at the heal all the same."""
        now, stall = self.time.now, self.rng.random() < self.faults.stall
        if outage.end + latency < now + SOCKET_GIVES_UP_S and not stall:
            park(outage.end + latency / 2)
            result = write() if write is not None else read() if read is not None else None
            park(outage.end + latency)
            return result
        if write is not None:
            self.schedule(outage.end + latency / 2, _quietly(write))
        park(math.inf if stall else now + SOCKET_GIVES_UP_S)
        raise OperationalError("the database went silent")


def _quietly(write: Callable[[], Any]) -> Callable[[], None]:
    """A write nobody waits for any more: its refusal is nobody's to hear."""

    def run() -> None:
        with contextlib.suppress(IntegrityError, DeadlinePassed):
            write()

    return run


class SimRecorder:
    """What a Ledger asks of its recorder, through the simulated network."""

    def __init__(self, database: Database, snapshots: bool = False) -> None:
        self.db, self._snapshots = database, snapshots

    def _table(self) -> dict[UUID, list[StoredEvent]]:
        return self.db.snapshots if self._snapshots else self.db.streams

    def select_events(
        self,
        originator_id: UUID,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        def read() -> list[StoredEvent]:
            found = [
                e for e in self._table().get(originator_id, [])
                if (gt is None or e.originator_version > gt)
                and (lte is None or e.originator_version <= lte)
            ]  # fmt: skip
            found.sort(key=lambda e: e.originator_version, reverse=desc)
            return found[:limit] if limit is not None else found

        return list(self.db.call(None, read))

    def insert_events(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int]:
        if self._snapshots:
            return list(self.db.call(lambda: self.db.execute([], stored_events, None), None))
        return self.append(stored_events, ())

    def append(
        self,
        events: Sequence[StoredEvent],
        snapshots: Sequence[StoredEvent],
        answer_by: float | None = None,
    ) -> Sequence[int]:
        if not events:
            return []
        return list(self.db.call(lambda: self.db.execute(events, snapshots, answer_by), None))

    def probe(self, answer_by: float) -> None:
        self.db.call(lambda: self.db.execute([], [], answer_by), None)

    def max_notification_id(self) -> int:
        return int(self.db.call(None, lambda: len(self.db.log)))


@dataclass
class SimDisk:
    """A server's own disk for its error record: it outlives the process, and can be full."""

    time: VirtualTime
    data: bytes = b""
    full: bool = False

    def read(self) -> bytes:
        return self.data

    def append(self, data: bytes) -> None:
        park(self.time.now + 1e-3)  # the fsync: a process may die before it returns
        if self.full:
            raise OSError(28, "No space left on device")
        self.data += data

    def replace(self, data: bytes) -> None:
        park(self.time.now + 1e-3)
        if self.full:
            raise OSError(28, "No space left on device")
        self.data = data

    def close(self) -> None:
        """Nothing held: the disk stays for the next process."""


@dataclass
class SimClock:
    """A server's clocks (ledger/clock.py) on virtual time, its wall clock a little off."""

    time: VirtualTime
    skew: float = 0.0

    def monotonic(self) -> float:
        return self.time.now

    def wall(self) -> float:
        return EPOCH + self.time.now + self.skew

    def sleep(self, seconds: float) -> None:
        park(self.time.now + seconds)
