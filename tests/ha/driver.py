"""python -m tests.ha.driver --duration S: a pg_auto_failover formation (a monitor, two
nodes), two ledger servers and a projections process on it, HAProxy in front; OPERATOR
load through HAProxy while the primary's host is killed, the old primary brought back as
a standby, and one ledger server killed. Prints the figures; exits 1 on any mismatch."""

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from tests.chaos.fleet import Node
from tests.ha.balancer import Balancer
from tests.ha.formation import PORTS, Formation, Member
from tests.ha.load import FUNDS, Journal, Operator
from tests.ha.verify import Verdict, judge
from tests.support.server import ROOT, free_port, http_status, service_env, wait_until


@dataclass
class Run:
    """The run's moments and figures."""

    duration: float
    journal: Journal = field(default_factory=Journal)
    killed_primary: str = ""
    db_killed_at: float = 0.0
    promoted_after_s: float = 0.0
    app_killed_at: float = 0.0
    standby_again: bool = False
    users: list[str] = field(default_factory=list)
    verdict: Verdict = field(default_factory=Verdict)

    def render(self) -> str:
        j, v = self.journal, self.verdict
        return "\n".join([
            f"ha duration={self.duration:.0f}s: killed primary {self.killed_primary} "
            f"(standby writable after {self.promoted_after_s:.1f}s, old primary back as "
            f"standby: {'yes' if self.standby_again else 'NO'}), killed ledger-a",
            f"  unavailable: {j.unavailable_after(self.db_killed_at):.1f}s after the database "
            f"kill, {j.unavailable_after(self.app_killed_at):.1f}s after the server kill",
            f"  operations={j.operations} attempts={j.attempts} retries={j.retries} "
            f"slowest answer={j.slowest_s:.2f}s",
            f"  retried or failed because: {dict(j.reasons.most_common())}",
            f"  acknowledged={len(j.acknowledged)} lost={len(v.lost)} doubled={len(v.doubled)}",
            f"  bets answered INTERNAL_ERROR={len(j.internal_error)} (landed: "
            f"{len(v.internal_landed)}), bets unanswered={len(j.unanswered)} (landed: "
            f"{len(v.unanswered_landed)})",
            *[f"  problem: {p}" for p in [*v.lost, *v.doubled, *v.problems][:20]],
            "PASS" if self.ok else "FAIL",
        ])  # fmt: skip

    @property
    def ok(self) -> bool:
        return self.verdict.ok and self.standby_again and self.killed_primary != ""


async def havoc(formation: Formation, app: Node, run: Run) -> None:
    """Kill the primary's host, bring it back as a standby, then kill one ledger server."""
    await asyncio.sleep(run.duration * 0.2)
    old = await asyncio.to_thread(formation.primary)
    run.killed_primary, run.db_killed_at = old.name, time.monotonic()
    await asyncio.to_thread(formation.kill, old)
    await asyncio.to_thread(wait_until, lambda: _promoted(formation, old), 120, "a failover")
    run.promoted_after_s = time.monotonic() - run.db_killed_at
    await asyncio.sleep(2)
    formation.run(old)  # the old primary's host is back: it rejoins as a standby
    await asyncio.sleep(max(run.db_killed_at + run.duration * 0.6 - time.monotonic(), 0))
    run.app_killed_at = time.monotonic()
    app.kill()


def _promoted(formation: Formation, old: Member) -> bool:
    try:
        return formation.primary() is not old
    except Exception:  # the monitor is busy deciding
        return False


async def exercise(base: str, run: Run, formation: Formation, app: Node, players: int) -> None:
    users = run.users = [f"ha-{os.getpid()}-{n}" for n in range(players)]
    async with aiohttp.ClientSession() as session:
        operator = Operator(session, base, run.journal)
        for user in users:
            await operator.deposit(user, FUNDS)
        until = time.monotonic() + run.duration
        chaos = asyncio.create_task(havoc(formation, app, run))
        rngs = [random.Random(n) for n in range(players)]
        await asyncio.gather(
            *(operator.play(u, r, until) for u, r in zip(users, rngs, strict=True))
        )
        await chaos
    run.users = users  # type: ignore[attr-defined]


def ha_run(duration: float, players: int, root: Path, ports: tuple[int, int, int]) -> Run:
    """The whole run; everything it started is stopped, whatever happens."""
    formation = Formation(root / "formation", ports)
    started: list[object] = []
    try:
        formation.start()
        url = formation.uri()
        projections = _projections(url, root)
        started.append(projections)
        nodes = [Node(f"ledger-{n}", url, root, {"PROJECTIONS": "off"}) for n in "ab"]
        for node in nodes:
            started.append(node)
            node.start()
        balancer = Balancer(root, free_port(), {n.name: n.port for n in nodes})
        started.append(balancer)
        wait_until(lambda: http_status(balancer.base + "/readyz") == 200, 30, "haproxy")
        run = Run(duration)
        asyncio.run(exercise(balancer.base, run, formation, nodes[0], players))
        nodes[0].start()  # as an orchestrator would: it settles the bets it left in doubt
        for node in nodes:
            wait_until(lambda n=node: _nothing_in_doubt(n.base), 60, f"{node.name} to settle")
        wait_until(formation.settled, 90, "the old primary to be a standby again")
        run.standby_again = formation.states()[run.killed_primary] == ("secondary", "secondary")
        run.verdict = judge(url, run.journal, run.users)
        return run
    finally:
        for thing in reversed(started):
            thing.stop()  # type: ignore[attr-defined]
        formation.stop()


def _nothing_in_doubt(base: str) -> bool:
    """The server has settled every bet it answered INTERNAL_ERROR or left in flight."""
    try:
        with urllib.request.urlopen(base + "/metrics", timeout=5) as reply:  # noqa: S310
            return b"ledger_in_doubt_pending 0.0" in reply.read()
    except OSError:
        return False


def _projections(url: str, root: Path) -> "Process":
    env = service_env(url, 0)
    with (root / "projections.log").open("ab") as log:
        return Process(subprocess.Popen([sys.executable, "-m", "projections"], cwd=ROOT,
                                        env=env, stdout=log, stderr=subprocess.STDOUT))  # fmt: skip


@dataclass
class Process:
    """A child this driver owns, stopped with SIGTERM (then SIGKILL)."""

    popen: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.ha.driver", description=__doc__)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load")
    parser.add_argument("--players", type=int, default=16)
    parser.add_argument("--keep", action="store_true", help="keep the data and logs")
    parser.add_argument("--ports", default=",".join(map(str, PORTS)),
                        help="monitor,node1,node2 ports (default %(default)s)")  # fmt: skip
    args = parser.parse_args(argv)
    ports = tuple(int(p) for p in args.ports.split(","))
    root = Path(tempfile.mkdtemp(prefix="ledger-ha-"))
    root.chmod(0o755)  # pg_autoctl runs as postgres, under it
    try:
        run = ha_run(args.duration, args.players, root, ports)  # type: ignore[arg-type]
        print(run.render(), flush=True)
        return 0 if run.ok else 1
    finally:
        if args.keep:
            print(f"data and logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
