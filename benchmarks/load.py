"""python -m benchmarks.load: play the OPERATOR against a wallet, time it, then audit the money."""

import argparse
import asyncio
import json
import random
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import uvloop

from benchmarks.delivery import Operator, UnansweredError
from benchmarks.model import MoneyModel
from benchmarks.scenario import Bettor, Mix
from benchmarks.stats import summarize

RICH, POOR = Decimal("1000.00"), Decimal("20.00")  # every 20th player runs short of funds


async def bounded(limit: int, jobs: list[Any]) -> list[Any]:
    """Run coroutines with at most `limit` in flight."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Any) -> Any:
        async with gate:
            return await job

    return list(await asyncio.gather(*(one(j) for j in jobs)))


def admin(args: Any) -> dict[str, str]:
    """The casino API's bearer header; the OPERATOR's callbacks never carry it."""
    return {"Authorization": f"Bearer {args.token}"}


async def api(session: aiohttp.ClientSession, method: str, url: str, **kw: Any) -> Any:
    """A casino API call, retried on a dropped connection; the JSON body with exact numbers."""
    for _ in range(20):
        try:
            async with session.request(method, url, **kw) as response:
                text = await response.text()
            if response.status == 200:
                return json.loads(text, parse_float=Decimal, parse_int=Decimal)
            raise RuntimeError(f"{method} {url}: HTTP {response.status} {text[:200]}")
        except (aiohttp.ClientError, TimeoutError):
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{method} {url}: no answer")


async def fund(
    session: aiohttp.ClientSession, args: Any, model: MoneyModel, users: list[str]
) -> None:
    """Top up every player through the cashier route, once per reference."""

    async def top_up(index: int, user: str) -> None:
        amount = POOR if index % 20 == 0 else RICH
        body = {"currency": "USD", "amount": str(amount), "reference": f"fund-{user}"}
        url = f"{args.url}/api/wallets/{user}/deposits"
        await api(session, "POST", url, json=body, headers=admin(args))
        model.funded(user, amount)

    await bounded(args.concurrency, [top_up(i, u) for i, u in enumerate(users)])


async def audit(
    session: aiohttp.ClientSession, args: Any, model: MoneyModel, users: list[str]
) -> list[str]:
    """Every player's wallet against the model; the mismatches, one sentence each."""

    async def one(user: str) -> str | None:
        url = f"{args.url}/api/wallets/{user}"
        wallet = await api(session, "GET", url, headers=admin(args))
        return model.check(user, Decimal(str(wallet["balances"].get("USD", "0"))))

    found = await bounded(args.concurrency, [one(u) for u in users])
    return [m for m in found if m is not None]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Fund, drive the mix for the duration, audit; the report as a dict."""
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    prefix = args.prefix or secrets.token_hex(3)
    users = [f"{prefix}-player-{i:05d}" for i in range(args.players)]
    model = MoneyModel()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await fund(session, args, model, users)
        op = Operator(session, args.url, args.secret, give_up_s=args.give_up, rate=args.rate)
        picker = random.Random(args.seed)
        deadline = time.monotonic() + args.duration

        async def bettor(n: int) -> None:
            player = Bettor(op, model, Mix(), prefix, args.seed * 1000 + n)
            while time.monotonic() < deadline:
                try:
                    await player.play(picker.choice(users))
                except UnansweredError as error:  # the model cannot know what it did
                    op.wire.protocol_errors.append(f"never answered: {error}")

        started = time.monotonic()
        await asyncio.gather(*(bettor(n) for n in range(args.concurrency)))
        window = (started, time.monotonic())
        mismatches = await audit(session, args, model, users)
    return report(args, op, model, mismatches, window)


def report(
    args: Any, op: Operator, model: MoneyModel, mismatches: list[str], window: tuple[float, float]
) -> dict[str, Any]:
    """Throughput, latency and the money check, ready for JSON; the timed window is on
    the machine's monotonic clock, so the driver can tell what CPU it cost."""
    wire = op.wire
    elapsed = window[1] - window[0]
    failures = len(mismatches) + len(model.violations) + len(wire.protocol_errors)
    return {
        "concurrency": args.concurrency,
        "rate": args.rate,
        "players": args.players,
        "duration_s": round(elapsed, 3),
        "window": list(window),
        "requests": len(wire.latencies_s),
        "callbacks_per_s": round(len(wire.latencies_s) / elapsed, 1),
        "latency_ms": summarize(wire.latencies_s),
        "repeats": wire.repeats,
        "transport_retries": wire.transport_retries,
        "internal_errors": wire.internal_errors,
        "outcomes": dict(sorted(model.counts.items())),
        "balance_mismatches": len(mismatches),
        "rule_violations": len(model.violations),
        "protocol_errors": len(wire.protocol_errors),
        "examples": (mismatches + model.violations + wire.protocol_errors)[:20],
        "money_ok": failures == 0,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; secrets may come from it because this is a test tool."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="wallet base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--secret", required=True, help="IGPX_SECURITY_HASH of the wallet")
    parser.add_argument("--token", required=True, help="ADMIN_TOKEN of the wallet")
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16, help="connections in flight")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of timed load")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a retry")
    parser.add_argument("--give-up", type=float, default=60.0, help="seconds per delivery")
    parser.add_argument("--rate", type=float, help="deliveries per second (open loop)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prefix", default="", help="id prefix (default: random)")
    parser.add_argument("--json-out", type=Path, help="also write the report here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run, print the report, exit 1 when the money does not add up."""
    args = parse_args(argv)
    result = uvloop.run(run(args))
    text = json.dumps(result, indent=2)
    if args.json_out:
        args.json_out.write_text(text + "\n")
    print(text)
    return 0 if result["money_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
