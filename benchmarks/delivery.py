"""The OPERATOR's side of the wire: signed deliveries, timed, retried until answered."""

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from benchmarks.wire import CALLBACK_PATH, callback_url, sign

RETRY_PAUSE_S = 0.05


class UnansweredError(Exception):
    """A delivery got no usable answer before the give-up deadline."""


@dataclass
class Deliveries:
    """What the wire did: latency of every answered request and why any was sent again."""

    latencies_s: list[float] = field(default_factory=list)
    transport_retries: int = 0
    internal_errors: int = 0
    protocol_errors: list[str] = field(default_factory=list)
    repeats: int = 0


class Pace:
    """An arrival schedule at a fixed rate: each delivery waits for its slot (open loop)."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = time.monotonic()

    async def wait(self) -> None:
        now = time.monotonic()
        slot = max(self._next, now)
        self._next = slot + self._interval
        await asyncio.sleep(slot - now)


class Operator:
    """Posts callbacks as the OPERATOR does: the same body again until it is answered."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        secret: str,
        *,
        callback_path: str = CALLBACK_PATH,
        give_up_s: float = 60.0,
        rate: float | None = None,
    ) -> None:
        self._session = session
        self._pace = Pace(rate) if rate else None
        self._urls = {a: callback_url(base_url, a, callback_path) for a in ("bet", "rollback")}
        self._secret = secret.encode()
        self._give_up_s = give_up_s
        self.wire = Deliveries()

    async def send(self, fields: dict[str, str], repeat: str | None = None) -> list[Any]:
        """Deliver once, or twice ('after' the answer or 'together'); every answer, in order."""
        body = orjson.dumps(fields)
        url = self._urls["rollback" if fields["action"] == "rollback" else "bet"]
        if repeat is None:
            return [await self.deliver(url, body)]
        self.wire.repeats += 1
        if repeat == "together":
            return list(await asyncio.gather(self.deliver(url, body), self.deliver(url, body)))
        first = await self.deliver(url, body)
        return [first, await self.deliver(url, body)]

    async def deliver(self, url: str, body: bytes) -> Any:
        """One delivery: retried on a dropped connection, a timeout or INTERNAL_ERROR."""
        headers = {"X-Security-Hash": sign(body, self._secret), "Content-Type": "application/json"}
        give_up = time.monotonic() + self._give_up_s
        if self._pace is not None:
            await self._pace.wait()
        while time.monotonic() < give_up:
            started = time.perf_counter()
            try:
                async with self._session.post(url, data=body, headers=headers) as response:
                    raw, status = await response.read(), response.status
            except (aiohttp.ClientError, TimeoutError):
                self.wire.transport_retries += 1
                await asyncio.sleep(RETRY_PAUSE_S)
                continue
            self.wire.latencies_s.append(time.perf_counter() - started)
            answer = self._answer(status, raw)
            if answer is not None:
                return answer
            await asyncio.sleep(RETRY_PAUSE_S)
        raise UnansweredError(body.decode())

    def _answer(self, status: int, raw: bytes) -> Any:
        """The answer, or None when it must be sent again (counted as why)."""
        try:
            answer = orjson.loads(raw) if status == 200 else None
        except orjson.JSONDecodeError:
            answer = None
        if not isinstance(answer, dict) or "error" not in answer:
            self.wire.protocol_errors.append(f"HTTP {status}: {raw[:120]!r}")
            return None
        if answer["error"] == "INTERNAL_ERROR":
            self.wire.internal_errors += 1
            return None
        return answer
