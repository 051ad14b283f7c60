"""A bet answered INTERNAL_ERROR moves nothing by the end, even across a SIGKILL of the
server: its journal outlives the process, and the restarted server settles the bet, whether
its held commit reached the database before the settlement or after it."""

import asyncio
import json
import urllib.request
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from domain.transaction import IN_DOUBT
from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id, new_user
from tests.support.proxy import TcpProxy
from tests.support.server import free_port, running_service, wait_until

pytestmark = pytest.mark.postgres


def pending(base: str) -> float:
    with urllib.request.urlopen(base + "/metrics", timeout=5) as reply:  # noqa: S310
        for line in reply.read().decode().splitlines():
            if line.startswith("ledger_in_doubt_pending "):
                return float(line.split()[1])
    return -1.0


async def test_a_bet_in_doubt_across_a_sigkill_is_settled_after_the_restart(
    database: str, log_dir: Path, tmp_path: Path
) -> None:
    target = urlsplit(database)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    via_proxy = target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}").geturl()
    port, journal = free_port(), tmp_path / "in-doubt.jsonl"
    env = {"IN_DOUBT_JOURNAL": str(journal)}
    user, bet_id = new_user(), new_id("doubt")
    timeout = aiohttp.ClientTimeout(total=20)
    try:
        with running_service(via_proxy, log_dir, "doubt-a", port=port, **env) as first:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                client = LedgerClient(session, first.base)
                await client.deposit(user, "10.00")
                proxy.blackhole()
                answer = await client.callback(cb.bet(bet_id, user, "4.00"))
                assert answer == {"error": "INTERNAL_ERROR"}
                doubts = [json.loads(line) for line in journal.read_text().splitlines()]
                assert {"doubt": {"transaction_id": bet_id, "user_id": user,
                                  "currency": "USD", "amount": "4.00"}} in doubts  # fmt: skip
            first.process.kill()  # SIGKILL: the journal is all that is left of the doubt
            first.process.wait(timeout=10)
        proxy.heal()  # the commit held in the partition may reach the database now
        with running_service(via_proxy, log_dir, "doubt-b", port=port, **env) as second:
            wait_until(lambda: pending(second.base) == 0.0, 30, "the bet to be settled")
            async with aiohttp.ClientSession(timeout=timeout) as session:
                client = LedgerClient(session, second.base)
                assert await client.balance(user) == Decimal("10.00")
                again = await client.callback(cb.bet(bet_id, user, "4.00"))
                assert again == {"error": "TRANSACTION_ROLLED_BACK"}
                undo = await client.callback(cb.rollback(new_id(), bet_id, user, "4.00"))
                assert undo["error"] is None
                assert await client.balance(user) == Decimal("10.00")
                await asyncio.sleep(0.5)
                status, entry = await client.api("GET", f"/api/audit/transactions/{bet_id}")
                assert status == 200
                assert entry["rolled_back_by"] == IN_DOUBT
    finally:
        proxy.close()
