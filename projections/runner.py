"""Following the log: each batch of events, its view changes and the tracking position are
committed in one transaction, so a runner killed anywhere resumes without counting twice."""

from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification, Tracking

from adapters.event_log import EventLog, Row
from adapters.sql import Database
from projections import chain
from projections.direct import DirectDecoder
from projections.projection import LedgerProjection
from projections.read_models import CLOSING_GRACE_S, NAME, ReadModels
from projections.schema import TRACKING, create_tables, empty_views
from projections.views import LedgerViews

_TRACKING = TRACKING.name
# Far behind (a replay, a backlog), batches grow: a batch's fixed costs (a balance row per
# player it touches, the statements, the commit) are then shared by ten times the events.
CATCH_UP_FACTOR, CATCH_UP_MAX = 10, 10_000


class BatchRunner:
    """Applies the log to the read models, a batch at a time, from the tracked position.

    The library's ProjectionRunner commits once per event and has no SQLite subscription;
    this one commits a batch of events with its tracking position in one transaction.
    """

    def __init__(
        self,
        database: Database,
        mapper: Mapper[UUID],
        batch_size: int = 1000,
        closing_grace_s: float = CLOSING_GRACE_S,
        *,
        direct: bool = True,
    ) -> None:
        self.database = database
        self.log = EventLog(self.database)
        self.mapper = mapper
        self.read_models = ReadModels(database, mapper, closing_grace_s)
        self.batch_size = batch_size
        self.catch_up_size = max(batch_size, min(CATCH_UP_FACTOR * batch_size, CATCH_UP_MAX))
        self._page = batch_size  # the catch-up size after a full batch, else batch_size
        self.views = LedgerViews(self.database)
        self.projection = LedgerProjection(view=self.views)
        # direct=False: every event through the mapper and the projection (the reference).
        self.direct = DirectDecoder(self.views, mapper if direct else None)
        self._written: int | None = None  # the last position this runner committed
        create_tables(self.database)

    @classmethod
    def of(
        cls,
        application: Application[UUID],
        batch_size: int = 1000,
        closing_grace_s: float = CLOSING_GRACE_S,
        *,
        direct: bool = True,
    ) -> "BatchRunner":
        """The runner over an application's own event store."""
        database = Database.of(application.recorder)
        return cls(database, application.mapper, batch_size, closing_grace_s, direct=direct)

    def run_once(self) -> int:
        """Process the next batch; how many events it held (0 when caught up)."""
        try:
            return self._run_batch()
        except BaseException:
            self._written = None  # what memory holds may not have been committed
            raise

    def _run_batch(self) -> int:
        with self.database.transaction() as cursor:
            if self.database.postgres:
                # Derived data: a crash loses at most a batch that is then simply redone.
                cursor.execute("SET LOCAL synchronous_commit = off")
            position, link = self._lock(cursor)
            rows = self.log.rows(position, self._page, cursor)
            full = len(rows) == self._page
            self._page = self.catch_up_size if full else self.batch_size
            if not rows:
                return 0
            self.views.begin(cursor, keep=position == self._written)
            digest, moment = bytes.fromhex(link), ""
            with self.views.linking() as add_link:
                for row in rows:
                    moment = self.direct.apply(row) or self._apply(row)
                    digest = chain.next_digest(digest, row)
                    add_link((row[0], moment[:10], digest.hex()))  # the date of an ISO time
            self.views.flush()
            self._track(cursor, rows[-1][0], digest.hex(), moment)
        self._written = rows[-1][0]
        return len(rows)

    def _apply(self, row: Row) -> str:
        """One event the mapper's way, as a domain event; its time in ISO text."""
        at, stream, version, topic, state = row
        stored = Notification(
            id=at, originator_id=UUID(stream), originator_version=version, topic=topic, state=state
        )
        event = self.mapper.to_domain_event(stored)
        self.projection.process_event(event, Tracking(NAME, at))
        return str(event.timestamp.isoformat())  # type: ignore[attr-defined]

    def catch_up(self) -> int:
        """Run batches until the log's head as it was when called; events processed."""
        total = 0
        while processed := self.run_once():
            total += processed
        return total

    def position(self) -> int:
        """The last position applied to the read models."""
        return self.read_models.position()

    def lag(self) -> tuple[int, float]:
        """Events not yet applied, and the age in seconds of the oldest of them."""
        return self.read_models.lag()

    def reset(self) -> None:
        """Empty the read models and rewind tracking to the start of the log."""
        self._written = None
        with self.database.transaction() as cursor:
            self._lock(cursor)
            empty_views(cursor, self.database)
            self._track(cursor, 0, chain.GENESIS, None)
        self.views.emptied()
        self._written = 0

    def _lock(self, cursor: Any) -> tuple[int, str]:
        # The UPDATE takes the row's write lock first, so two runners never share a batch.
        sql = self.database.sql
        cursor.execute(
            sql(
                f"INSERT INTO {_TRACKING} (name, position, link) VALUES (%s, 0, %s) "
                "ON CONFLICT (name) DO NOTHING"
            ),
            (NAME, chain.GENESIS),
        )
        cursor.execute(sql(f"UPDATE {_TRACKING} SET position = position WHERE name = %s"), (NAME,))
        cursor.execute(sql(f"SELECT position, link FROM {_TRACKING} WHERE name = %s"), (NAME,))
        row = cursor.fetchone()
        return int(row["position"]), str(row["link"])

    def _track(self, cursor: Any, position: int, link: str, moment: str | None) -> None:
        cursor.execute(
            self.database.sql(
                f"UPDATE {_TRACKING} SET position = %s, link = %s, event_time = %s WHERE name = %s"
            ),
            (position, link, moment, NAME),
        )
