"""python -m projections killed with SIGKILL mid-stream, again and again: nothing counted twice."""

import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.store import StoreSettings
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from projections.reconcile import reconcile
from projections.runner import BatchRunner
from tests.integration.test_projections import snapshot
from tests.support.history import StepClock, mixed_commands, run_history
from tests.support.pg import fresh_database
from tests.support.server import ROOT, wait_until


@pytest.fixture
def backlog() -> Iterator[tuple[str, Ledger]]:
    with fresh_database() as url:
        clock = StepClock()
        ledger = open_ledger(StoreSettings(url, pool_size=4), clock=clock)
        run_history(ledger, clock, mixed_commands(random.Random(11), 40, 1500), batch=50)
        yield url, ledger
        ledger.close()


def start_runner(url: str, log: Path) -> subprocess.Popen[bytes]:
    # Batches of 1, then 10 while far behind: slow enough that every kill lands mid-stream
    # (at 97, replay now outran the first kill and the later ones killed idle runners).
    env = {"DATABASE_URL": url, "PROJECTION_BATCH_SIZE": "1", "PATH": "/usr/bin:/bin"}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "projections"], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def test_a_runner_killed_anywhere_resumes_without_counting_twice(
    backlog: tuple[str, Ledger], tmp_path: Path
) -> None:
    url, ledger = backlog
    watcher = BatchRunner.of(ledger)
    head = watcher.log.head()
    assert head > 3000
    rng = random.Random(5)
    kills = 0
    for fraction in sorted(rng.uniform(0.1, 0.9) for _ in range(4)):
        process = start_runner(url, tmp_path / "runner.log")
        wait_until(lambda f=fraction: watcher.position() >= head * f, 60, "progress")
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        kills += 1
    process = start_runner(url, tmp_path / "runner.log")
    try:
        wait_until(lambda: watcher.position() == head, 60, "the runner to catch up")
    finally:
        process.terminate()
        process.wait(10)
    assert kills == 4
    resumed = snapshot(watcher.database)
    assert reconcile(ledger, watcher) == []
    watcher.reset()
    watcher.catch_up()
    assert snapshot(watcher.database) == resumed
