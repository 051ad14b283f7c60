"""The OPERATOR's load: per player, rounds of bets, results, rollbacks and repeats, each
delivery retried until answered but bets (sent once); every answer journaled in the order
the ledger gave it.

Two OPERATORs play at once, a player each: one rolls back every bet it got no `error:
null` for (retrying that rollback until answered), as the protocol's rule 6 exists for;
the other never does, and leaves such a bet to the ledger and to reconciliation."""

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson

from domain.commands import Command, CreditResult, Deposit, PlaceBet, RollBack
from tests.chaos.courier import Courier
from tests.support.callbacks import bet, body_of, result, rollback, route_of


@dataclass
class Sent:
    """One delivery as the OPERATOR keeps it: the command, its exact body, its first answer."""

    command: Command
    route: str
    body: bytes
    answer: dict[str, Any]


@dataclass
class Player:
    """A player's sequential story: each operation starts after the previous one's answer,
    so the order of the journal is the order the ledger applied them in."""

    user: str
    currency: str
    rng: random.Random
    journal: list[Sent] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rolls_back: bool = True  # the OPERATOR rolls back a bet it got no error: null for
    internal_bets: set[str] = field(default_factory=set)  # answered INTERNAL_ERROR
    unanswered_bets: set[str] = field(default_factory=set)  # no answer at all
    undone_by: dict[str, str] = field(default_factory=dict)  # failed bet -> its rollback
    # With the OPERATOR that never rolls back: the journal's length at its first failed bet.
    # Such a bet may have landed and stand (unanswered: promise 3), or hold its stake until
    # the server that answered it INTERNAL_ERROR settles it (promise 2: "once the store
    # answers again", which another server may not wait for); from there on the player's
    # balances are the ledger's to decide, and only what holds whatever the timing is checked.
    uncertain_from: int | None = None
    repeats: int = 0
    both: int = 0

    @property
    def uncertain(self) -> bool:
        return self.uncertain_from is not None

    @property
    def certain(self) -> list[Sent]:
        """The answers the model can check to the cent: all of them, or those before the
        first failed bet of a player of the OPERATOR that never rolls back."""
        return self.journal if self.uncertain_from is None else self.journal[: self.uncertain_from]

    @property
    def failed_bets(self) -> set[str]:
        """Bets the OPERATOR counts as failed (INTERNAL_ERROR or no answer)."""
        return self.internal_bets | self.unanswered_bets

    @property
    def ok_bets(self) -> set[str]:
        """Bets answered error: null: nothing but the OPERATOR's rollback may undo them."""
        return {
            s.command.transaction_id for s in self.journal
            if isinstance(s.command, PlaceBet) and s.answer.get("error") is None
        }  # fmt: skip


def new_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:16]}"


def command_of(fields: dict[str, Any]) -> Command:
    args = (fields["transaction_id"], fields["user_id"], fields["currency"])
    amount = Decimal(fields["amount"])
    if fields["action"] == "rollback":
        return RollBack(*args, amount, fields["rollback_transaction_id"])
    return (PlaceBet if fields["action"] == "bet" else CreditResult)(*args, amount)


