"""The OPERATOR's delivery habit: the same body again and again until it gets an answer."""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from tests.support.callbacks import ADMIN_TOKEN, sign

# The contract's bound: every callback is answered within 10 s. An OPERATOR giving up
# sooner than the ledger's own answer deadline (8 s, ledger/retry.py) races it: a bet
# committed and answered at 7.99 s reached a courier that had given up at 8.00 s.
ATTEMPT = aiohttp.ClientTimeout(total=10)
GIVE_UP_S = 120.0  # a delivery unanswered this long is reported, not waited for forever
BACKOFF_S = 0.1


@dataclass
class Tally:
    """What the deliveries cost: attempts, retries and why each retry happened."""

    deliveries: int = 0
    attempts: int = 0
    retries: int = 0
    unanswered: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)


class Courier:
    """Posts to the servers in turn, starting where asked, rotating after each failure."""

    def __init__(self, session: aiohttp.ClientSession, bases: list[str], tally: Tally) -> None:
        self.session, self.bases, self.tally = session, bases, tally

    async def callback(self, route: str, body: bytes, first: int) -> dict[str, Any] | None:
        """The first answer that is not INTERNAL_ERROR; None if none came before GIVE_UP_S."""
        headers = {"X-Security-Hash": sign(body)}
        answer = await self._until_answered("POST", route, body, headers, first, callback=True)
        if answer is not None:
            self.tally.answers[str(answer.get("error"))] += 1
        return answer

    async def callback_once(
        self, route: str, body: bytes, first: int
    ) -> tuple[dict[str, Any] | None, str]:
        """A bet, as the OPERATOR sends it: once. The answer, INTERNAL_ERROR included (None
        when none came), and why none came."""
        self.tally.deliveries += 1
        self.tally.attempts += 1
        headers = {"X-Security-Hash": sign(body)}
        base = self.bases[first % len(self.bases)]
        answer, reason = await self._attempt("POST", base + route, body, headers, False)
        self.tally.answers[str(answer.get("error")) if answer else reason or "none"] += 1
        return answer, reason

    async def api(
        self, method: str, path: str, payload: Any = None, first: int = 0
    ) -> dict[str, Any] | None:
        """A casino API call, retried until it answers 200 (deposits are idempotent)."""
        body = None if payload is None else orjson.dumps(payload)
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        return await self._until_answered(method, path, body, headers, first, callback=False)

    async def _until_answered(
        self,
        method: str,
        path: str,
        body: bytes | None,
        headers: dict[str, str],
        first: int,
        *,
        callback: bool,
    ) -> dict[str, Any] | None:
        self.tally.deliveries += 1
        deadline = time.monotonic() + GIVE_UP_S
        for attempt in range(10**6):
            base = self.bases[(first + attempt) % len(self.bases)]
            self.tally.attempts += 1
            answer, reason = await self._attempt(method, base + path, body, headers, callback)
            if answer is not None:
                return answer
            self.tally.retries += 1
            self.tally.reasons[reason] += 1
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(BACKOFF_S)
        self.tally.unanswered += 1
        return None

    async def _attempt(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], callback: bool
    ) -> tuple[dict[str, Any] | None, str]:
        try:
            async with self.session.request(
                method, url, data=body, headers=headers, timeout=ATTEMPT
            ) as response:
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            return None, type(error).__name__
        if status != 200:
            return None, f"HTTP {status}"
        answer = orjson.loads(raw)
        if callback and answer.get("error") == "INTERNAL_ERROR":
            return None, "INTERNAL_ERROR"
        return dict(answer), ""
