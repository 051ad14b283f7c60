"""The error record end to end: a bet answered INTERNAL_ERROR costs nothing by the end, even
across a SIGKILL or with its server gone for good; a bet answered error: null stands
whatever becomes of its server; a second server on one record is refused."""

import asyncio
import subprocess
import sys
import urllib.request
import zlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import orjson
import pytest

from domain.transaction import IN_DOUBT
from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id, new_user
from tests.support.moves import read_moves
from tests.support.proxy import TcpProxy
from tests.support.server import ROOT, free_port, running_service, service_env, wait_until

pytestmark = pytest.mark.postgres
TIMEOUT = aiohttp.ClientTimeout(total=20)


def pending(base: str) -> float:
    with urllib.request.urlopen(base + "/metrics", timeout=5) as reply:  # noqa: S310
        for line in reply.read().decode().splitlines():
            if line.startswith("ledger_in_doubt_pending "):
                return float(line.split()[1])
    return -1.0


def written_down(record: Path) -> list[dict[str, str]]:
    """The record's doubts, each line's checksum checked."""
    doubts = []
    for line in record.read_bytes().splitlines():
        checksum, _, body = line.partition(b" ")
        assert int(checksum, 16) == zlib.crc32(body)
        doubts.append(orjson.loads(body)["doubt"])
    return doubts


def through(proxy: TcpProxy, database: str) -> str:
    target = urlsplit(database)
    return target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}").geturl()


@pytest.fixture
def own_proxy(database: str) -> Iterator[TcpProxy]:
    target = urlsplit(database)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    yield proxy
    proxy.close()


async def answered_internal_error(base: str, user: str, bet_id: str, proxy: TcpProxy) -> None:
    """Fund the player, then send one bet while the database is silent."""
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        client = LedgerClient(session, base)
        await client.deposit(user, "10.00")
        proxy.blackhole()
        assert await client.callback(cb.bet(bet_id, user, "4.00")) == {"error": "INTERNAL_ERROR"}


async def test_a_bet_answered_internal_error_across_a_sigkill_is_settled_after_the_restart(
    database: str, log_dir: Path, tmp_path: Path, own_proxy: TcpProxy
) -> None:
    port, record = free_port(), tmp_path / "server.record"
    env = {"ERROR_RECORD": str(record)}
    user, bet_id = new_user(), new_id("doubt")
    with running_service(through(own_proxy, database), log_dir, "rec-a", port=port, **env) as first:
        await answered_internal_error(first.base, user, bet_id, own_proxy)
        [doubt] = written_down(record)  # before the answer left, fsynced
        assert (doubt["transaction_id"], doubt["amount"]) == (bet_id, "4.00")
        assert doubt["delivery"]
        first.process.kill()  # SIGKILL: the record is all that is left of the error
        first.process.wait(timeout=10)
    own_proxy.heal()  # the commit held in the partition reaches the database: too late
    with running_service(
        through(own_proxy, database), log_dir, "rec-b", port=port, **env
    ) as second:
        wait_until(lambda: pending(second.base) == 0.0, 30, "the bet to be settled")
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            client = LedgerClient(session, second.base)
            assert await client.balance(user) == Decimal("10.00")
            again = await client.callback(cb.bet(bet_id, user, "4.00"))
            assert again == {"error": "TRANSACTION_ROLLED_BACK"}
            undo = await client.callback(cb.rollback(new_id(), bet_id, user, "4.00"))
            assert undo["error"] is None
            assert await client.balance(user) == Decimal("10.00")
            status, entry = await client.audit_entry(bet_id)
            assert status == 200, entry
            assert entry["rolled_back_by"] == IN_DOUBT
    assert record.read_bytes() == b""  # nothing open any more


