"""The integrity page's verification: incremental from a checkpoint, never a full recompute
per look, and still naming a rewritten event that arrived after the checkpoint."""

from decimal import Decimal
from pathlib import Path

from adapters.store import StoreSettings
from domain.commands import Deposit
from ledger.bootstrap import open_ledger
from projections.read_models import ReadModels
from projections.runner import BatchRunner
from tests.integration.test_audit_history import _rewrite


def test_each_look_checks_only_what_arrived_since_and_names_a_rewrite(tmp_path: Path) -> None:
    ledger = open_ledger(StoreSettings(f"sqlite:///{tmp_path}/ledger.sqlite3", pool_size=2))
    try:
        runner = BatchRunner.of(ledger)
        read_models = ReadModels(runner.database, ledger.mapper)
        ledger.execute([Deposit(f"r{n}", "u1", "USD", Decimal("1.00")) for n in range(5)])
        runner.catch_up()
        first = read_models.verified()
        assert first.broken is None
        assert first.position == runner.log.head()
        assert first.checked_now == first.position
        assert read_models.verified().checked_now == 0  # nothing new: nothing recomputed

        ledger.execute([Deposit(f"s{n}", "u1", "USD", Decimal("1.00")) for n in range(3)])
        runner.catch_up()
        head = runner.log.head()
        target = runner.log.page(first.position, 1)[0]
        _rewrite(runner.log, target.id, target.state.replace(b'"amount"', b'"amount" '))
        broken = read_models.verified()
        assert broken.broken is not None
        assert broken.broken.position == target.id
        assert broken.position == first.position  # the checkpoint did not move past it
        _rewrite(runner.log, target.id, target.state)
        second = read_models.verified()
        assert second.broken is None
        assert (second.position, second.checked_now) == (head, head - first.position)
    finally:
        ledger.close()
