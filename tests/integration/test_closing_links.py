"""A day's closing link is published only once no commit can still land in it, so an anchor
finance takes from the report never changes (it did, when a late commit was stamped the day
before, and --verify --anchors then cried tampering)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from adapters.store import StoreSettings
from domain.commands import Deposit, PlaceBet
from ledger.bootstrap import open_ledger
from projections.read_models import ReadModels
from projections.runner import BatchRunner
from projections.verify import verify

DAY = datetime(2026, 11, 26, tzinfo=UTC)
MIDNIGHT = DAY + timedelta(days=1)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_an_anchor_taken_after_midnight_while_commits_land_still_verifies(
    tmp_path: object,
) -> None:
    stamped = Clock(DAY + timedelta(hours=23, minutes=59, seconds=58))
    ledger = open_ledger(StoreSettings(f"sqlite:///{tmp_path}/ledger.sqlite3"), clock=stamped)
    try:
        ledger.execute([Deposit("d1", "p1", "USD", Decimal("10"))])
        runner = BatchRunner.of(ledger)
        runner.catch_up()
        now = Clock(MIDNIGHT + timedelta(seconds=1))
        read = ReadModels(runner.database, ledger.mapper, closing_grace_s=300, clock=now)

        # Right after midnight the day is not closed: no link to copy out yet.
        (first,) = read.daily(DAY.date(), DAY.date(), "USD")
        assert first["closing_link"] is None
        no_grace = ReadModels(runner.database, ledger.mapper, closing_grace_s=0, clock=now)
        (too_early,) = no_grace.daily(DAY.date(), DAY.date(), "USD")
        assert too_early["closing_link"] is not None
        # A bet decided at 23:59:59 commits now, after midnight: it belongs to the day.
        stamped.now = DAY + timedelta(hours=23, minutes=59, seconds=59)
        ledger.execute([PlaceBet("b1", "p1", "USD", Decimal("1"))])
        runner.catch_up()

        now.now = MIDNIGHT + timedelta(minutes=6)  # past the grace: the day is closed
        (closed,) = read.daily(DAY.date(), DAY.date(), "USD")
        anchor = {DAY.date().isoformat(): closed["closing_link"]}
        head = runner.log.head()
        assert closed["closing_link"] is not None
        assert verify(runner.log, ledger.mapper, head, anchor)[1] is None
        # What a link published without the grace would have done: a false alarm.
        early = {DAY.date().isoformat(): too_early["closing_link"]}
        assert verify(runner.log, ledger.mapper, head, early)[1] is not None
    finally:
        ledger.close()


def test_a_closed_day_waits_for_read_models_that_lag(tmp_path: object) -> None:
    clock = Clock(DAY + timedelta(hours=12))
    ledger = open_ledger(StoreSettings(f"sqlite:///{tmp_path}/lag.sqlite3"), clock=clock)
    try:
        ledger.execute([Deposit("d1", "p1", "USD", Decimal("10"))])
        runner = BatchRunner.of(ledger, batch_size=1)
        runner.run_once()  # one event of three applied
        read = ReadModels(runner.database, ledger.mapper, clock=Clock(MIDNIGHT + timedelta(days=1)))
        assert [r["closing_link"] for r in read.daily(DAY.date(), DAY.date(), None)] in ([], [None])
        runner.catch_up()
        (row,) = read.daily(DAY.date(), DAY.date(), None)
        assert row["closing_link"] is not None
    finally:
        ledger.close()
