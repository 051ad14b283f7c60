"""The writer in a deterministic simulation (tests/support/sim/): the product's own Ledger,
Writer and ErrorRecord on virtual time, against a store that fails, stalls, loses
acknowledgements and lands commits late, servers killed at any step and disks that fill
up; every history checked against the contract's promises and a plain model.

The named scenarios are the worst days a review reproduced by hand; the seeds are random
histories (SIM_SEEDS of them, 300 by default; `SIM_SEEDS=5000 make unit` for a long run).
"""

import asyncio
import logging
import os
import random
from collections.abc import Iterator

import pytest
import structlog

from tests.support.sim.run import History, kills_and_full_disks, simulate
from tests.support.sim.store import Faults, Outage
from tests.support.sim.world import World

SEEDS = int(os.environ.get("SIM_SEEDS", "200"))


@pytest.fixture(autouse=True)
def quiet() -> Iterator[None]:
    """The product logs every fault it meets: thousands of lines a history."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    yield
    structlog.reset_defaults()


async def silent_minute(world: World, rng: random.Random, until: float) -> None:
    """The database silent for a minute under load, the held statements delivered at the
    heal: every answer by its deadline, every commit held past it refused or undone."""
    del rng, until
    world.db.outages = [Outage(1, 61, silent=True)]
    await asyncio.sleep(70)


async def full_disks_in_an_outage(world: World, rng: random.Random, until: float) -> None:
    """Bets stuck in the store are answered INTERNAL_ERROR while the database is down and the
    error records cannot be written, and every server dies before the store returns: an
    error that was not written down never leaves (the bet is unanswered instead, and stands
    until the OPERATOR's rollback)."""
    del until
    world.db.faults = Faults(stall=0.3)  # the first bets' commits land, their threads stuck
    for server in world.servers:
        server.disk.full = True
    world.db.outages = [Outage(4, 30, silent=False)]
    await asyncio.sleep(2)
    world.db.faults = Faults()
    await asyncio.sleep(rng.uniform(17, 19))  # their answers, INTERNAL_ERROR, are due by now
    for server in world.servers:
        server.kill()
        server.start()
    await asyncio.sleep(12)
    for server in world.servers:
        server.disk.full = False


async def acknowledgements_lost(world: World, rng: random.Random, until: float) -> None:
    """Commits land and their answers are lost, then servers die right after answering:
    an answer given is never contradicted, an error given costs nothing."""
    world.db.faults = Faults(lose_ack=0.3, slow=0.1)
    world.lost_answers = 0.2
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        await asyncio.sleep(rng.uniform(0.2, 2))
        victim = rng.choice(world.servers)
        victim.kill()
        victim.start()


async def doubts_pile_up(world: World, rng: random.Random, until: float) -> None:
    """A player's older doubts are settled within the new delivery's own deadline, however
    many there are and however slow the store is when it returns."""
    del rng, until
    world.db.outages = [Outage(2, 20, silent=False)]
    await asyncio.sleep(20)
    world.db.faults = Faults(slow=0.6)
    await asyncio.sleep(20)


async def a_server_never_returns(world: World, rng: random.Random, until: float) -> None:
    """A server dies holding doubts and stays dead: the OPERATOR's rollbacks settle them
    elsewhere meanwhile; at the end its disk comes back (as `sportsbook-ledger settle`)."""
    world.db.faults = Faults(lose_ack=0.2, land_late=0.1)
    await asyncio.sleep(rng.uniform(3, until / 2))
    world.servers[0].kill()


async def late_landings(world: World, rng: random.Random, until: float) -> None:
    """Statements that reach the database seconds after their callers gave up, some after
    the bets' deadlines, some stuck in the store for ever."""
    world.db.faults = Faults(land_late=0.25, stall=0.01, fail=0.05)
    await kills_and_full_disks(world, rng, until)


SCENARIOS = [
    silent_minute, full_disks_in_an_outage, acknowledgements_lost, doubts_pile_up,
    a_server_never_returns, late_landings,
]  # fmt: skip


def assert_kept(history: History) -> None:
    assert history.problems == [], f"seed {history.seed}: {history.problems[:5]}"
    assert history.answers > 0


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_worst_days_keep_every_promise(scenario: object, seed: int) -> None:
    history = simulate(seed, scenario, players=6, rounds=40, lanes=2)  # type: ignore[arg-type]
    assert_kept(history)
    assert history.failed_bets > 0, "the scenario did not bite"


def test_random_histories_keep_every_promise() -> None:
    failed_bets = kills = 0
    for seed in range(SEEDS):
        history = simulate(seed, lanes=1 + seed % 2, batch_max=1 if seed % 3 == 0 else 16)
        assert_kept(history)
        failed_bets += history.failed_bets
        kills += history.kills
    assert failed_bets > SEEDS  # the histories were hard ones
    assert kills > SEEDS


def test_a_seed_replays_the_same_history() -> None:
    first, again = simulate(7), simulate(7)
    assert (first.answers, first.failed_bets, first.kills, first.duration) == (
        again.answers, again.failed_bets, again.kills, again.duration,
    )  # fmt: skip
