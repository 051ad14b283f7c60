"""A realistic betting mix, one bet's life at a time, as the OPERATOR would send it."""

import random
from dataclasses import dataclass
from decimal import Decimal

from benchmarks.delivery import Operator
from benchmarks.model import ZERO, MoneyModel

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Mix:
    """How often each turn of a bet's life happens."""

    rollback_rate: float = 0.02  # bets the OPERATOR cancels instead of settling
    result_rate: float = 0.95  # settled bets; the rest stay open when the run ends
    win_rate: float = 0.45
    repeat_rate: float = 0.05  # deliveries sent twice with the same body
    early_rollback_rate: float = 0.005  # rollbacks that reach the wallet before their bet


def stake(rng: random.Random) -> Decimal:
    """A bet of 1.00 to 5.00, exact to the cent."""
    return Decimal(rng.randint(100, 500)) * CENT


def payout(rng: random.Random, amount: Decimal, mix: Mix) -> Decimal:
    """Zero for a lost bet, the stake at odds of 1.50 to 3.00 for a win."""
    if rng.random() >= mix.win_rate:
        return ZERO
    return (amount * Decimal(rng.randint(150, 300)) * CENT).quantize(CENT)


class Bettor:
    """One connection's worth of the OPERATOR: plays bets' lives one after another."""

    def __init__(self, op: Operator, model: MoneyModel, mix: Mix, prefix: str, seed: int) -> None:
        self._op, self._model, self._mix = op, model, mix
        self._rng = random.Random(seed)
        self._prefix = f"{prefix}-{seed}"
        self._count = 0

    async def play(self, user: str) -> None:
        """Bet, then settle, cancel, or leave open; sometimes the rollback comes first."""
        self._count += 1
        tid = f"{self._prefix}-{self._count}"
        amount = stake(self._rng)
        if self._rng.random() < self._mix.early_rollback_rate:
            await self._rollback(tid, user, amount, applied=False)
            await self._bet(tid, user, amount, late=True)
            return
        applied = await self._bet(tid, user, amount, late=False)
        if self._rng.random() < self._mix.rollback_rate:
            await self._rollback(tid, user, amount, applied=applied)
        elif applied and self._rng.random() < self._mix.result_rate:
            won = payout(self._rng, amount, self._mix)
            answer = await self._send(self._fields(f"{tid}-r", "result", user, won))
            self._model.result(f"{tid}-r", user, won, answer)

    async def _bet(self, tid: str, user: str, amount: Decimal, *, late: bool) -> bool:
        answer = await self._send(self._fields(tid, "bet", user, amount))
        return self._model.bet(tid, user, amount, answer, late=late)

    async def _rollback(self, tid: str, user: str, amount: Decimal, *, applied: bool) -> None:
        fields = self._fields(f"{tid}-x", "rollback", user, amount)
        answer = await self._send(fields | {"rollback_transaction_id": tid})
        self._model.rollback(f"{tid}-x", user, amount if applied else ZERO, answer)

    async def _send(self, fields: dict[str, str]) -> dict[str, object]:
        """Deliver, sometimes twice; a repeat must answer what the first did."""
        repeat = None
        if self._rng.random() < self._mix.repeat_rate:
            repeat = self._rng.choice(("after", "together"))
        first, *again = await self._op.send(fields, repeat)
        for other in again:
            if other != first:
                self._model.repeat_differs(fields["transaction_id"], first, other)
        return dict(first)

    @staticmethod
    def _fields(tid: str, action: str, user: str, amount: Decimal) -> dict[str, str]:
        return {
            "transaction_id": tid,
            "action": action,
            "user_id": user,
            "currency": "USD",
            "amount": str(amount),
        }
