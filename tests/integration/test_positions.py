"""Gaps in the positions: where they can come from, and that --verify shows none hides an event."""

from decimal import Decimal

import pytest

from adapters.store import StoreSettings
from domain.commands import Deposit
from ledger.bootstrap import open_ledger
from projections.runner import BatchRunner
from projections.verify import verify
from scripts.replay import check_chain
from tests.support.pg import fresh_database

pytestmark = pytest.mark.postgres


def test_a_skipped_position_is_listed_and_the_chain_still_verifies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with fresh_database() as url:
        ledger = open_ledger(StoreSettings(url))
        try:
            ledger.execute([Deposit("p-1", "pos-player", "USD", Decimal("1"))])
            with ledger.recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
                # What a transaction that died mid-insert leaves behind: a drawn position.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('ledger_events', 'notification_id'))"
                )
            ledger.execute([Deposit("p-2", "pos-player", "USD", Decimal("1"))])
            runner = BatchRunner.of(ledger)
            runner.catch_up()
            head = runner.log.head()
            assert runner.log.gaps(head) == [(4, 4)]  # the first deposit took 1-3, the next 5-6
            assert verify(runner.log, runner.mapper, head)[1] is None
            assert check_chain(runner, None) == 0
            assert "1 gaps in the positions, none hiding an event the chain saw: 4" in (
                capsys.readouterr().out
            )
        finally:
            ledger.close()
