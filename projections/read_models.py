"""The one door the routes and tools read the read models through."""

import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper

from adapters.event_log import EventLog
from adapters.failures import store_errors
from adapters.operator_export import read_rows
from adapters.sql import Database
from projections import queries
from projections.agreement import Window
from projections.history import History
from projections.reconciliation_runs import run_page, save_run
from projections.schema import TRACKING
from projections.verified import Checked, advance

NAME = "ledger"  # the tracking row of the ledger's read models
# A day's closing link is published this long after the day ends: far longer than the
# 10 s any commit may take to land, and than two servers' clocks should ever differ.
CLOSING_GRACE_S = 300.0


class ReadModels:
    """Entries, daily totals, the event history and how far the read models have got.

    Every method is a blocking read; a store that does not answer raises
    StoreUnavailableError, like every other read of the ledger.
    """

    def __init__(
        self,
        database: Database,
        mapper: Mapper[UUID],
        closing_grace_s: float = CLOSING_GRACE_S,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.log = EventLog(database)
        self.history = History(self.log, mapper)
        self._mapper = mapper
        self._grace = timedelta(seconds=closing_grace_s)
        self._clock = clock

    def entry(self, any_id: str) -> dict[str, Any] | None:
        """One ledger entry by OPERATOR id, cashier reference or CLIENT id."""
        with store_errors():
            return queries.transaction_entry(self.database, any_id)

    def daily(self, start: date, end: date, currency: str | None) -> list[dict[str, Any]]:
        """Daily totals per currency, with the closing link of every day that is closed.

        A day is closed once its end is CLOSING_GRACE_S past (longer than any commit may
        take, and than the clocks of two servers may differ) and the read models hold the
        whole log: its closing link can then never change, so an anchor taken is for good.
        """
        head = self.head()
        closed = (self._clock() - self._grace).date() - timedelta(days=1)
        if self.position() < head:  # the chain may not hold all of a closed day yet
            closed = date.min
        with store_errors():
            return queries.daily_totals(self.database, start, end, currency, closed)

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

    def reconcile_export(
        self, lines: Iterable[str], window: Window, name: str = "", first: int = 100
    ) -> dict[str, Any]:
        """An OPERATOR export compared with the transactions index, saved as a run: its id,
        the counts and the first discrepancies (the rest paged by reconciliation())."""
        with store_errors():
            return save_run(self.database, read_rows(lines), window, name, first)

    def reconciliation(self, run_id: str, after: int, limit: int) -> dict[str, Any] | None:
        """A saved run's counts and its discrepancies after the `after`-th; None: no such run."""
        with store_errors():
            return run_page(self.database, run_id, after, limit)

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
