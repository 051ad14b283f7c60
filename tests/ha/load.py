"""The OPERATOR through the load balancer: each bet sent once (whatever it is answered
decides whether it exists), results and rollbacks retried with the same body until
answered, and a bet that got no answer rolled back at once, as the contract's "Unknown
outcomes" has it (one answered INTERNAL_ERROR is left alone: the ledger must give it back
itself); every answer and every attempt's fate kept for the verdict."""

import asyncio
import itertools
import random
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import aiohttp
import orjson

from tests.support.callbacks import ADMIN_TOKEN, bet, body_of, result, rollback, route_of, sign

ATTEMPT = aiohttp.ClientTimeout(total=15)  # the contract's 10 s, and some: slower is measured
GIVE_UP_S = 120.0  # a retried operation still unanswered after this: the service is wedged
FUNDS = Decimal("500.00")


def new_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:16]}"


@dataclass
class Journal:
    """What the OPERATOR was told, and what it costs."""

    moved: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    acknowledged: set[str] = field(default_factory=set)  # OPERATOR ids answered as applied
    internal_error: dict[str, tuple[str, Decimal]] = field(default_factory=dict)  # bets
    unanswered: dict[str, tuple[str, Decimal]] = field(default_factory=dict)  # bets, no answer
    undone_by: dict[str, str] = field(default_factory=dict)  # unanswered bet -> its rollback
    answers: Counter[str] = field(default_factory=Counter)  # every attempt's answer, by kind
    abandoned: list[str] = field(default_factory=list)  # retried for GIVE_UP_S, unanswered
    operations: int = 0
    attempts: int = 0
    retries: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    slowest_s: float = 0.0
    successes: list[float] = field(default_factory=list)  # when each write was acknowledged

    def unavailable_after(self, moment: float, within_s: float = 30.0) -> float:
        """The longest time without any acknowledged write in the within_s after moment
        (counted from the last one before it): how long the OPERATOR saw no progress."""
        before = max((t for t in self.successes if t <= moment), default=moment)
        times = [before, *sorted(t for t in self.successes if moment < t <= moment + within_s)]
        return max((b - a for a, b in itertools.pairwise(times)), default=within_s)

    def resumed_after(self, moment: float, within_s: float = 60.0) -> float:
        """When writes resumed after moment: the end of the longest time without any
        acknowledged write in the within_s after it, counted from moment (within_s if
        none was acknowledged in that time)."""
        before = max((t for t in self.successes if t <= moment), default=moment)
        times = [before, *sorted(t for t in self.successes if moment < t <= moment + within_s)]
        gaps = list(itertools.pairwise(times))
        return max(gaps, key=lambda g: g[1] - g[0])[1] - moment if gaps else within_s


class Operator:
    """Plays the OPERATOR for many players at once against one base URL."""

    def __init__(self, session: aiohttp.ClientSession, base: str, journal: Journal) -> None:
        self.session, self.base, self.journal = session, base, journal

    async def attempt(self, path: str, body: bytes, headers: dict[str, str]) -> Any:
        """One POST: the decoded answer, or None (the reason counted)."""
        self.journal.attempts += 1
        started = time.monotonic()
        try:
            async with self.session.post(
                self.base + path, data=body, headers=headers, timeout=ATTEMPT
            ) as response:
                raw, status = await response.read(), response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            self.journal.reasons[type(error).__name__] += 1
            self.journal.answers["no answer"] += 1
            return None
        finally:
            self.journal.slowest_s = max(self.journal.slowest_s, time.monotonic() - started)
        if status != 200:
            self.journal.reasons[f"HTTP {status}"] += 1
            self.journal.answers[f"HTTP {status}"] += 1
            return None
        answer = orjson.loads(raw)
        if "error" in answer:  # a callback's answer
            self.journal.answers[answer["error"] or "error: null"] += 1
        return answer

    async def callback(self, fields: dict[str, Any], *, retry: bool) -> dict[str, Any] | None:
        """Send a signed callback once, or until it is answered other than INTERNAL_ERROR."""
        body = body_of(**fields)
        self.journal.operations += 1
        give_up = time.monotonic() + GIVE_UP_S
        while True:
            answer = await self.attempt(route_of(fields), body, {"X-Security-Hash": sign(body)})
            internal = answer is not None and answer.get("error") == "INTERNAL_ERROR"
            self.journal.reasons["INTERNAL_ERROR"] += internal
            if not retry or (answer is not None and not internal):
                return None if answer is None else dict(answer)
            if time.monotonic() > give_up:
                self.journal.abandoned.append(fields["transaction_id"])
                return None
            self.journal.retries += 1
            await asyncio.sleep(0.1)

    async def deposit(self, user: str, amount: Decimal) -> None:
        """Fund a player (idempotent by reference), retried until answered."""
        payload = {"currency": "USD", "amount": str(amount), "reference": new_id("cash")}
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        path = f"/api/wallets/{user}/deposits"
        while await self.attempt(path, orjson.dumps(payload), headers) is None:
            await asyncio.sleep(0.2)
        self.journal.moved[user] += amount

    async def play(self, user: str, rng: random.Random, until: float) -> None:
        """Rounds of a bet and its settlement until the deadline."""
        while time.monotonic() < until:
            await self.round(user, rng)
            await asyncio.sleep(rng.uniform(0, 0.05))

    async def round(self, user: str, rng: random.Random) -> None:
        stake = Decimal(rng.randint(50, 500)) / 100
        bet_id = new_id("bet")
        answer = await self.callback(bet(bet_id, user, str(stake)), retry=False)
        if answer is None:  # it may have landed: the OPERATOR rolls it back
            self.journal.unanswered[bet_id] = (user, stake)
            undo = rollback(new_id("rb"), bet_id, user, str(stake))
            self.journal.undone_by[bet_id] = undo["transaction_id"]
            await self.callback(undo, retry=True)
            return
        if answer["error"] == "INTERNAL_ERROR":
            self.journal.internal_error[bet_id] = (user, stake)
            return
        if answer["error"] is not None:
            return
        self.applied(bet_id, user, -stake)
        if rng.random() < 0.85:
            payout = rng.choice([Decimal(0), stake, stake * 2])
            settle = result(new_id("res"), user, str(payout))
        else:
            payout, settle = stake, rollback(new_id("rb"), bet_id, user, str(stake))
        answer = await self.callback(settle, retry=True)
        if answer is not None and answer["error"] is None:
            self.applied(settle["transaction_id"], user, payout)

    def applied(self, transaction_id: str, user: str, delta: Decimal) -> None:
        self.journal.moved[user] += delta
        if delta:  # a zero result moves nothing to find in the log
            self.journal.acknowledged.add(transaction_id)
        self.journal.successes.append(time.monotonic())
