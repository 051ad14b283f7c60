"""The Ledger application: decides batches of commands and saves each batch atomically."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    project_aggregate,
)
from eventsourcing.domain import Aggregate, datetime_now_with_tzinfo
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    IntegrityError,
    PersistenceError,
    Transcoder,
    UUIDAsHex,
)
from eventsourcing.utils import Environment, EnvType

from adapters.transcoding import OrjsonTranscoder
from domain import handlers
from domain.answers import Answer
from domain.codes import Code, LedgerError
from domain.commands import Command
from domain.player import Player
from domain.unit_of_work import UnitOfWork
from ledger.cache import HotAggregates

SNAPSHOT_INTERVAL = 10
HOT_CAPACITY = 20_000
Clock = Callable[[], datetime]


class ConflictError(LedgerError):
    """Another writer recorded first; deciding again on fresh state resolves it."""

    code = Code.INTERNAL_ERROR


class StoreUnavailableError(LedgerError):
    """The store did not answer; whether a commit in flight landed is unknown."""

    code = Code.INTERNAL_ERROR


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
        # Only the mapping given: configuration comes from the service's own config.
        return Environment(name, {"IS_SNAPSHOTTING_ENABLED": "y", **(env or {})})

    def execute(self, commands: Sequence[Command], *, careful: bool = False) -> list[Answer]:
        """Decide every command in turn on one working set, then save it in one call.

        By default hot aggregates come from memory and a transaction stream not held there
        is taken as new (its version 1 decides if it was not); careful reads everything.
        """
        reads = Reads(self, careful)
        uow = UnitOfWork(reads, self.clock())
        with store_errors(forget=lambda: self.hot.forget(uow.seen())):
            answers = [handlers.execute(uow, cmd) for cmd in commands]
            changed = uow.changed()
            written = {a.id for a in changed}
            self._verify(reads.assumed, written)
            self._save(changed)
        # Hold what was written or read from the store; what memory gave back is held already.
        self.hot.keep(a for a in uow.aggregates() if a.id in written or a.id not in reads.held)
        return answers

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
        return UnitOfWork(Reads(self, careful=True), self.clock()).player(user_id)

    def ping(self) -> None:
        """Raise StoreUnavailableError unless the store answers a query."""
        with store_errors():
            self.recorder.max_notification_id()

    def _verify(self, assumed: dict[UUID, int], written: set[UUID]) -> None:
        # What a batch only read from memory must still be so: nothing else would notice.
        for aggregate_id, version in assumed.items():
            if aggregate_id not in written and self._stored_version(aggregate_id) != version:
                self.hot.forget([aggregate_id])
                raise ConflictError("a stream read from memory has moved on")

    def _stored_version(self, aggregate_id: UUID) -> int:
        last = self.recorder.select_events(aggregate_id, desc=True, limit=1)
        return last[0].originator_version if last else 0

    def _save(self, aggregates: list[Aggregate]) -> None:
        # Application.save() without its runtime Protocol checks (costly per aggregate),
        # taking snapshots from memory (the state being saved) instead of reading back.
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in aggregates:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        snapshots = self._snapshots_due(processing)
        if getattr(self.recorder, "stores_snapshots", False):  # in the same transaction
            stored = [self.mapper.to_stored_event(s) for s in snapshots]
            self.events.put(processing.events, snapshots=stored)
        else:
            self._record(processing)
            if snapshots and self.snapshots is not None:
                self.snapshots.put(snapshots)

    def _snapshots_due(self, processing: ProcessingEvent[UUID]) -> list[Any]:
        due = {
            e.originator_id
            for e in processing.events
            if e.originator_version % SNAPSHOT_INTERVAL == 0
        }
        return [
            Player.Snapshot.take(aggregate)
            for aggregate_id, aggregate in processing.aggregates.items()
            if aggregate_id in due and isinstance(aggregate, Player)
        ]


class Reads:
    """Where one unit of work's aggregates come from, and what it took on trust."""

    def __init__(self, ledger: Ledger, careful: bool) -> None:
        self.ledger, self.careful = ledger, careful
        self.assumed: dict[UUID, int] = {}  # stream -> version taken without reading
        self.held: set[UUID] = set()  # streams memory gave back

    def load(self, aggregate_id: UUID, kind: type[Aggregate]) -> Aggregate | None:
        if not self.careful:
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


@contextmanager
def store_errors(forget: Callable[[], Any] = lambda: None) -> Iterator[None]:
    """Translate the library's persistence errors into the two the writer acts on."""
    try:
        yield
    except IntegrityError as error:
        forget()
        raise ConflictError(str(error)) from error
    except PersistenceError as error:
        forget()
        raise StoreUnavailableError(str(error)) from error
