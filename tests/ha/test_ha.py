"""The high-availability run, time-boxed for `make test`: a real pg_auto_failover formation
(a monitor, three data nodes, one synchronous standby required) and HAProxy; the primary's
host killed, the old primary back as a standby, a ledger server killed; nothing
acknowledged lost or doubled, every bet answered INTERNAL_ERROR given back, writes again
within the bound, the read models reconciled. `make ha` is the long form: four nodes, two
primary hosts lost in a row."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.ha import balancer, formation
from tests.ha.driver import RECOVERY_BOUND_S, ha_run
from tests.support.server import free_port

SECONDS = float(os.environ.get("HA_SMOKE_SECONDS", "40"))
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not (formation.available() and balancer.available()) and os.environ.get("CI") != "true",
        reason="needs root, Debian's postgresql-15-auto-failover and haproxy (.ci/run installs)",
    ),
]


def test_a_failover_and_a_dead_server_lose_nothing_acknowledged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = Path(tempfile.mkdtemp(prefix="ledger-ha-"))
    root.chmod(0o755)  # pg_autoctl runs as postgres, under it
    ports = tuple(free_port() for _ in range(4))  # the monitor and three nodes
    try:
        run = ha_run(SECONDS, 12, root, ports, losses=1, back_during_load=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    with capsys.disabled():
        print("\n" + run.render())
    verdict = run.verdict
    assert (verdict.lost, verdict.doubled, verdict.problems) == ([], [], [])
    assert verdict.internal_landed == []
    [loss] = run.losses
    assert loss.promoted
    assert loss.resumed_after_s <= RECOVERY_BOUND_S
    assert list(run.rejoined.values()) == [True]
    assert run.journal.slowest_s < 10
    assert run.journal.retries > 0
    assert run.ok
