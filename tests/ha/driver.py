"""python -m tests.ha.driver --duration S: a pg_auto_failover formation (a monitor, four data
nodes, one synchronous standby required of each commit), two ledger servers and a
projections process on it, HAProxy in front; OPERATOR load through HAProxy while the
primary's host is killed, and once the new primary has taken writes for a while, its host
too; then one ledger server killed. After the load the lost hosts come back and must rejoin
as standbys. Prints the figures; exits 1 on any mismatch.

`--nodes 3 --losses 1` is the smoke form `make test` runs: one loss, the old primary back
as a standby while the load goes on."""

import argparse
import asyncio
import contextlib
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

RECOVERY_BOUND_S = 30.0  # from a host's death to acknowledged writes again, at most
STEADY_S = 5.0  # the new primary takes writes this long, at least, before the next loss


@dataclass
class Loss:
    """One host lost: which, when, and how the service came back."""

    node: str
    killed_at: float
    nodes_left: int
    promoted: str = ""
    promoted_after_s: float = 0.0
    unavailable_s: float = 0.0
    resumed_after_s: float = 0.0

    def render(self) -> str:
        left = f"{self.nodes_left} node{'s' if self.nodes_left != 1 else ''} left"
        if not self.promoted:
            return (f"  lost {self.node} (the primary; {left}): no node promoted within "
                    f"{2 * RECOVERY_BOUND_S:.0f}s, writes waited for a lost host")  # fmt: skip
        return (f"  lost {self.node} (the primary; {left}): {self.promoted} writable after "
                f"{self.promoted_after_s:.1f}s, writes resumed after "
                f"{self.resumed_after_s:.1f}s (bound {RECOVERY_BOUND_S:.0f}s), longest "
                f"stretch without one {self.unavailable_s:.1f}s")  # fmt: skip


