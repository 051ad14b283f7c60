"""The Ledger application: decides batches of commands and saves each batch atomically."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.domain import Aggregate, datetime_now_with_tzinfo
from eventsourcing.persistence import IntegrityError, PersistenceError
from eventsourcing.utils import Environment, EnvType

from domain import handlers
from domain.answers import Answer
from domain.codes import Code, LedgerError
from domain.commands import Command
from domain.player import Player
from domain.unit_of_work import UnitOfWork

SNAPSHOT_INTERVAL = 100
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

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # Only the mapping given: configuration comes from the service's own config.
        return Environment(name, {"IS_SNAPSHOTTING_ENABLED": "y", **(env or {})})

    def execute(self, commands: Sequence[Command]) -> list[Answer]:
        """Decide every command in turn on one working set, then save it in one call."""
        with store_errors():
            uow = UnitOfWork(self, self.clock())
            answers = [handlers.execute(uow, cmd) for cmd in commands]
            self.save(*uow.changed())
        return answers

    def load(self, aggregate_id: UUID, kind: type[Aggregate]) -> Aggregate | None:
        """Players load from their latest snapshot; small streams from their events."""
        with store_errors():
            if kind is Player:
                try:
                    return self.repository.get(aggregate_id)
                except AggregateNotFoundError:
                    return None
            found: Aggregate | None = project_aggregate(None, self.events.get(aggregate_id))
            return found

    def player(self, user_id: str) -> Player | None:
        """The wallet as committed, for reads."""
        return UnitOfWork(self, self.clock()).player(user_id)

    def ping(self) -> None:
        """Raise StoreUnavailableError unless the store answers a query."""
        with store_errors():
            self.recorder.max_notification_id()


@contextmanager
def store_errors() -> Iterator[None]:
    """Translate the library's persistence errors into the two the writer acts on."""
    try:
        yield
    except IntegrityError as error:
        raise ConflictError(str(error)) from error
    except PersistenceError as error:
        raise StoreUnavailableError(str(error)) from error
