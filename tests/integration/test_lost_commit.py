"""A commit that lands but whose acknowledgement is lost is answered as what it was."""

from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

from adapters.store import StoreSettings, library_env
from domain.codes import Code
from domain.commands import Deposit, PlaceBet
from ledger.application import Ledger
from ledger.retry import RetryPolicy, WriteStats, commit


class LosesAcknowledgements(SQLiteApplicationRecorder):
    """Commits for real, then raises as if the connection dropped before the reply."""

    lose_next = 0

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        recorded = super().insert_events(stored_events, **kwargs)
        if LosesAcknowledgements.lose_next > 0:
            LosesAcknowledgements.lose_next -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return recorded


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    env = library_env(StoreSettings(f"sqlite:///{tmp_path}/lost.sqlite3"))
    env["APPLICATION_RECORDER_TOPIC"] = f"{__name__}:LosesAcknowledgements"
    opened = Ledger(env=env)
    yield opened
    opened.close()


def test_a_bet_whose_commit_reply_was_lost_is_answered_as_applied(ledger: Ledger) -> None:
    stats = WriteStats()
    commit(ledger, [Deposit("fund", "u1", "USD", Decimal("10.00"))], RetryPolicy(), stats)
    LosesAcknowledgements.lose_next = 1
    answer = commit(
        ledger, [PlaceBet("b1", "u1", "USD", Decimal("4.00"))], RetryPolicy(), stats
    ).answers
    assert answer[0].error is None
    assert answer[0].balance == Decimal("6.00")
    assert stats.store_errors == 1
    player = ledger.player("u1")
    assert player is not None
    assert player.balance("USD") == Decimal("6.00")


def test_a_batch_whose_reply_was_lost_is_answered_command_by_command(ledger: Ledger) -> None:
    stats = WriteStats()
    commit(ledger, [Deposit("fund", "u1", "USD", Decimal("3.00"))], RetryPolicy(), stats)
    LosesAcknowledgements.lose_next = 1
    bets = [PlaceBet(f"b{i}", "u1", "USD", Decimal("1.00")) for i in range(5)]
    answers = commit(ledger, bets, RetryPolicy(), stats).answers
    assert [a.error for a in answers] == [None, None, None] + [Code.INSUFFICIENT_FUNDS] * 2
    player = ledger.player("u1")
    assert player is not None
    assert player.balance("USD") == Decimal("0.00")
