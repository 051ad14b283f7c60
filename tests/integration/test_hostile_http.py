"""Hostile requests over HTTP, in-process on SQLite: what is refused from its headers alone
(encodings, declared sizes, a missing login, a source not allowed), the back office's
framing, caching and cookie headers, and 4xx, never 500, for malformed input."""

import asyncio
import gzip
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from adapters.store import StoreSettings
from domain.commands import Deposit
from service.app import create_app
from service.backoffice.access import COOKIE
from service.backoffice.throttle import Throttle
from service.keys import LEDGER, THROTTLE, USERS, WRITER
from service.settings import Secret, Settings
from service.variables import networks
from tests.integration.test_backoffice_http import csrf_of
from tests.support.callbacks import CALLBACK_PATH, sign

ClientMaker = Callable[[web.Application], Awaitable[TestClient]]  # type: ignore[type-arg]
HASH, TOKEN = "hostile-hash-0123456789", "hostile-token-0123456789"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
PASSWORD = "ada-admin-password-1"
TX = f"{CALLBACK_PATH}/transaction"


def settings(folder: Path, **env: str) -> Settings:
    return Settings(
        store=StoreSettings(url=f"sqlite:///{folder}/ledger.sqlite3", pool_size=4),
        security_hash=Secret(HASH),
        admin_token=Secret(TOKEN),
        backoffice_secret=Secret("hostile-backoffice-secret"),
        error_record=str(folder / "record"),
        trusted_proxies=networks(env, "TRUSTED_PROXIES"),
        callback_allowed_ips=networks(env, "CALLBACK_ALLOWED_IPS"),
    )


async def started(folder: Path, maker: ClientMaker, **env: str) -> TestClient:  # type: ignore[type-arg]
    app = create_app(settings(folder, **env))
    client = await maker(app)
    app[USERS].add("ada", "admin", PASSWORD)
    await app[WRITER].submit(Deposit("fund-p1", "p1", "USD", Decimal("50.00")))
    return client


@pytest.fixture
async def bo(tmp_path: Path, aiohttp_client: ClientMaker) -> TestClient:  # type: ignore[type-arg]
    return await started(tmp_path, aiohttp_client)


@pytest.fixture
async def behind_proxy(tmp_path: Path, aiohttp_client: ClientMaker) -> TestClient:  # type: ignore[type-arg]
    """The server as HAProxy's backend: the test client is the trusted proxy."""
    env = {"TRUSTED_PROXIES": "127.0.0.1", "CALLBACK_ALLOWED_IPS": "203.0.113.0/24"}
    return await started(tmp_path, aiohttp_client, **env)


async def raw(client: TestClient, request: bytes, wait_s: float = 3.0) -> bytes:  # type: ignore[type-arg]
    """Send raw bytes (maybe only a head), and read what comes back within wait_s."""
    assert client.server.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), wait_s)
    finally:
        writer.close()


def balance(client: TestClient, user: str = "p1") -> Decimal:  # type: ignore[type-arg]
    player = client.app[LEDGER].player(user)
    return player.balance("USD") if player else Decimal(0)


def bet(tx: str, amount: str = "5.00") -> bytes:
    fields = {"transaction_id": tx, "action": "bet", "user_id": "p1", "currency": "USD"}
    return orjson.dumps(fields | {"amount": amount})


BOMB = gzip.compress(b"username=x&password=" + b"A" * (8 * 1024 * 1024), 9)


@pytest.mark.parametrize(
    "path", ["/backoffice/login", "/backoffice/players/p1/block", "/backoffice/reconciliation"]
)
async def test_a_gzip_bomb_to_the_back_office_is_refused_and_never_inflated(
    bo: TestClient,  # type: ignore[type-arg]
    path: str,
) -> None:
    assert len(BOMB) < 64 * 1024  # eight MiB once inflated
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/x-www-form-urlencoded"}
    answer = await bo.post(path, data=BOMB, headers=headers)
    assert answer.status == 415
    assert answer.headers["X-Frame-Options"] == "DENY" or path  # refused before the pages


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "identity, gzip"])
async def test_an_encoded_api_body_is_415_json(bo: TestClient, encoding: str) -> None:  # type: ignore[type-arg]
    body = orjson.dumps({"currency": "USD", "amount": "1.00", "reference": "r1"})
    headers = ADMIN | {"Content-Encoding": encoding}
    answer = await bo.post("/api/wallets/p1/deposits", data=body, headers=headers)
    assert answer.status == 415
    assert (await answer.json())["error"] == "UNSUPPORTED_MEDIA_TYPE"
    assert balance(bo) == Decimal("50.00")


