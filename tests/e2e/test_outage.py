"""The database goes away and comes back (a proxy the test owns): answers stay honest."""

from decimal import Decimal

import aiohttp

from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id, new_user
from tests.support.proxy import TcpProxy
from tests.support.server import Server


async def test_outage_answers_internal_error_and_recovers_without_restart(
    proxied: Server, proxy: TcpProxy
) -> None:
    timeout = aiohttp.ClientTimeout(total=20)  # a hang fails the test
    async with aiohttp.ClientSession(timeout=timeout) as session:
        client = LedgerClient(session, proxied.base)
        user = new_user()
        await client.deposit(user, "10.00")
        assert (await client.callback(cb.bet(new_id(), user, "1.00")))["balance"] == "9.00"

        proxy.cut()
        bet_id, result_id = new_id("bet"), new_id("res")
        assert await client.callback(cb.bet(bet_id, user, "2.00")) == {"error": "INTERNAL_ERROR"}
        assert await client.callback(cb.result(result_id, user, "5.00")) == {
            "error": "INTERNAL_ERROR"
        }
        async with session.get(proxied.base + "/readyz") as response:
            assert response.status == 503
        status, _ = await client.api("GET", f"/api/wallets/{user}")
        assert status == 503

        proxy.restore()
        async with session.get(proxied.base + "/readyz") as response:
            assert response.status == 200
        # Nothing was half-written. The bet answered INTERNAL_ERROR is final for the
        # OPERATOR (CONTRACT, "Unknown outcomes"): sent again, it is rolled back and moves
        # nothing. The result, retried as the OPERATOR does, now applies, once.
        again = await client.callback(cb.bet(bet_id, user, "2.00"))
        assert again == {"error": "TRANSACTION_ROLLED_BACK"}
        assert (await client.callback(cb.result(result_id, user, "5.00")))["balance"] == "14.00"
        assert (await client.callback(cb.result(result_id, user, "5.00")))["balance"] == "14.00"
        assert await client.balance(user) == Decimal("14.00")
        assert proxied.process.poll() is None


async def test_read_routes_answer_503_while_the_store_is_down(
    proxied: Server, proxy: TcpProxy
) -> None:
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        client = LedgerClient(session, proxied.base)
        user = new_user()
        await client.deposit(user, "1.00")
        proxy.cut()
        try:
            for path in (
                f"/api/audit/transactions/{new_id()}",
                "/api/audit/events",
                f"/api/audit/players/{user}/events",
                "/api/reports/daily?from=2026-01-01&to=2026-01-02",
                f"/api/wallets/{user}?at=1",
                f"/api/wallets/{user}?at=2026-01-01T00:00:00",
            ):
                status, body = await client.api("GET", path)
                assert (status, body["error"]) == (503, "INTERNAL_ERROR"), path
        finally:
            proxy.restore()
