"""A full disk (a file-size limit put on the running server, as a full partition would
refuse its writes): the writer's lane survives, /readyz says not ready, an error that
cannot be written down never leaves as an answer, writes resume by themselves once the
limit is lifted, and no bet answered error: null is undone after a restart."""

import asyncio
import subprocess
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id, new_user
from tests.support.moves import read_moves
from tests.support.proxy import TcpProxy
from tests.support.server import Server, free_port, running_service

pytestmark = pytest.mark.postgres
TIMEOUT = aiohttp.ClientTimeout(total=20)


def limit_file_size(server: Server, size: str) -> None:
    """What the server may write beyond: 1 byte is a full disk, unlimited a freed one."""
    limits = f"--fsize={size}:unlimited"  # the soft limit: raising a hard one needs a capability
    subprocess.run(["prlimit", f"--pid={server.process.pid}", limits], check=True)


async def ready(session: aiohttp.ClientSession, base: str) -> bool:
    async with session.get(base + "/readyz") as response:
        return response.status == 200


async def first(condition: object, timeout: float) -> bool:
    for _ in range(int(timeout * 4)):
        if await condition():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.25)
    return False


async def send(client: LedgerClient, fields: dict[str, str]) -> dict[str, object] | None:
    """A callback's answer, or None when the connection was dropped without one."""
    try:
        return await client.callback(fields)
    except aiohttp.ClientError:
        return None


async def test_a_full_disk_stops_new_bets_until_space_returns_and_undoes_no_answer(
    database: str, log_dir: Path, tmp_path: Path
) -> None:
    target = urlsplit(database)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    via = target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}").geturl()
    port, env = free_port(), {"ERROR_RECORD": str(tmp_path / "full.record")}
    user, answered = new_user(), []
    try:
        with running_service(via, log_dir, "full-a", port=port, **env) as server:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
                client = LedgerClient(session, server.base)
                await client.deposit(user, "100.00")
                for _ in range(5):
                    bet_id = new_id("ok")
                    assert (await client.callback(cb.bet(bet_id, user, "1.00")))["error"] is None
                    answered.append(bet_id)
                limit_file_size(server, "1")  # the disk is full from now on
                proxy.cut()  # and the database goes: bets need their errors written down
                lost = await send(client, cb.bet(new_id("lost"), user, "1.00"))
                assert lost is None  # an error that could not be written down did not leave
                assert await first(lambda: _not(ready(session, server.base)), 5)
                proxy.restore()
                refused = await send(client, cb.bet(new_id("refused"), user, "1.00"))
                assert refused == {"error": "INTERNAL_ERROR"}  # no new bet's commit starts
                result = await client.callback(cb.result(new_id("res"), user, "2.00"))
                assert result["error"] is None  # the lane lives: what needs no record commits
                assert not await ready(session, server.base)
                limit_file_size(server, "unlimited")  # space returns
                assert await first(lambda: ready(session, server.base), 10)
                bet_id = new_id("ok")
                assert (await client.callback(cb.bet(bet_id, user, "1.00")))["error"] is None
                answered.append(bet_id)
            server.process.kill()
            server.process.wait(timeout=10)
        with running_service(via, log_dir, "full-b", port=port, **env) as again:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
                await asyncio.sleep(2.5)  # a settling pass or two
                balance = await LedgerClient(session, again.base).balance(user)
        assert balance == Decimal("100.00") - len(answered) + 2
        moves = read_moves(database)
        assert [b for b in answered if moves.net(b) != Decimal("-1.00")] == []
        assert moves.reversed_by_ledger & set(answered) == set()
    finally:
        proxy.close()


async def _not(awaitable: object) -> bool:
    return not await awaitable  # type: ignore[misc]
