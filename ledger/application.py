"""The Ledger application: decides batches of commands and saves each batch atomically."""

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol, cast, runtime_checkable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.domain import Aggregate, datetime_now_with_tzinfo
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    PersistenceError,
    StoredEvent,
    Transcoder,
    UUIDAsHex,
)
from eventsourcing.utils import Environment, EnvType

from adapters.failures import ConflictError, DeadlinePassed, store_errors
from adapters.logsetup import log
from adapters.transcoding import OrjsonTranscoder
from domain import handlers
from domain.answers import Answer
from domain.commands import Command
from domain.player import Player
from domain.unit_of_work import UnitOfWork
from ledger.cache import HotAggregates

SNAPSHOT_INTERVAL = 10
HOT_CAPACITY = 20_000
Clock = Callable[[], datetime]


@runtime_checkable
class AppendsSnapshots(Protocol):
    """A recorder that stores a batch's snapshots in the same transaction as its events."""

    def append(
        self,
        events: Sequence[StoredEvent],
        snapshots: Sequence[StoredEvent],
        answer_by: float | None = None,
    ) -> Sequence[int]:
        """Insert both, refused once answer_by has passed; the events' positions in order."""


@runtime_checkable
class Probes(Protocol):
    """A recorder that can commit a heartbeat through the same lock as its appends."""

    def probe(self, answer_by: float) -> None:
        """Commit a heartbeat, refused once answer_by has passed."""


