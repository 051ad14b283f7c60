"""The chaos driver, time-boxed for `make test`: a short run must pass with every figure
non-trivial (kills, restarts, the database cut, operations, retries)."""

import os
from pathlib import Path

import pytest

from tests.chaos.driver import MIN_KILLS, run

pytestmark = pytest.mark.postgres
SECONDS = float(os.environ.get("CHAOS_SMOKE_SECONDS", "30"))
SEED = int(os.environ.get("CHAOS_SEED", "20261126"))


def test_under_kills_and_a_database_cut_every_operation_is_answered_once_and_balances_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run(SECONDS, SEED, log_dir=tmp_path)
    with capsys.disabled():
        print("\n" + report.render())
    assert report.mismatches == []
    assert report.cuts == 1
    assert report.kills >= MIN_KILLS
    assert report.restarts == report.kills
    assert report.operations >= 300
    assert report.tally.retries > 0
    assert report.tally.unanswered == 0