async def test_a_callback_naming_two_encodings_is_refused_and_never_decoded(
    bo: TestClient,  # type: ignore[type-arg]
) -> None:
    # aiohttp would have decoded by the last header; the check looked at the first one.
    body = bet("two-encodings")
    for signed_over in (body, gzip.compress(body)):
        head = (
            f"POST {TX} HTTP/1.1\r\nHost: x\r\nContent-Encoding: identity\r\n"
            f"Content-Encoding: gzip\r\nX-Security-Hash: {sign(signed_over, HASH)}\r\n"
            f"Content-Length: {len(gzip.compress(body))}\r\nConnection: close\r\n\r\n"
        ).encode()
        assert client_port(bo)
        reader, writer = await asyncio.open_connection("127.0.0.1", client_port(bo))
        writer.write(head + gzip.compress(body))
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 200 ")
        assert orjson.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"error": "INVALID_REQUEST"}
    assert balance(bo) == Decimal("50.00")


def client_port(client: TestClient) -> int:  # type: ignore[type-arg]
    assert client.server.port is not None
    return client.server.port


@pytest.mark.parametrize(
    "path", ["/backoffice/login", "/backoffice/players/p1/block", "/api/wallets/p1/deposits"]
)
async def test_a_body_over_the_routes_cap_is_refused_before_it_is_sent(
    bo: TestClient,  # type: ignore[type-arg]
    path: str,
) -> None:
    # Only the head is sent: an answer proves nothing waited for (or read) the body.
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
    declared = 16 * 1024 + 1 if path.startswith("/backoffice") else 64 * 1024 + 1
    answer = await raw(bo, (head + f"Content-Length: {declared}\r\n\r\n").encode())
    assert answer.startswith(b"HTTP/1.1 413 "), answer


async def test_a_form_under_the_cap_is_read_as_before(bo: TestClient) -> None:  # type: ignore[type-arg]
    page = await bo.get("/backoffice/login")
    form = {"username": "ada", "password": PASSWORD, "csrf": csrf_of(await page.text())}
    answer = await bo.post("/backoffice/login", data=form | {"pad": "x" * 15_000})
    assert answer.status == 200
    assert answer.url.path == "/backoffice/"


async def test_a_post_without_a_login_is_refused_before_its_body_arrives(
    bo: TestClient,  # type: ignore[type-arg]
) -> None:
    head = (
        b"POST /backoffice/players/p1/block HTTP/1.1\r\nHost: x\r\nContent-Length: 9000\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
    )
    assert (await raw(bo, head)).startswith(b"HTTP/1.1 403 ")


async def test_a_chunked_form_is_refused_for_want_of_a_length(bo: TestClient) -> None:  # type: ignore[type-arg]
    head = b"POST /backoffice/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    assert (await raw(bo, head + b"5\r\nhello\r\n")).startswith(b"HTTP/1.1 411 ")


@pytest.mark.parametrize(
    "path", ["/backoffice/login", "/backoffice/", "/backoffice/nowhere", "/backoffice/players/p1"]
)
async def test_back_office_answers_are_never_framed_nor_cached(bo: TestClient, path: str) -> None:  # type: ignore[type-arg]
    answer = await bo.get(path, allow_redirects=False)
    assert answer.headers["X-Frame-Options"] == "DENY", answer.status
    assert answer.headers["Cache-Control"] == "no-store"


async def log_in(client: TestClient, headers: dict[str, str]) -> str:  # type: ignore[type-arg]
    """Log in as ada; the session cookie's Set-Cookie header."""
    page = await client.get("/backoffice/login", headers=headers)
    form = {"username": "ada", "password": PASSWORD, "csrf": csrf_of(await page.text())}
    answer = await client.post(
        "/backoffice/login", data=form, headers=headers, allow_redirects=False
    )
    assert answer.status == 303
    return next(h for h in answer.headers.getall("Set-Cookie") if h.startswith(f"{COOKIE}="))


