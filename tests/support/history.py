"""A mixed, realistic ledger history with a fake clock, and a plain model of what it should do."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.answers import Answer
from domain.commands import Command, CreditResult, Deposit, PlaceBet, RollBack
from ledger.application import Ledger

START = datetime(2026, 11, 25, 23, 50, tzinfo=UTC)


class StepClock:
    """A fake clock that moves forward a fixed step each time it is read."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=10)) -> None:
        self.now, self.step = start, step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


def mixed_commands(rng: random.Random, players: int, rounds: int) -> list[Command]:
    """Deposits, bets, results (zero and wins), rollbacks (of bets, results, unseen ids,
    rollbacks), late originals and repeats, shuffled a little."""
    users = [f"p{i}" for i in range(players)]
    commands: list[Command] = [Deposit(f"d-{u}", u, "USD", Decimal("50.00")) for u in users]
    commands += [Deposit(f"de-{u}", u, "EUR", Decimal("20.00")) for u in users[::2]]
    for n in range(rounds):
        user = rng.choice(users)
        currency = "EUR" if n % 5 == 0 else "USD"
        stake = Decimal(rng.randint(1, 900)) / 100
        bet = PlaceBet(f"b{n}", user, currency, stake)
        result = CreditResult(f"r{n}", user, currency, rng.choice([Decimal(0), stake * 2]))
        commands += [bet, result]
        roll = rng.random()
        if roll < 0.08:
            commands.append(RollBack(f"rb{n}", user, currency, stake, bet.transaction_id))
        elif roll < 0.12:
            commands.append(
                RollBack(f"rr{n}", user, currency, result.amount, result.transaction_id)
            )
        elif roll < 0.15:
            commands.insert(len(commands) - 2, RollBack(f"ru{n}", user, currency, stake, f"b{n}"))
        elif roll < 0.17:
            commands.append(RollBack(f"rx{n}", user, currency, stake, f"rb{n - 1}"))
        if rng.random() < 0.1:
            commands.append(rng.choice(commands[-6:]))  # a repeat
    return commands


def run_history(
    ledger: Ledger, clock: StepClock, commands: list[Command], batch: int = 7
) -> tuple[list[Answer], list[datetime]]:
    """Execute in small batches, the way the writer would; each answer with its batch's time."""
    answers: list[Answer] = []
    times: list[datetime] = []
    for start in range(0, len(commands), batch):
        chunk = commands[start : start + batch]
        answers += ledger.execute(chunk)
        times += [clock.now] * len(chunk)
    return answers, times
