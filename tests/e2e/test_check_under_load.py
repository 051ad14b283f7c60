"""replay --check beside a server under load: exact, so it never reports players written
between its reads (it did, and exited 1, when views and aggregates were read apart)."""

import asyncio
import os
import subprocess
import sys

import aiohttp

from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id
from tests.support.server import ROOT, Server

PLAYERS = [f"check-{n}" for n in range(6)]


async def load(client: LedgerClient, stop: asyncio.Event) -> int:
    """Bets and results on a few hot players until told to stop; how many were sent."""
    sent = 0
    while not stop.is_set():
        for user in PLAYERS:
            await client.callback(cb.result(new_id(), user, "1.00"))
            await client.callback(cb.bet(new_id(), user, "0.50"))
            sent += 2
    return sent


def check(database: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IGPX_", "ADMIN_"))}
    return subprocess.run(
        [sys.executable, "-m", "scripts.replay", "--check"],
        cwd=ROOT,
        env=env | {"DATABASE_URL": database},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_check_runs_clean_against_a_server_under_load(
    server: Server, database: str, http: aiohttp.ClientSession
) -> None:
    client = LedgerClient(http, server.base)
    stop = asyncio.Event()
    workers = [asyncio.create_task(load(client, stop)) for _ in range(4)]
    try:
        await asyncio.sleep(1.0)
        for _ in range(3):
            done = await asyncio.to_thread(check, database)
            assert done.returncode == 0, done.stdout + done.stderr
            assert "0 mismatches" in done.stdout
    finally:
        stop.set()
        sent = sum(await asyncio.gather(*workers))
    assert sent > 100  # the checks ran while the ledger was being written