@dataclass
class Run:
    """The run's moments and figures."""

    duration: float
    planned_losses: int
    journal: Journal = field(default_factory=Journal)
    losses: list[Loss] = field(default_factory=list)
    app_killed_at: float = 0.0
    rejoined: dict[str, bool] = field(default_factory=dict)  # lost node: back as a standby
    users: list[str] = field(default_factory=list)
    verdict: Verdict = field(default_factory=Verdict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds each step took

    def timed(self, phase: str, began: float) -> float:
        now = time.monotonic()
        self.phases[phase] = now - began
        return now

    def render(self) -> str:
        j, v = self.journal, self.verdict
        back = ", ".join(f"{n}: {'yes' if ok else 'NO'}" for n, ok in self.rejoined.items())
        return "\n".join([
            f"ha duration={self.duration:.0f}s: {len(self.losses)} of {self.planned_losses} "
            "host losses, then ledger-a killed",
            "  took: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.phases.items()),
            *[loss.render() for loss in self.losses],
            f"  lost hosts back as standbys: {back or 'none tried'}",
            f"  unavailable {j.unavailable_after(self.app_killed_at):.1f}s after the server kill",
            f"  operations={j.operations} attempts={j.attempts} retries={j.retries} "
            f"slowest answer={j.slowest_s:.2f}s",
            f"  answers by kind: {dict(j.answers.most_common())}",
            f"  retried or failed because: {dict(j.reasons.most_common())}",
            f"  acknowledged={len(j.acknowledged)} lost={len(v.lost)} doubled={len(v.doubled)}",
            f"  bets answered INTERNAL_ERROR={len(j.internal_error)} (still charged at the "
            f"end: {len(v.internal_landed)}), bets unanswered={len(j.unanswered)} (landed, "
            f"then rolled back by the OPERATOR: {len(v.unanswered_landed)})",
            *[f"  problem: {p}" for p in [*v.lost, *v.doubled, *v.problems][:20]],
            "PASS" if self.ok else "FAIL",
        ])  # fmt: skip

    @property
    def ok(self) -> bool:
        recovered = all(
            loss.promoted and loss.resumed_after_s <= RECOVERY_BOUND_S for loss in self.losses
        )
        return (self.verdict.ok and recovered and len(self.losses) == self.planned_losses
                and all(self.rejoined.values()))  # fmt: skip


async def havoc(formation: Formation, app: Node, run: Run, back_during_load: bool) -> None:
    """Kill the primary's host, planned_losses times in a row (each once the failover
    before has finished and the new primary has taken writes for STEADY_S); with
    back_during_load the lost host returns right after its failover; then kill a server."""
    start = time.monotonic()
    for n in range(run.planned_losses):
        at = start + run.duration * (0.2 + 0.35 * n)
        await asyncio.sleep(max(at - time.monotonic(), 0))
        if run.losses:  # the first failover is over and the new primary is taking writes
            await asyncio.to_thread(formation.wait_settled, 60, "the formation to settle")
            since = run.losses[-1].killed_at + run.losses[-1].promoted_after_s
            await _writes_for(run.journal, since, STEADY_S)
        old = await asyncio.to_thread(formation.primary)
        loss = Loss(old.name, time.monotonic(), sum(n.alive for n in formation.nodes) - 1)
        run.losses.append(loss)
        await asyncio.to_thread(formation.kill, old)
        try:
            await asyncio.to_thread(wait_until, lambda o=old: _promoted(formation, o),
                                    2 * RECOVERY_BOUND_S, "a failover")  # fmt: skip
        except TimeoutError:  # no promotion (three nodes, two lost): reported, failed
            break
        loss.promoted = formation.primary().name
        loss.promoted_after_s = time.monotonic() - loss.killed_at
        if back_during_load:
            await asyncio.sleep(2)
            formation.run(old)  # its host is back: it rejoins as a standby
            run.rejoined[old.name] = False
    await asyncio.sleep(max(start + run.duration * 0.85 - time.monotonic(), 0))
    run.app_killed_at = time.monotonic()
    app.kill()


async def _writes_for(journal: Journal, since: float, seconds: float) -> None:
    """Until acknowledged writes span `seconds` after `since`."""
    while not any(t >= since + seconds for t in journal.successes):
        await asyncio.sleep(0.2)


def _promoted(formation: Formation, old: Member) -> bool:
    try:
        return formation.primary() is not old
    except Exception:  # the monitor is busy deciding
        return False


async def exercise(
    base: str, run: Run, formation: Formation, app: Node, *, players: int, back: bool
) -> None:
    users = run.users = [f"ha-{os.getpid()}-{n}" for n in range(players)]
    async with aiohttp.ClientSession() as session:
        operator = Operator(session, base, run.journal)
        for user in users:
            await operator.deposit(user, FUNDS)
        until = time.monotonic() + run.duration
        chaos = asyncio.create_task(havoc(formation, app, run, back))
        rngs = [random.Random(n) for n in range(players)]
        await asyncio.gather(
            *(operator.play(u, r, until) for u, r in zip(users, rngs, strict=True))
        )
        await chaos


def ha_run(
    duration: float, players: int, root: Path, ports: tuple[int, ...], *, losses: int = 2,
    back_during_load: bool = False,
) -> Run:  # fmt: skip
    """The whole run; everything it started is stopped, whatever happens."""
    formation = Formation(root / "formation", ports)
    started: list[object] = []
    run = Run(duration, losses)
    try:
        began = time.monotonic()
        formation.start()
        began = run.timed("formation", began)
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
        began = run.timed("servers", began)
        asyncio.run(exercise(balancer.base, run, formation, nodes[0], players=players,
                             back=back_during_load))  # fmt: skip
        began = run.timed("load", began)
        ends = [later.killed_at for later in run.losses[1:]]
        ends.append(run.app_killed_at or time.monotonic())
        for loss, end in zip(run.losses, ends, strict=True):  # each until the next kill
            within = min(end - loss.killed_at, 60.0)
            loss.unavailable_s = run.journal.unavailable_after(loss.killed_at, within)
            loss.resumed_after_s = run.journal.resumed_after(loss.killed_at, within)
        if not all(loss.promoted for loss in run.losses):  # no primary: a host must return
            began = _rejoin(formation, run, began)
        nodes[0].start()  # as an orchestrator would: it settles the bets it left in doubt
        for node in nodes:
            wait_until(lambda n=node: _nothing_in_doubt(n.base), 60, f"{node.name} to settle")
        began = run.timed("settling", began)
        run.verdict = judge(url, run.journal, run.users)  # on the nodes left
        began = run.timed("verdict", began)
        _rejoin(formation, run, began)
        return run
    finally:
        for thing in reversed(started):
            thing.stop()  # type: ignore[attr-defined]
        formation.stop()


def _rejoin(formation: Formation, run: Run, began: float) -> float:
    """The lost hosts are back: each must rejoin as a standby."""
    for member in [m for m in formation.nodes if not m.alive]:
        formation.run(member)
        run.rejoined[member.name] = False
    with contextlib.suppress(TimeoutError):  # a node that does not: reported, failed
        formation.wait_settled(120, "the lost hosts to rejoin as standbys")
    states = formation.states()
    run.rejoined = {n: states[n] == ("secondary", "secondary") for n in run.rejoined}
    return run.timed("rejoining", began)


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
    parser = argparse.ArgumentParser(
        prog="python -m tests.ha.driver", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load")
    parser.add_argument("--players", type=int, default=16)
    parser.add_argument("--nodes", type=int, default=4, help="data nodes (default 4)")
    parser.add_argument("--losses", type=int, default=2, help="primary hosts lost in a row")
    parser.add_argument("--keep", action="store_true", help="keep the data and logs")
    parser.add_argument("--ports", help="the monitor's port, then each node's (default "
                        f"{','.join(map(str, PORTS))}, as many as needed)")  # fmt: skip
    args = parser.parse_args(argv)
    given = tuple(int(p) for p in args.ports.split(",")) if args.ports else PORTS
    ports = given[: args.nodes + 1]
    if len(ports) != args.nodes + 1:
        parser.error(f"--ports: {args.nodes + 1} ports needed")
    root = Path(tempfile.mkdtemp(prefix="ledger-ha-"))
    root.chmod(0o755)  # pg_autoctl runs as postgres, under it
    try:
        run = ha_run(args.duration, args.players, root, ports, losses=args.losses,
                     back_during_load=args.losses == 1)  # fmt: skip
        print(run.render(), flush=True)
        return 0 if run.ok else 1
    finally:
        if args.keep:
            print(f"data and logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