async def session_cookie(client: TestClient, headers: dict[str, str]) -> list[str]:  # type: ignore[type-arg]
    """The attributes of the session cookie the login page sets for a new visitor."""
    client.session.cookie_jar.clear()
    page = await client.get("/backoffice/login", headers=headers)
    cookie = next(h for h in page.headers.getall("Set-Cookie") if h.startswith(f"{COOKIE}="))
    return cookie.lower().replace(" ", "").split(";")


async def test_the_session_cookie_is_secure_behind_a_trusted_tls_proxy(
    behind_proxy: TestClient,  # type: ignore[type-arg]
) -> None:
    assert "secure" in await session_cookie(behind_proxy, {"X-Forwarded-Proto": "https"})
    assert "secure" not in await session_cookie(behind_proxy, {"X-Forwarded-Proto": "http"})
    assert "httponly" in await session_cookie(behind_proxy, {})


async def test_x_forwarded_proto_from_anyone_else_changes_nothing(bo: TestClient) -> None:  # type: ignore[type-arg]
    assert "secure" not in await session_cookie(bo, {"X-Forwarded-Proto": "https"})
    assert "secure" not in (await log_in(bo, {"X-Forwarded-Proto": "https"})).lower()


async def test_a_callback_from_a_source_not_allowed_is_403_and_recorded_nowhere(
    behind_proxy: TestClient,  # type: ignore[type-arg]
) -> None:
    body = bet("from-elsewhere")
    for forwarded in ({}, {"X-Forwarded-For": "198.51.100.9"}):
        headers = {"X-Security-Hash": sign(body, HASH)} | forwarded
        answer = await behind_proxy.post(TX, data=body, headers=headers)
        assert answer.status == 403
    assert balance(behind_proxy) == Decimal("50.00")
    assert behind_proxy.app[LEDGER].player("p1") is not None
    allowed = {"X-Security-Hash": sign(body, HASH), "X-Forwarded-For": "203.0.113.7"}
    answer = await behind_proxy.post(TX, data=body, headers=allowed)
    assert (answer.status, (await answer.json())["error"]) == (200, None)  # a new id: not seen
    assert balance(behind_proxy) == Decimal("45.00")


async def test_a_callback_source_is_never_taken_from_an_untrusted_header(
    tmp_path: Path,
    aiohttp_client: ClientMaker,
) -> None:
    client = await started(tmp_path, aiohttp_client, CALLBACK_ALLOWED_IPS="203.0.113.0/24")
    body = bet("spoofed")
    headers = {"X-Security-Hash": sign(body, HASH), "X-Forwarded-For": "203.0.113.7"}
    assert (await client.post(TX, data=body, headers=headers)).status == 403
    assert balance(client) == Decimal("50.00")


async def test_an_authorization_header_that_is_not_utf8_is_401(bo: TestClient) -> None:  # type: ignore[type-arg]
    request = b"GET /api/wallets/p1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n\r\n"
    assert (await raw(bo, request)).startswith(b"HTTP/1.1 401 ")


async def test_a_report_reaching_before_year_one_is_400_not_500(bo: TestClient) -> None:  # type: ignore[type-arg]
    await log_in(bo, {})
    for query in ("to=0001-01-05", "from=0001-01-01&to=0001-01-05", "to=9999-12-31"):
        for route in ("/backoffice/reports", "/backoffice/reports.csv"):
            answer = await bo.get(f"{route}?{query}")
            assert answer.status in (200, 400), (route, query, answer.status)


async def test_parallel_wrong_guesses_wait_their_turns_like_serial_ones(
    tmp_path: Path,
    aiohttp_client: ClientMaker,
) -> None:
    app = create_app(settings(tmp_path))
    app[THROTTLE] = Throttle(free=1, first_delay_s=0.2)  # 0, 0.2, 0.4, 0.8, 1.6 s
    client = await aiohttp_client(app)
    page = await client.get("/backoffice/login")
    form = {"username": "ada", "password": "wrong-password-x", "csrf": csrf_of(await page.text())}
    begun = time.monotonic()
    answers = await asyncio.gather(*(client.post("/backoffice/login", data=form) for _ in range(5)))
    assert [a.status for a in answers] == [401] * 5
    assert app[THROTTLE].count("name:ada") == 5
    assert time.monotonic() - begun >= 0.2 + 0.4 + 0.8 + 1.6  # the sum, not the largest
