"""The OPERATOR's API, client side: one cached, single-flight auth token, then start-session.

The token is kept until shortly before its expires_in runs out (service/igpx_token.py says
how early), and one auth call serves every request waiting for a token. A 401 from
start-session renews the token once and retries once. Every call is bounded: a connect
timeout and a total deadline for the whole start_session, auth and retry included.
Neither the credentials nor the token ever appear in a log line or an error message.
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

from adapters.logsetup import log
from service.igpx.answers import (
    OperatorBadAnswerError,
    OperatorError,
    OperatorRefusedError,
    OperatorUnavailableError,
    check,
    iframe_url,
    json_or_none,
)
from service.igpx.token import BadTokenAnswerError, Token
from service.settings import OperatorApi

__all__ = [
    "IgpxClient",
    "OperatorBadAnswerError",
    "OperatorError",
    "OperatorRefusedError",
    "OperatorUnavailableError",
    "Timeouts",
]


@dataclass(frozen=True)
class Timeouts:
    """Seconds to open a connection, and for one whole start_session."""

    connect: float = 3.0
    total: float = 10.0


class IgpxClient:
    """Calls auth and start-session on one OPERATOR API; open() it, close() it."""

    def __init__(
        self,
        api: OperatorApi,
        session: aiohttp.ClientSession,
        timeouts: Timeouts = Timeouts(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._api = api
        self._base = f"{api.url}/{api.version}"
        self._session = session
        self._timeouts = timeouts
        self._clock = clock
        self._cached: Token | None = None
        self._inflight: asyncio.Future[Token] | None = None

    @classmethod
    def open(
        cls,
        api: OperatorApi,
        timeouts: Timeouts = Timeouts(),
        clock: Callable[[], float] = time.monotonic,
    ) -> "IgpxClient":
        """A client with its own connection pool, bounded by the timeouts."""
        limit = aiohttp.ClientTimeout(
            total=timeouts.total, connect=timeouts.connect, sock_connect=timeouts.connect
        )
        return cls(api, aiohttp.ClientSession(timeout=limit), timeouts, clock)

    async def close(self) -> None:
        """Stop an auth still in flight and close the connection pool."""
        if self._inflight is not None:
            self._inflight.cancel()
        await self._session.close()

    async def start_session(self, user_id: str, currency: str, lang: str | None = None) -> str:
        """The iframe URL for this player, or an OperatorError within the total timeout."""
        payload = {"user_id": user_id, "currency": currency} | ({"lang": lang} if lang else {})
        try:
            async with asyncio.timeout(self._timeouts.total):
                return await self._start(payload)
        except TimeoutError:
            raise OperatorUnavailableError(
                f"the OPERATOR did not answer within {self._timeouts.total:g} s"
            ) from None

    async def _start(self, payload: dict[str, str]) -> str:
        token = await self._token()
        status, answer = await self._post("start-session", payload, token)
        if status == 401:
            token = await self._token(stale=token)
            status, answer = await self._post("start-session", payload, token)
        check(status, answer, "start-session")
        return iframe_url(answer)

    async def _token(self, stale: Token | None = None) -> Token:
        """The cached token while usable; else the one auth call in flight, shared."""
        cached = self._cached
        if cached is not None and cached is not stale and cached.usable(self._clock()):
            return cached
        if self._inflight is None:
            self._inflight = asyncio.ensure_future(self._auth())
            self._inflight.add_done_callback(self._landed)
        return await asyncio.shield(self._inflight)

    def _landed(self, flight: "asyncio.Future[Token]") -> None:
        self._inflight = None
        if not flight.cancelled():
            flight.exception()  # its waiters got it; this only marks it as seen

    async def _auth(self) -> Token:
        credentials = {"username": self._api.username, "password": self._api.password}
        started = self._clock()
        status, answer = await self._post("auth", credentials, None)
        check(status, answer, "auth")
        try:
            token = Token.from_answer(answer, self._clock())
        except BadTokenAnswerError as error:
            raise OperatorBadAnswerError(f"auth: {error}") from None
        self._cached = token
        log.info("operator_auth", renew_in_s=round(token.renew_at - started, 3))
        return token

    async def _post(self, leaf: str, payload: Any, token: Token | None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token.value}"
        try:
            async with self._session.post(
                f"{self._base}/{leaf}", data=orjson.dumps(payload), headers=headers
            ) as response:
                return response.status, json_or_none(await response.read())
        except (aiohttp.ClientError, TimeoutError) as error:
            raise OperatorUnavailableError(
                f"the OPERATOR's {leaf} failed ({type(error).__name__})"
            ) from None
