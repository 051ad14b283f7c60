"""python -m tests.chaos.driver --duration S: two servers on one fresh PostgreSQL database
(through a proxy the driver owns), an OPERATOR load retrying every delivery until answered,
SIGKILLs and restarts at random moments and one database cut; then every answer, balance,
event and read model is checked. Prints the figures; exits 1 on any mismatch."""

import argparse
import asyncio
import random
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from tests.chaos import verify
from tests.chaos.courier import Courier, Tally
from tests.chaos.fleet import Node
from tests.chaos.load import Operator
from tests.chaos.load import Player as Story
from tests.support.model import ContractModel
from tests.support.pg import fresh_database
from tests.support.proxy import TcpProxy


@dataclass
class Report:
    """The run's figures and everything that did not match."""

    seed: int
    duration: float
    kills: int = 0
    restarts: int = 0
    limbo: int = 0
    cuts: int = 0
    operations: int = 0
    repeats: int = 0
    to_both: int = 0
    tally: Tally = field(default_factory=Tally)
    failed: Counter[str] = field(default_factory=Counter)
    mismatches: list[str] = field(default_factory=list)

    def count_failures(self, stories: list[Story]) -> None:
        """Bets the OPERATOR saw fail, by how, and by OPERATOR."""
        for story in stories:
            kind = "rolled back" if story.rolls_back else "never rolled back"
            self.failed[f"INTERNAL_ERROR, {kind}"] += len(story.internal_bets)
            self.failed[f"unanswered, {kind}"] += len(story.unanswered_bets)

    @property
    def ok(self) -> bool:
        return not self.mismatches and self.cuts == 1 and self.kills > 0

    def render(self) -> str:
        t = self.tally
        lines = [
            f"chaos seed={self.seed} duration={self.duration:.0f}s: "
            f"kills={self.kills} restarts={self.restarts} database cuts={self.cuts}",
            f"  operations={self.operations} (repeats={self.repeats}, sent to both servers="
            f"{self.to_both}) deliveries={t.deliveries} attempts={t.attempts} "
            f"retries={t.retries} unanswered={t.unanswered}",
            f"  retried because: {dict(t.reasons.most_common())}",
            f"  answers: {dict(t.answers.most_common())}",
            f"  bets that failed for the OPERATOR: {dict(self.failed)}; {self.limbo} players of "
            f"the OPERATOR that never rolls back left out of the model's checks (verify.limbo)",
            f"  mismatches={len(self.mismatches)}",
        ]
        lines += [f"    {m}" for m in self.mismatches[:30]]
        lines.append("PASS" if self.ok else "FAIL")
        return "\n".join(lines)


async def chaos(
    nodes: list[Node], proxy: TcpProxy, rng: random.Random, until: float, report: Report
) -> None:
    """Kill a random server, bring it back, again and again, at least MIN_KILLS times
    (past the duration if restarts are slow: a busy machine must not thin the run out);
    cut the database once."""
    cut_at = time.monotonic() + (until - time.monotonic()) * rng.uniform(0.35, 0.6)
    while time.monotonic() < until or report.kills < MIN_KILLS:
        await asyncio.sleep(rng.uniform(0.8, 2.5))  # pacing between chaos steps
        if report.cuts == 0 and time.monotonic() >= cut_at:
            await cut(proxy, rng, report)
        elif time.monotonic() < until or report.kills < MIN_KILLS:
            node = rng.choice(nodes)
            node.kill()
            report.kills += 1
            await asyncio.sleep(rng.uniform(0, 0.8))  # the time it stays down
            await asyncio.to_thread(node.start)
            report.restarts += 1
    if report.cuts == 0:
        await cut(proxy, rng, report)


async def cut(proxy: TcpProxy, rng: random.Random, report: Report) -> None:
    """The database goes away (every connection dropped) for longer than the writer keeps
    retrying, so some deliveries are answered INTERNAL_ERROR; then it returns."""
    proxy.cut()
    report.cuts += 1
    try:
        await asyncio.sleep(rng.uniform(6.5, 8.0))  # longer than the writer retries (6 s)
    finally:
        proxy.restore()


