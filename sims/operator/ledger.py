"""Signed callbacks to the ledger: a bet is sent once, results and rollbacks until answered."""

import asyncio
import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import structlog

from sims.operator.settings import SimSettings
from sims.wire import loads, signed

log = structlog.get_logger("operator")
_ATTEMPT = aiohttp.ClientTimeout(total=5, sock_connect=2)
_FIRST_PAUSE_S = 0.2


@dataclass
class Delivery:
    """One callback, its exact bytes, and what the ledger said to it so far."""

    seq: int
    fields: dict[str, str]
    body: bytes
    headers: dict[str, str]
    attempts: int = 0
    state: str = "sending"  # then answered, retrying or unanswered
    answer: dict[str, Any] | None = None
    problem: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    lost: bool = False  # the ledger answered, but the answer never reached the OPERATOR

    @property
    def leaf(self) -> str:
        return "transaction-rollback" if self.fields["action"] == "rollback" else "transaction"

    def view(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "action": self.fields["action"],
            "transaction_id": self.fields["transaction_id"],
            "route": self.leaf,
            "body": self.body.decode(),
            "attempts": self.attempts,
            "state": self.state,
            "answer": self.answer,
            "problem": self.problem,
        }

    @property
    def status(self) -> str:
        """What the OPERATOR got back, as its export says: accepted, a code, or unanswered."""
        if self.state != "answered" or self.answer is None:
            return "unanswered"
        return str(self.answer.get("error") or "accepted")


def answered(status: int, answer: Any) -> bool:
    """The ledger took it: HTTP 200, a JSON object with error, and not an internal error."""
    return (
        status == 200
        and isinstance(answer, dict)
        and "error" in answer
        and (answer["error"] != "INTERNAL_ERROR")
    )


class LedgerLink:
    """Sends callbacks with the shared secret and keeps every one for the page to show."""

    def __init__(self, settings: SimSettings, session: aiohttp.ClientSession) -> None:
        self._settings = settings
        self._session = session
        self.lose_share = settings.lose_answers  # share of bets whose answer is lost in transit
        self._seq = itertools.count(1)
        self._retries: set[asyncio.Task[None]] = set()
        self.deliveries: list[Delivery] = []

    def _new(self, fields: dict[str, str]) -> Delivery:
        body, headers = signed(fields, self._settings.secret)
        delivery = Delivery(next(self._seq), fields, body, headers)
        self.deliveries.append(delivery)
        return delivery

    async def send_once(self, fields: dict[str, str]) -> Delivery:
        """Post a bet once: its answer, or state unanswered when none came."""
        delivery = self._new(fields)
        if not await self._attempt(delivery):
            delivery.state = "answered" if delivery.answer else "unanswered"
        if random.random() < self.lose_share:
            self._lose(delivery)
        return delivery

    def _lose(self, delivery: Delivery) -> None:
        """The ledger's answer is dropped on the way back: the OPERATOR saw nothing."""
        delivery.lost, delivery.state, delivery.answer = True, "unanswered", None
        delivery.problem = "the answer was lost in transit (simulated)"
        self._log(delivery, outcome="answer_lost")

    def send_until_answered(self, fields: dict[str, str]) -> Delivery:
        """Post a result or rollback now and again, the same bytes, until the ledger answers."""
        delivery = self._new(fields)
        task = asyncio.ensure_future(self._until_answered(delivery))
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)
        return delivery

    async def _until_answered(self, delivery: Delivery) -> None:
        pause = _FIRST_PAUSE_S
        while not await self._attempt(delivery):
            delivery.state = "retrying"
            await asyncio.sleep(pause)
            pause = min(pause * 2, self._settings.retry_max)

    async def _attempt(self, delivery: Delivery) -> bool:
        delivery.attempts += 1
        url = self._settings.callback_url(delivery.leaf)
        try:
            async with self._session.post(
                url, data=delivery.body, headers=delivery.headers, timeout=_ATTEMPT
            ) as response:
                status, raw = response.status, await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            delivery.problem = f"no answer ({type(error).__name__})"
            self._log(delivery, outcome="no_answer")
            return False
        return self._took(delivery, status, raw)

    def _took(self, delivery: Delivery, status: int, raw: bytes) -> bool:
        try:
            answer = loads(raw)
        except ValueError:
            answer = None
        delivery.answer = answer if isinstance(answer, dict) else None
        delivery.problem = None if status == 200 else f"HTTP {status}"
        done = answered(status, answer)
        if done:
            delivery.state = "answered"
        code = (delivery.answer or {}).get("error", f"HTTP {status}")
        self._log(delivery, outcome=code or "ok")
        return done

    def _log(self, delivery: Delivery, outcome: str) -> None:
        log.info(
            "callback_sent",
            action=delivery.fields["action"],
            transaction_id=delivery.fields["transaction_id"],
            attempt=delivery.attempts,
            outcome=outcome,
        )

    def of(self, user_id: str, currency: str) -> list[Delivery]:
        """The player's callbacks, newest first."""
        key = (user_id, currency)
        return [
            d for d in self.deliveries[::-1] if (d.fields["user_id"], d.fields["currency"]) == key
        ]

    async def close(self) -> None:
        """Stop retrying (a simulator's pending callbacks live in memory only)."""
        for task in list(self._retries):
            task.cancel()
        await asyncio.gather(*self._retries, return_exceptions=True)
