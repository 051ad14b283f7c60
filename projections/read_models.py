"""The one door the routes and tools read the read models through."""

import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper

from adapters.event_log import EventLog
from adapters.failures import store_errors
from adapters.sql import Database
from projections import queries
from projections.history import History
from projections.schema import TRACKING
from projections.verified import Checked, advance

NAME = "ledger"  # the tracking row of the ledger's read models


class ReadModels:
    """Entries, daily totals, the event history and how far the read models have got.

    Every method is a blocking read; a store that does not answer raises
    StoreUnavailableError, like every other read of the ledger.
    """

    def __init__(self, database: Database, mapper: Mapper[UUID]) -> None:
        self.database = database
        self.log = EventLog(database)
        self.history = History(self.log, mapper)
        self._mapper = mapper

    def entry(self, any_id: str) -> dict[str, Any] | None:
        """One ledger entry by OPERATOR id, cashier reference or CLIENT id."""
        with store_errors():
            return queries.transaction_entry(self.database, any_id)

    def daily(self, start: date, end: date, currency: str | None) -> list[dict[str, Any]]:
        """Daily totals per currency with each day's closing link."""
        with store_errors():
            return queries.daily_totals(self.database, start, end, currency)

    def player_events(self, user_id: str, after: int, limit: int) -> list[dict[str, Any]]:
        """A player's events, oldest first, rendered for auditors."""
        with store_errors():
            return self.history.player(user_id, after, limit)

    def ledger_events(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Every event in commit order, rendered for auditors."""
        with store_errors():
            return self.history.ledger(after, limit)

    def balances_at(self, user_id: str, **point: Any) -> tuple[dict[str, Decimal], bool]:
        """A player's balances and block flag at a position or a moment."""
        with store_errors():
            return self.history.balances_at(user_id, **point)

    def position(self) -> int:
        """The last position applied to the read models."""
        with store_errors():
            rows = self.database.query(
                f"SELECT position FROM {TRACKING.name} WHERE name = %s", (NAME,)
            )
        return int(rows[0]["position"]) if rows else 0

    def head(self) -> int:
        """The newest position in the log."""
        with store_errors():
            return self.log.head()

    def lag(self) -> tuple[int, float]:
        """Events not yet applied, and the age in seconds of the oldest of them."""
        position = self.position()
        with store_errors():
            pending = self.log.page(position, 1)
            if not pending:
                return 0, 0.0
            oldest = self._mapper.to_domain_event(pending[0])
            head = self.log.head()
        age = (datetime.now(UTC) - oldest.timestamp).total_seconds()  # type: ignore[attr-defined]
        return head - position, max(age, 0.0)

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until the read models include a position, or the timeout passes."""
        deadline = time.monotonic() + timeout
        while self.position() < position:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def verified(self) -> Checked:
        """The hash chain verified from the bytes up to the read models' position, advancing
        the checkpoint from where the last look stopped (never a full recompute)."""
        up_to = self.position()
        with store_errors():
            return advance(self.log, self._mapper, up_to)
