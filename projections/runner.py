"""Following the log: each batch of events, its view changes and the tracking position are
committed in one transaction, so a runner killed anywhere resumes without counting twice."""

import time
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Tracking

from adapters.event_log import EventLog
from adapters.sql import Database
from ledger.application import Ledger
from projections import chain
from projections.projection import LedgerProjection, day
from projections.schema import TRACKING, create_tables, empty_views
from projections.views import LedgerViews

NAME = "ledger"


class ProjectionRunner:
    """Applies the log to the read models, a batch at a time, from the tracked position."""

    def __init__(self, ledger: Ledger, batch_size: int = 1000) -> None:
        self.database = Database.of(ledger.recorder)
        self.log = EventLog(self.database)
        self.mapper = ledger.mapper
        self.batch_size = batch_size
        self.views = LedgerViews(self.database)
        self.projection = LedgerProjection(view=self.views)
        self._written: int | None = None  # the last position this runner committed
        create_tables(self.database)

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
            events = self.log.page(position, self.batch_size, cursor)
            if not events:
                return 0
            self.views.begin(cursor, keep=position == self._written)
            moment = None
            for stored in events:
                event = self.mapper.to_domain_event(stored)
                moment = event.timestamp  # type: ignore[attr-defined]
                self.projection.process_event(event, Tracking(NAME, stored.id))
                link = chain.link(link, stored)
                self.views.link(stored.id, day(moment), link)
            self.views.flush()
            self._track(cursor, events[-1].id, link, moment)
        self._written = events[-1].id
        return len(events)

    def catch_up(self) -> int:
        """Run batches until the log's head as it was when called; events processed."""
        total = 0
        while processed := self.run_once():
            total += processed
        return total

    def position(self) -> int:
        """The last position applied to the read models."""
        rows = self.database.query(f"SELECT position FROM {TRACKING} WHERE name = %s", (NAME,))
        return int(rows[0]["position"]) if rows else 0

    def lag(self) -> tuple[int, float]:
        """Events not yet applied, and the age in seconds of the oldest of them."""
        position = self.position()
        pending = self.log.page(position, 1)
        if not pending:
            return 0, 0.0
        oldest = self.mapper.to_domain_event(pending[0])
        age = (datetime.now(UTC) - oldest.timestamp).total_seconds()  # type: ignore[attr-defined]
        return self.log.head() - position, max(age, 0.0)

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until the read models include a position, or the timeout passes."""
        deadline = time.monotonic() + timeout
        while self.position() < position:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def reset(self) -> None:
        """Empty the read models and rewind tracking to the start of the log."""
        self._written = None
        with self.database.transaction() as cursor:
            self._lock(cursor)
            empty_views(cursor)
            self._track(cursor, 0, chain.GENESIS, None)

    def _lock(self, cursor: Any) -> tuple[int, str]:
        # The UPDATE takes the row's write lock first, so two runners never share a batch.
        sql = self.database.sql
        cursor.execute(
            sql(
                f"INSERT INTO {TRACKING} (name, position, link) VALUES (%s, 0, %s) "
                "ON CONFLICT (name) DO NOTHING"
            ),
            (NAME, chain.GENESIS),
        )
        cursor.execute(sql(f"UPDATE {TRACKING} SET position = position WHERE name = %s"), (NAME,))
        cursor.execute(sql(f"SELECT position, link FROM {TRACKING} WHERE name = %s"), (NAME,))
        row = cursor.fetchone()
        return int(row["position"]), str(row["link"])

    def _track(self, cursor: Any, position: int, link: str, moment: datetime | None) -> None:
        cursor.execute(
            self.database.sql(
                f"UPDATE {TRACKING} SET position = %s, link = %s, event_time = %s WHERE name = %s"
            ),
            (position, link, moment.isoformat() if moment else None, NAME),
        )
