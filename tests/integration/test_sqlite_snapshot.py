"""On SQLite the snapshot is stored after the events commit: its failure cannot turn a
committed bet into an error (it did, and the writer answered INTERNAL_ERROR once its retries
ran out on a slow snapshot)."""

import sqlite3
from decimal import Decimal
from pathlib import Path

from adapters.store import StoreSettings
from domain.commands import Deposit, PlaceBet
from ledger.application import SNAPSHOT_INTERVAL
from ledger.bootstrap import open_ledger


def test_a_snapshot_that_cannot_be_stored_leaves_the_commit_answered(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    ledger = open_ledger(StoreSettings(f"sqlite:///{path}"))
    try:
        with sqlite3.connect(path) as db:  # every snapshot insert now fails, as a full disk would
            db.execute(
                "CREATE TRIGGER no_snapshots BEFORE INSERT ON stored_snapshots "
                "BEGIN SELECT RAISE(ABORT, 'no room for a snapshot'); END"
            )
        ledger.execute([Deposit("d1", "p1", "USD", Decimal("100"))])
        answers = [
            ledger.execute([PlaceBet(f"b{n}", "p1", "USD", Decimal("1"))])[0]
            for n in range(SNAPSHOT_INTERVAL * 2)
        ]
        assert [a.error for a in answers] == [None] * len(answers)
        player = ledger.player("p1")
        assert player is not None
        assert player.balance("USD") == Decimal(100 - SNAPSHOT_INTERVAL * 2)
    finally:
        ledger.close()