MIN_KILLS = 3  # however slowly the servers restart
Outcome = tuple[Report, ContractModel, set[str], list[Story]]


def settled(node: Node, timeout: float = 60.0) -> None:
    """Wait until the server has settled every bet it answered INTERNAL_ERROR or left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(node.base + "/metrics", timeout=5) as reply:  # noqa: S310
                if b"ledger_in_doubt_pending 0.0" in reply.read():
                    return
        except OSError:
            pass
        time.sleep(0.5)


async def exercise(
    nodes: list[Node], proxy: TcpProxy, seed: int, duration: float, players: int
) -> Outcome:
    """The load and the chaos together, then the answers and every server's wallets checked."""
    report = Report(seed, duration)
    rng = random.Random(seed)
    tag = uuid.uuid4().hex[:6]
    stories = [
        Story(
            f"chaos-{tag}-{n}",
            "EUR" if n % 4 == 0 else "USD",
            random.Random(rng.random()),
            rolls_back=n % 2 == 0,  # the two OPERATORs, a player each in turn
        )
        for n in range(players)
    ]
    async with aiohttp.ClientSession() as session:
        operator = Operator(Courier(session, [n.base for n in nodes], report.tally), len(nodes))
        until, stop = time.monotonic() + duration, asyncio.Event()
        havoc = asyncio.create_task(chaos(nodes, proxy, rng, until, report))
        havoc.add_done_callback(lambda _: stop.set())  # the load lasts as long as the chaos
        await asyncio.gather(*(operator.play(s, stop) for s in stories))
        await havoc
        for node in nodes:  # the OPERATOR's failed bets are the ledger's to give back
            await asyncio.to_thread(settled, node)
        model, applied, report.mismatches = verify.replay_answers(stories)
        for node in nodes:
            reads = Courier(session, [node.base], Tally())
            shown = {s.user: await reads.api("GET", f"/api/wallets/{s.user}") for s in stories}
            if any(w is None for w in shown.values()):
                report.mismatches.append(f"{node.name} did not answer wallet reads")
                continue
            report.mismatches += verify.compare_wallets(
                model, shown, node.name, verify.limbo(stories)
            )
    report.operations = sum(len(s.journal) for s in stories) + sum(s.repeats for s in stories)
    report.repeats = sum(s.repeats for s in stories)
    report.to_both = sum(s.both for s in stories)
    return report, model, applied, stories


def run(duration: float, seed: int, players: int = 12, log_dir: Path | None = None) -> Report:
    """The whole chaos run on a fresh database; the database is dropped afterwards."""
    with fresh_database("ledger_chaos") as url, tempfile.TemporaryDirectory() as scratch:
        logs = log_dir or Path(scratch)
        target = urlsplit(url)
        proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
        proxied = target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}").geturl()
        nodes = [
            Node("server-a", proxied, logs, {"WRITE_BATCH_MAX": "1"}),
            Node("server-b", proxied, logs, {"WRITE_BATCH_MAX": "16", "WRITE_LANES": "4"}),
        ]
        try:
            for node in nodes:
                node.start()
            report, model, applied, stories = asyncio.run(
                exercise(nodes, proxy, seed, duration, players)
            )
            report.limbo = len(verify.limbo(stories))
            report.count_failures(stories)
            report.mismatches += verify.event_log(url, model, applied, stories)
            return report
        finally:
            for node in nodes:
                node.stop()
            proxy.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos.driver", description=__doc__)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument(
        "--seed", type=int, default=None, help="random seed (default: from the clock)"
    )
    parser.add_argument("--players", type=int, default=12)
    parser.add_argument("--log-dir", type=Path, default=None, help="keep the servers' logs here")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    if args.log_dir:
        args.log_dir.mkdir(parents=True, exist_ok=True)
    report = run(args.duration, seed, args.players, args.log_dir)
    print(report.render(), flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
