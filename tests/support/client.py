"""An HTTP client for a running ledger: signed callbacks and the casino's API."""

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import aiohttp
import orjson

from tests.support.callbacks import ADMIN_TOKEN, body_of, route_of, sign

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


class LedgerClient:
    """Speaks to one base URL the way the OPERATOR and the casino do."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base

    async def post(
        self, path: str, body: bytes, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """POST raw bytes; the status and the decoded JSON answer."""
        async with self.session.post(self.base + path, data=body, headers=headers) as response:
            return response.status, orjson.loads(await response.read())

    async def callback(self, fields: dict[str, Any], **headers: str) -> dict[str, Any]:
        """A correctly signed callback; asserts the OPERATOR's always-200 rule."""
        body = body_of(**fields)
        sent = {"X-Security-Hash": sign(body)} | {
            k.replace("_", "-"): v for k, v in headers.items()
        }
        status, answer = await self.post(route_of(fields), body, sent)
        assert status == 200
        return dict(answer)

    async def api(self, method: str, path: str, payload: Any = None) -> tuple[int, Any]:
        """A call to the casino's API with the admin token."""
        data = orjson.dumps(payload) if payload is not None else None
        async with self.session.request(
            method, self.base + path, data=data, headers=ADMIN
        ) as response:
            return response.status, orjson.loads(await response.read())

    async def audit_entry(self, any_id: str, within: float = 30.0) -> tuple[int, Any]:
        """GET /api/audit/transactions/{id} as a client should use it: asked again while
        the read models are behind the ledger (503 READ_MODEL_BEHIND, or an entry read
        before they were current), for up to `within` seconds on a busy machine."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            status, body = await self.api("GET", f"/api/audit/transactions/{any_id}")
            behind = status == 503 or (status == 200 and not body.get("read_model_current"))
            if not behind or asyncio.get_running_loop().time() > deadline:
                return status, body
            await asyncio.sleep(0.2)

    async def wallet(self, user: str) -> dict[str, Any]:
        status, body = await self.api("GET", f"/api/wallets/{user}")
        assert status == 200, body
        return dict(body)

    async def balance(self, user: str, currency: str = "USD") -> Decimal:
        balances = (await self.wallet(user))["balances"]
        return Decimal(balances.get(currency, "0"))

    async def deposit(self, user: str, amount: str, currency: str = "USD") -> dict[str, Any]:
        payload = {"currency": currency, "amount": amount, "reference": uuid.uuid4().hex}
        status, body = await self.api("POST", f"/api/wallets/{user}/deposits", payload)
        assert status == 200, body
        return dict(body)


def new_user() -> str:
    """A user id no other test uses."""
    return f"player-{uuid.uuid4().hex[:12]}"


def new_id(prefix: str = "tx") -> str:
    """An OPERATOR transaction id no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