async def test_bets_answered_ok_stand_after_their_server_is_killed(
    database: str, log_dir: Path, tmp_path: Path
) -> None:
    port, env = free_port(), {"ERROR_RECORD": str(tmp_path / "ok.record")}
    user = new_user()
    bets = [new_id("ok") for _ in range(20)]
    with running_service(database, log_dir, "ok-a", port=port, **env) as first:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            client = LedgerClient(session, first.base)
            await client.deposit(user, "50.00")
            answers = await asyncio.gather(
                *(client.callback(cb.bet(b, user, "1.00")) for b in bets)
            )
            assert all(a["error"] is None for a in answers)
        first.process.kill()  # right after answering: nothing is left to guess
        first.process.wait(timeout=10)
    with running_service(database, log_dir, "ok-b", port=port, **env) as second:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            client = LedgerClient(session, second.base)
            await asyncio.sleep(2.5)  # a settling pass or two
            assert await client.balance(user) == Decimal("30.00")
    moves = read_moves(database)
    assert [b for b in bets if moves.net(b) != Decimal("-1.00")] == []


def test_a_second_server_on_the_same_record_refuses_to_start_with_one_line(
    database: str, log_dir: Path, tmp_path: Path
) -> None:
    record = str(tmp_path / "shared.record")
    with running_service(database, log_dir, "holder", ERROR_RECORD=record):
        env = service_env(database, free_port(), ERROR_RECORD=record)
        second = subprocess.run(
            [sys.executable, "-m", "service"],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=60,
        )
    assert second.returncode == 2
    lines = second.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert "ERROR_RECORD" in lines[0]
    assert "held by another process" in lines[0]


async def test_a_lost_servers_record_is_settled_by_the_command(
    database: str, log_dir: Path, tmp_path: Path, own_proxy: TcpProxy
) -> None:
    record = tmp_path / "lost.record"
    user, bet_id = new_user(), new_id("lost")
    with running_service(
        through(own_proxy, database), log_dir, "lost", ERROR_RECORD=str(record)
    ) as lost:
        await answered_internal_error(lost.base, user, bet_id, own_proxy)
        lost.process.kill()  # its machine is gone; its disk is mounted elsewhere
        lost.process.wait(timeout=10)
    own_proxy.heal()
    env = service_env(database, 0)
    settled = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "settle", str(record)],
        check=False, cwd=ROOT, env=env, capture_output=True, timeout=60,
    )  # fmt: skip
    out = settled.stdout.decode()
    assert settled.returncode == 0, out + settled.stderr.decode()
    assert f"{bet_id}: closed" in out
    assert record.read_bytes() == b""
    moves = read_moves(database)
    assert moves.net(bet_id) == 0


def test_a_damaged_record_line_is_skipped_counted_and_the_rest_settled(
    database: str, log_dir: Path, tmp_path: Path
) -> None:
    record, user = tmp_path / "damaged.record", new_user()
    good = orjson.dumps(
        {
            "doubt": {
                "transaction_id": new_id("d"),
                "user_id": user,
                "currency": "USD",
                "amount": "1.00",
                "delivery": "gone-1",
            }
        }
    )
    record.write_bytes(
        b"%08x %s\n" % (zlib.crc32(good), good)
        + b'00000000 {"doubt": {"transaction_id": "x"}}\n'  # its checksum is wrong
        + b"\xff\xfe torn by a crash"
    )
    with running_service(database, log_dir, "damaged", ERROR_RECORD=str(record)) as server:
        wait_until(lambda: pending(server.base) == 0.0, 30, "the good line to be settled")
        with urllib.request.urlopen(server.base + "/metrics", timeout=5) as reply:  # noqa: S310
            assert b"ledger_error_record_damaged_lines 2.0" in reply.read()
        events = [line.get("event") for line in server.log_lines()]
        assert events.count("error_record_line_damaged") == 2
        assert "bet_in_doubt_settled" in events
    assert record.read_bytes() == b""


def test_a_server_and_its_projections_child_stop_without_a_traceback(
    database: str, log_dir: Path
) -> None:
    with running_service(database, log_dir, "stopping") as server:
        wait_until(lambda: "projections_running" in server.log_text(), 20, "the projections")
    assert server.process.returncode == 0
    assert "projections_stopped" in server.log_text()
    assert "Traceback" not in server.log_text()
