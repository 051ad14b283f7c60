"""The OPERATOR in the simulation, and the verdict on what the ledger did.

Players play one operation at a time. A bet is sent once, to one server; results and
rollbacks are retried, server after server, until answered. One OPERATOR rolls back every
bet it got no `error: null` for (retried until answered); the other never does. The
verdict holds the ledger to the contract's promises against a plain model.
"""

import asyncio
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from domain.answers import Answer
from domain.codes import Code
from domain.commands import Command, CreditResult, Deposit, PlaceBet, RollBack
from tests.support.model import ContractModel
from tests.support.moves import Moves, tally
from tests.support.sim.world import World

GIVE_UP_S = 300.0


@dataclass
class Player:
    """One player's sequential story and what the OPERATOR was answered."""

    user: str
    rng: random.Random
    rolls_back: bool
    journal: list[tuple[Command, Answer]] = field(default_factory=list)
    internal: set[str] = field(default_factory=set)
    unanswered: set[str] = field(default_factory=set)
    undone_by: dict[str, str] = field(default_factory=dict)
    uncertain: bool = False
    counter: int = 0

    def new_id(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}-{self.user}-{self.counter}"

    @property
    def ok_bets(self) -> set[str]:
        return {c.transaction_id for c, a in self.journal
                if isinstance(c, PlaceBet) and a.error is None}  # fmt: skip

    @property
    def must_net_nothing(self) -> set[str]:
        """An error answer costs nothing; an unanswered bet only once rolled back."""
        return self.internal | self.unanswered if self.rolls_back else set(self.internal)


class Operator:
    """Sends the players' callbacks to the world's servers."""

    def __init__(self, world: World) -> None:
        self.world = world

    async def once(self, player: Player, cmd: Command) -> Answer | None:
        live = self.world.live()
        if not live:
            return None
        return await player.rng.choice(live).deliver(cmd)

    async def until_answered(self, player: Player, cmd: Command) -> Answer:
        loop = asyncio.get_running_loop()
        started = loop.time()
        while loop.time() - started < GIVE_UP_S:
            answer = await self.once(player, cmd)
            if answer is not None and answer.error is not Code.INTERNAL_ERROR:
                player.journal.append((cmd, answer))
                return answer
            await asyncio.sleep(0.2)
        self.world.problems.append(f"{cmd} unanswered for {GIVE_UP_S:.0f}s")
        return Answer.declined(Code.INTERNAL_ERROR)

    async def bet(self, player: Player, stake: Decimal) -> tuple[bool, str]:
        """Sent once: whether it was applied, and its id."""
        bet = PlaceBet(player.new_id("bet"), player.user, "USD", stake)
        answer = await self.once(player, bet)
        if answer is not None and answer.error is not Code.INTERNAL_ERROR:
            player.journal.append((bet, answer))
            return answer.error is None, bet.transaction_id
        (player.internal if answer is not None else player.unanswered).add(bet.transaction_id)
        if player.rolls_back:
            undo = RollBack(player.new_id("rb"), player.user, "USD", stake, bet.transaction_id)
            player.undone_by[bet.transaction_id] = undo.transaction_id
            await self.until_answered(player, undo)
        else:  # it may have landed: unanswered, it stands (promise 3); answered with an
            # error, its stake is held until its own server settles it, and another server
            # decides this player's next bets on that balance meanwhile
            player.uncertain = True
        return False, bet.transaction_id

    async def play(self, player: Player, rounds: int) -> None:
        top_up = Deposit(player.new_id("cash"), player.user, "USD", Decimal("50.00"))
        await self.until_answered(player, top_up)
        for _ in range(rounds):
            await self.round(player)
            await asyncio.sleep(player.rng.uniform(0, 0.5))

    async def round(self, p: Player) -> None:
        stake = Decimal(p.rng.randint(100, 900)) / 100
        placed, bet_id = await self.bet(p, stake)
        roll = p.rng.random()
        if placed and roll < 0.6:
            payout = p.rng.choice([Decimal("0.00"), stake * 2])
            await self.until_answered(p, CreditResult(p.new_id("res"), p.user, "USD", payout))
        elif placed and roll < 0.75:
            await self.until_answered(p, RollBack(p.new_id("rb"), p.user, "USD", stake, bet_id))
        if p.journal and p.rng.random() < 0.15:  # a delivery again: the first answer, exactly
            cmd, first = p.rng.choice(p.journal)
            again = await self.once(p, cmd)
            if again is not None and again.error is not Code.INTERNAL_ERROR and again != first:
                self.world.problems.append(f"{cmd} answered {again} again, first {first}")


def verdict(world: World, players: list[Player]) -> list[str]:
    """Every promise the contract makes about money, checked against the model."""
    problems = list(world.problems)
    moves = _moves(world)
    for p in players:
        problems += [f"{t} answered error: null, undone by the ledger"
                     for t in sorted(p.ok_bets & moves.reversed_by_ledger)]  # fmt: skip
        for bet in sorted(p.must_net_nothing):
            undo = p.undone_by.get(bet)
            net = moves.net(bet) + (moves.net(undo) if undo else 0)
            if net != 0:
                problems.append(f"{bet} failed for the OPERATOR but moved {net}")
    modelled = [p for p in players if not p.uncertain]
    model = ContractModel()
    for p in modelled:
        problems += _replay(model, p)
    for p in modelled:
        held = moves.wallets.get((p.user, "USD"), Decimal(0))
        if held != model.balances[(p.user, "USD")]:
            problems.append(
                f"{p.user} holds {held}, the model says {model.balances[(p.user, 'USD')]}"
            )
    aside = {t for p in players for t in (*p.internal, *p.unanswered, *p.undone_by.values())}
    problems += [f"{t} moved money {len(d)} times" for t, d in moves.by_id.items()
                 if t not in aside and len(d) > 1]  # fmt: skip
    return problems


def _replay(model: ContractModel, player: Player) -> list[str]:
    problems = []
    for cmd, answer in player.journal:
        code, _ = model.apply(cmd)
        if isinstance(cmd, Deposit):
            continue
        if code != answer.error:
            problems.append(f"{cmd}: answered {answer.error}, the model says {code}")
        elif (
            answer.balance is not None
            and answer.balance != model.balances[(cmd.user_id, cmd.currency)]
        ):
            problems.append(f"{cmd}: balance {answer.balance}, the model's differs")
    return problems


def _moves(world: World) -> Moves:
    mapper: Any = world.servers[0].ledger.mapper
    moves, users = Moves(), {}
    for stored in world.db.log:
        tally(moves, users, mapper.to_domain_event(stored))
    return moves