class Ledger(Application[UUID]):
    """Player, OperatorTransaction and CashierTransaction streams in one event store."""

    name = "Ledger"
    snapshotting_intervals = {Player: SNAPSHOT_INTERVAL}

    def __init__(self, env: EnvType | None = None, clock: Clock = datetime_now_with_tzinfo) -> None:
        super().__init__(env)
        self.clock = clock  # read once per batch: the time every event of the batch carries
        self.hot = HotAggregates(HOT_CAPACITY)

    def construct_transcoder(self) -> Transcoder:
        """orjson in the library's JSON layout (see adapters/transcoding.py)."""
        transcoder = OrjsonTranscoder()
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
            transcoder.register(transcoding)
        return transcoder

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # Only the mapping given: configuration comes from the settings object.
        return Environment(name, {"IS_SNAPSHOTTING_ENABLED": "y", **(env or {})})

    def execute(
        self,
        commands: Sequence[Command],
        *,
        from_store: bool = False,
        answer_by: float | None = None,
    ) -> list[Answer]:
        """Decide every command in turn on one working set, then save it in one call."""
        return self.decide_and_save(commands, from_store=from_store, answer_by=answer_by)[0]

    def decide_and_save(
        self, commands: Sequence[Command], *, from_store: bool, answer_by: float | None
    ) -> tuple[list[Answer], bool]:
        """The answers, and whether the store committed anything for them.

        By default hot aggregates come from memory and a transaction stream not held there
        is taken as new (its version 1 decides if it was not); from_store reads everything.
        answer_by (epoch seconds): the store refuses the save once it has passed.
        """
        source = Source(self, from_store)
        uow = UnitOfWork(source, self.clock())
        with store_errors(forget=lambda: self.hot.forget(uow.seen())):
            answers = [handlers.execute(uow, cmd) for cmd in commands]
            changed = uow.changed()
            written = {a.id for a in changed}
            self._verify(source.assumed, written)
            self._save(changed, answer_by)
        # Hold what was written or read from the store; what memory gave back is held already.
        self.hot.keep(a for a in uow.aggregates() if a.id in written or a.id not in source.held)
        return answers, bool(changed)

    def probe(self, answer_by: float) -> None:
        """Commit a heartbeat through the append's lock (and the standby), or raise."""
        with store_errors():
            if isinstance(self.recorder, Probes):
                self.recorder.probe(answer_by)
                return
            _refuse_late(answer_by)
            self.recorder.max_notification_id()

    def load(self, aggregate_id: UUID, kind: type[Aggregate]) -> Aggregate | None:
        """The committed aggregate from the store: players from their latest snapshot."""
        with store_errors():
            if kind is Player:
                try:
                    return self.repository.get(aggregate_id)
                except AggregateNotFoundError:
                    return None
            found: Aggregate | None = project_aggregate(None, self.events.get(aggregate_id))
            return found

    def player(self, user_id: str) -> Player | None:
        """The wallet as committed, read from the store."""
        return UnitOfWork(Source(self, from_store=True), self.clock()).player(user_id)

    def ping(self) -> None:
        """Raise StoreUnavailableError unless the store answers a query."""
        with store_errors():
            self.recorder.max_notification_id()

    @cached_property
    def _appends_snapshots(self) -> bool:
        # Asked once: a runtime Protocol check costs more than the rest of a small save.
        return isinstance(self.recorder, AppendsSnapshots)

    def _verify(self, assumed: dict[UUID, int], written: set[UUID]) -> None:
        # What a batch only read from memory must still be so: nothing else would notice.
        for aggregate_id, version in assumed.items():
            if aggregate_id not in written and self._stored_version(aggregate_id) != version:
                self.hot.forget([aggregate_id])
                raise ConflictError("a stream read from memory has moved on")

    def _stored_version(self, aggregate_id: UUID) -> int:
        last = self.recorder.select_events(aggregate_id, desc=True, limit=1)
        return last[0].originator_version if last else 0

    def _save(self, aggregates: list[Aggregate], answer_by: float | None) -> None:
        # Application.save() without its runtime Protocol checks (costly per aggregate),
        # taking snapshots from memory (the state being saved) instead of reading back.
        events = [e for a in aggregates for e in a.collect_events()]
        if not events:
            return
        snapshots = _snapshots_due(aggregates, events)
        if self._appends_snapshots:  # in the same transaction
            to_stored = self.mapper.to_stored_event
            recorder = cast(AppendsSnapshots, self.recorder)
            stored = [to_stored(e) for e in events]
            recorder.append(stored, [to_stored(s) for s in snapshots], answer_by)
            return
        # An embedded store (SQLite, memory) commits at once on this machine's own clock.
        _refuse_late(answer_by)
        self.events.put(events)  # committed: what follows must not turn it into an error
        if snapshots and self.snapshots is not None:
            try:
                self.snapshots.put(snapshots)
            except PersistenceError as error:  # a snapshot only saves reading; the next one will do
                log.warning("snapshot_not_stored", error=type(error).__name__)


def _refuse_late(answer_by: float | None) -> None:
    if answer_by is not None and time.time() > answer_by:
        raise DeadlinePassed("the deadline passed before the commit")


def _snapshots_due(aggregates: list[Aggregate], events: list[Any]) -> list[Any]:
    due = {e.originator_id for e in events if e.originator_version % SNAPSHOT_INTERVAL == 0}
    return [Player.Snapshot.take(a) for a in aggregates if a.id in due and isinstance(a, Player)]


class Source:
    """Where one unit of work's aggregates come from, and what it took on trust."""

    def __init__(self, ledger: Ledger, from_store: bool) -> None:
        self.ledger, self.from_store = ledger, from_store
        self.assumed: dict[UUID, int] = {}  # stream -> version taken without reading
        self.held: set[UUID] = set()  # streams memory gave back

    def load(self, aggregate_id: UUID, kind: type[Aggregate]) -> Aggregate | None:
        """From memory when allowed and held; else from the store."""
        if not self.from_store:
            held = self.ledger.hot.get(aggregate_id)
            if held is not None:
                self.held.add(aggregate_id)
            if held is not None and kind is not Player:
                return held  # a recorded transaction's answer never changes
            if held is not None:
                self.assumed[aggregate_id] = held.version
                return held
            if kind is not Player:
                self.assumed[aggregate_id] = 0
                return None
        return self.ledger.load(aggregate_id, kind)
