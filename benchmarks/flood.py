"""Hostile traffic from someone with no credentials, as tests/e2e/test_flood.py and
`make bench` send it: gzip bombs and oversized forms to the back office, failed logins
from many addresses (through a proxy the server trusts), and bodies that stop arriving.

python -m benchmarks.flood --url http://127.0.0.1:8080 --duration 20: rounds of each
until the time is up, then one JSON line of what was sent and how it was answered.
"""

import argparse
import asyncio
import functools
import gzip
import json
import re
import sys
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import aiohttp

BOMB_INFLATED = 64 * 1024 * 1024  # what each bomb would become if anything decoded it
FORM_TOO_LARGE = 256 * 1024  # over the back office's 16 KiB
TARGETS = ("/backoffice/login", "/backoffice/players/p1/block", "/backoffice/reconciliation")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@functools.cache
def bomb() -> bytes:
    """About 64 KiB of gzip that would inflate to 64 MiB."""
    return gzip.compress(b"username=x&password=" + bytes(BOMB_INFLATED), 9)


async def _status(session: aiohttp.ClientSession, url: str, **kwargs: Any) -> int:
    try:
        async with session.post(url, **kwargs) as response:
            await response.read()
            return response.status
    except aiohttp.ClientError:
        return 0  # the server hung up while the body was still going out


async def bombs(session: aiohttp.ClientSession, base: str, count: int) -> list[int]:
    """Gzip bombs to the back office without a login, one Content-Encoding or two."""
    encodings = ({"Content-Encoding": "gzip"}, {"Content-Encoding": "identity, gzip"})
    return list(
        await asyncio.gather(
            *(
                _status(
                    session, base + TARGETS[n % 3], data=bomb(), headers=FORM | encodings[n % 2]
                )
                for n in range(count)
            )
        )
    )


async def oversized_forms(session: aiohttp.ClientSession, base: str, count: int) -> list[int]:
    """Plain forms of 256 KiB to the back office without a login."""
    body = b"username=x&password=" + b"A" * FORM_TOO_LARGE
    sends = (_status(session, base + TARGETS[n % 2], data=body, headers=FORM) for n in range(count))
    return list(await asyncio.gather(*sends))


async def failed_logins(session: aiohttp.ClientSession, base: str, count: int) -> list[int]:
    """Wrong passwords, all at once, each for another name from another address (as a
    trusted proxy reports it), so no throttle spreads them out: the password pool must."""
    async with session.get(base + "/backoffice/login") as page:
        found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
        cookie = "; ".join(f"{k}={v.value}" for k, v in page.cookies.items())  # its session
    csrf = found.group(1) if found else ""

    def attempt(n: int) -> Any:
        form = {"username": f"guess{n}", "password": f"wrong-{n}", "csrf": csrf}
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        headers = {"X-Forwarded-For": address, "Cookie": cookie}
        return _status(session, base + "/backoffice/login", data=form, headers=headers)

    return list(await asyncio.gather(*(attempt(n) for n in range(count))))


STALLED = {
    "backoffice": b"POST /backoffice/login HTTP/1.1\r\nHost: ledger\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\nusern",
    "backoffice-no-login": b"POST /backoffice/players/p1/block HTTP/1.1\r\nHost: ledger\r\n"
    b"Content-Length: 4000\r\n\r\ncsrf=",
    "api-no-token": b"POST /api/wallets/p1/deposits HTTP/1.1\r\nHost: ledger\r\n"
    b"Content-Length: 4000\r\n\r\n{",
}


async def stalled_body(url: str, request: bytes, bound_s: float, token: str = "") -> float | None:
    """Send a head and the start of a body, then nothing: seconds until the server hung up
    (its answer read, if any), None if it still held the connection after bound_s."""
    parts = urlsplit(url)
    if token:
        request = request.replace(
            b"\r\n\r\n", f"\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
        )
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    sent = time.monotonic()
    try:
        writer.write(request)
        await writer.drain()
        async with asyncio.timeout(bound_s):
            while await reader.read(65536):
                pass
        return time.monotonic() - sent
    except TimeoutError:
        return None
    except ConnectionError:
        return time.monotonic() - sent
    finally:
        writer.close()


async def stalled_bodies(
    url: str, each: int, bound_s: float, token: str = ""
) -> list[float | None]:
    """`each` stalled requests of every kind at once (the API's also with the token)."""
    kinds = [*STALLED.values(), STALLED["api-no-token"]]
    tokens = ["", "", "", token]
    return list(
        await asyncio.gather(
            *(
                stalled_body(url, kind, bound_s, tok)
                for kind, tok in zip(kinds, tokens, strict=True)
                for _ in range(each)
            )
        )
    )


async def flood(url: str, duration_s: float, token: str) -> dict[str, Any]:
    """Rounds of bombs, forms and logins until duration_s has passed, stalled bodies
    opened meanwhile; answers counted by kind and status."""
    answered: Counter[str] = Counter()
    deadline = time.monotonic() + duration_s
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        stalled = asyncio.ensure_future(stalled_bodies(url, 5, 10.0, token))
        while time.monotonic() < deadline:
            rounds = await asyncio.gather(
                bombs(session, url, 20),
                oversized_forms(session, url, 20),
                failed_logins(session, url, 40),
            )
            for kind, statuses in zip(("bomb", "form", "login"), rounds, strict=True):
                answered.update(f"{kind}:{status}" for status in statuses)
        answered.update("stalled:" + ("held" if s is None else "dropped") for s in await stalled)
    return {"requests": sum(answered.values()), "answered": dict(sorted(answered.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--token", default="", help="ADMIN_TOKEN, for the API's stalled bodies")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(flood(args.url, args.duration, args.token))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