class Operator:
    """Plays the OPERATOR for many players at once against the servers."""

    def __init__(self, courier: Courier, servers: int) -> None:
        self.courier, self.servers = courier, servers

    async def deliver(self, player: Player, fields: dict[str, Any]) -> dict[str, Any] | None:
        """Send (a result or rollback until answered, sometimes to every server at once; a
        bet once, as the OPERATOR does); journal the answer."""
        body, route = body_of(**fields), route_of(fields)
        if fields["action"] == "bet":
            return await self._bet(player, fields, body, route)
        both = player.rng.random() < 0.15
        starts = range(self.servers) if both else [player.rng.randrange(self.servers)]
        got = await asyncio.gather(*(self.courier.callback(route, body, s) for s in starts))
        if any(a is None for a in got):
            player.problems.append(f"unanswered: {fields}")
            return None
        if any(a != got[0] for a in got):
            player.problems.append(
                f"servers answered {fields['transaction_id']} differently: {got}"
            )
        player.both += both
        player.journal.append(Sent(command_of(fields), route, body, got[0]))
        return got[0]

    async def _bet(
        self, player: Player, fields: dict[str, Any], body: bytes, route: str
    ) -> dict[str, Any] | None:
        """Once: INTERNAL_ERROR or no answer, and the bet failed for the OPERATOR. One
        answered INTERNAL_ERROR must have moved nothing by the end; one unanswered may stand
        until the OPERATOR rolls it back, which the first OPERATOR does at once."""
        start = player.rng.randrange(self.servers)
        answer, why = await self.courier.callback_once(route, body, start)
        if answer is not None and answer.get("error") != "INTERNAL_ERROR":
            player.journal.append(Sent(command_of(fields), route, body, answer))
            return answer
        bet_id = fields["transaction_id"]
        (player.internal_bets if answer else player.unanswered_bets).add(bet_id)
        if player.rolls_back:
            undo = rollback(new_id("rb"), bet_id, player.user, fields["amount"], player.currency)
            player.undone_by[bet_id] = undo["transaction_id"]
            await self.deliver(player, undo)
        elif (answer is not None or why != "ClientConnectorError") and not player.uncertain:
            player.uncertain_from = len(player.journal)  # a refused connection reached nobody
        return None

    async def repeat(self, player: Player) -> None:
        """Deliver an earlier body again: the answer must be the first answer, exactly."""
        callbacks = [s for s in player.journal if s.route]
        if not callbacks:
            return
        sent = player.rng.choice(callbacks)
        start = player.rng.randrange(self.servers)
        again = await self.courier.callback(sent.route, sent.body, start)
        player.repeats += 1
        if again != sent.answer:
            player.problems.append(f"repeat answered {again}, first was {sent.answer}")

    async def top_up(self, player: Player, amount: str) -> None:
        reference = new_id("cash")
        payload = {"currency": player.currency, "amount": amount, "reference": reference}
        path = f"/api/wallets/{player.user}/deposits"
        answer = await self.courier.api("POST", path, payload, player.rng.randrange(self.servers))
        if answer is None:
            player.problems.append(f"deposit {reference} unanswered")
            return
        command = Deposit(reference, player.user, player.currency, Decimal(amount))
        sent = Sent(command, "", orjson.dumps(payload), {"error": None, **answer})
        player.journal.append(sent)

    async def play(self, player: Player, stop: asyncio.Event) -> None:
        """Rounds until told to stop; the round in progress is finished."""
        await self.top_up(player, "40.00")
        while not stop.is_set():
            await self.round(player)
            await asyncio.sleep(player.rng.uniform(0, 0.02))

    async def round(self, p: Player) -> None:
        rng, user, cur = p.rng, p.user, p.currency
        stake = f"{rng.randint(50, 900) / 100:.2f}"
        bet_fields = bet(new_id("bet"), user, stake, cur)
        placed = await self.deliver(p, bet_fields)
        roll = rng.random()
        if placed is None:
            return
        if roll < 0.55:
            payout = rng.choice(["0.00", stake, f"{Decimal(stake) * 2:.2f}"])
            res = result(new_id("res"), user, payout, cur)
            await self.deliver(p, res)
            if rng.random() < 0.12:
                await self.deliver(
                    p, rollback(new_id("rb"), res["transaction_id"], user, payout, cur)
                )
        elif roll < 0.72:
            first = rollback(new_id("rb"), bet_fields["transaction_id"], user, stake, cur)
            await self.deliver(p, first)
            if rng.random() < 0.2:  # a second rollback of the same bet moves nothing
                await self.deliver(
                    p, rollback(new_id("rb"), bet_fields["transaction_id"], user, stake, cur)
                )
            if rng.random() < 0.1:  # a rollback of a rollback moves nothing
                await self.deliver(
                    p, rollback(new_id("rb"), first["transaction_id"], user, stake, cur)
                )
        elif roll < 0.82:
            await self.unseen(p, stake)
        if rng.random() < 0.1 and p.journal:
            await self.repeat(p)
        if rng.random() < 0.04:
            await self.top_up(p, "20.00")

    async def unseen(self, p: Player, stake: str) -> None:
        """A rollback of an id never sent; sometimes its original arrives afterwards."""
        late = new_id("late")
        await self.deliver(p, rollback(new_id("rb"), late, p.user, stake, p.currency))
        if p.rng.random() < 0.6:
            make = bet if p.rng.random() < 0.5 else result
            await self.deliver(p, make(late, p.user, stake, p.currency))
