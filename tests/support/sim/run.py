"""One simulated history: players and their OPERATORs against servers that are killed and
restarted, a database that goes away or silent, disks that fill up, store calls that fail
in every way, all on a seed; then everything heals and the verdict is taken."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tests.support.sim.loop import SimLoop
from tests.support.sim.operator import Operator, Player, verdict
from tests.support.sim.store import Faults, Outage
from tests.support.sim.world import World

Havoc = Callable[[World, random.Random, float], Awaitable[None]]
SETTLE_WITHIN_S = 120.0


@dataclass
class History:
    """What a run did and what it found."""

    seed: int
    problems: list[str] = field(default_factory=list)
    kills: int = 0
    answers: int = 0
    failed_bets: int = 0
    duration: float = 0.0


async def chaos(world: World, rng: random.Random, until: float) -> None:
    """Random kills and restarts, one outage, a full disk now and then, noisy store calls."""
    world.db.faults = random_faults(rng)
    world.lost_answers = rng.choice([0, 0.01, 0.05])
    start = rng.uniform(2, until / 2)
    world.db.outages = [Outage(start, start + rng.uniform(1, 15), silent=rng.random() < 0.5)]
    await kills_and_full_disks(world, rng, until)


def random_faults(rng: random.Random) -> Faults:
    """A mix of every way a store call goes wrong, each of them sometimes absent."""
    return Faults(
        fail=rng.choice([0, 0.01, 0.05]), lose_ack=rng.choice([0, 0.01, 0.05]),
        land_late=rng.choice([0, 0.01, 0.03]), stall=rng.choice([0, 0.002, 0.01]),
        slow=rng.choice([0, 0.01, 0.05]),
    )  # fmt: skip


async def kills_and_full_disks(world: World, rng: random.Random, until: float) -> None:
    """A server killed and started again every few seconds; now and then a disk fills up
    (or frees up)."""
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        await asyncio.sleep(rng.uniform(0.5, 6))
        victim = rng.choice(world.servers)
        if rng.random() < 0.15:
            victim.disk.full = not victim.disk.full
        elif victim.alive:
            victim.kill()
            await asyncio.sleep(rng.uniform(0, 3))
            victim.start()


async def _history(world: World, havoc: Havoc, seed: int, players: int, rounds: int) -> History:
    loop = asyncio.get_running_loop()
    world.bind(loop)
    rng = random.Random(seed)
    people = [
        Player(f"p{n}", random.Random(rng.random()), rolls_back=n % 2 == 0) for n in range(players)
    ]
    operator = Operator(world)
    trouble = asyncio.ensure_future(havoc(world, rng, rounds * 1.5))
    await asyncio.gather(*(operator.play(p, rounds) for p in people))
    await trouble
    await heal(world)
    history = History(seed, verdict(world, people), duration=loop.time())
    history.answers = sum(len(p.journal) for p in people)
    history.failed_bets = sum(len(p.internal) + len(p.unanswered) for p in people)
    history.kills = sum(s.starts for s in world.servers) - len(world.servers)
    return history


async def heal(world: World) -> None:
    """Every fault ends and every server is started again; then its record must empty."""
    world.db.faults, world.db.outages, world.lost_answers = Faults(), [], 0.0
    for server in world.servers:
        server.disk.full = False
        if not server.alive:
            server.start()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_WITHIN_S
    while any(s.record.doubts() for s in world.servers):
        if loop.time() > deadline:
            world.problems.append("the error records were not settled after the heal")
            return
        await asyncio.sleep(1.0)


def simulate(
    seed: int, havoc: Havoc = chaos, players: int = 4, rounds: int = 12, **world: int
) -> History:
    """One history on a fresh virtual clock; the same seed, the same history."""
    sim = World(seed, **world)
    loop = SimLoop(sim.time)
    try:
        return loop.run_until_complete(_history(sim, havoc, seed, players, rounds))
    finally:
        sim.close()
        loop.run_until_complete(asyncio.sleep(0.1))  # the killed tasks see their cancellation
        loop.close()
