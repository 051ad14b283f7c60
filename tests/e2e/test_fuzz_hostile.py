"""Hostile requests built byte by byte (a client library would refuse to send most of them)
against the real aiohttp app on an SQLite file: any route, path parameter, query, header
(Authorization not UTF-8, any Content-Encoding, duplicated) and body (nested JSON,
garbage). Nothing is a 500, and under /api/ every refusal is JSON with its code."""

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import pytest
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.store import StoreSettings
from service.app import create_app
from service.keys import USERS
from service.settings import Secret, Settings
from tests.support.callbacks import ADMIN_TOKEN, SECRET

Client = TestClient[Any, Any]
FUZZ = settings(
    derandomize=True,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PASSWORD = "fuzz-admin-password-1"
ROUTES = [
    ("GET", "/api/wallets/{user_id}"),
    ("POST", "/api/wallets/{user_id}/deposits"),
    ("POST", "/api/wallets/{user_id}/withdrawals"),
    ("POST", "/api/players/{user_id}/block"),
    ("GET", "/api/players/{user_id}/limits"),
    ("PUT", "/api/players/{user_id}/limits"),
    ("POST", "/api/players/{user_id}/self-exclusion"),
    ("POST", "/api/sportsbook/sessions"),
    ("GET", "/api/audit/events"),
    ("GET", "/api/audit/players/{user_id}/events"),
    ("GET", "/api/audit/transactions/{user_id}"),
    ("GET", "/api/reports/daily"),
    ("POST", "/api/reconciliations"),
    ("GET", "/api/reconciliations/{user_id}"),
    ("GET", "/backoffice/"),
    ("GET", "/backoffice/players"),
    ("GET", "/backoffice/players/{user_id}"),
    ("GET", "/backoffice/players/{user_id}/limits.csv"),
    ("GET", "/backoffice/transactions"),
    ("GET", "/backoffice/transactions/{user_id}"),
    ("GET", "/backoffice/reports"),
    ("GET", "/backoffice/reports.csv"),
    ("GET", "/backoffice/integrity"),
    ("POST", "/backoffice/login"),
    ("POST", "/backoffice/players/{user_id}/deposit"),
    ("GET", "/metrics"),
]
PARAMS = ("from", "to", "at", "after", "limit", "cursor", "currency", "user_id", "id", "q")
ENCODINGS = ("identity", "gzip", "identity, gzip", "br", "", "x" * 300)

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
dates = st.builds(
    "{:04d}-{:02d}-{:02d}".format,
    st.sampled_from([1, 2, 1970, 2026, 9999, 10000]),
    st.integers(0, 13),
    st.integers(0, 32),
)
values = st.one_of(texts, dates, st.integers(-(2**70), 2**70).map(str), st.just("0001-01-05"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts | dates,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=12,
)
KEYS = ("currency", "amount", "reference", "kind", "period", "until", "reason", "user_id", "lang")
objects = st.dictionaries(st.sampled_from(KEYS) | texts, json_values, max_size=6)
bodies = st.one_of(
    objects.map(orjson.dumps),
    st.binary(max_size=200),
    st.integers(1, 3000).map(lambda n: b'{"amount":' + b"[" * n + b"]" * n + b"}"),
    st.builds(lambda d: f"username={quote(d)}&password=x&csrf=y".encode(), texts),
)
# What a header value may hold (RFC 9110: visible ASCII, space, tab, and obs-text, the bytes
# from 0x80 that are no UTF-8); anything else is refused by aiohttp's parser, before the app.
field_bytes = st.binary(max_size=40).map(
    lambda b: bytes(c for c in b if c == 9 or 32 <= c < 127 or c >= 128)
)
authorizations = st.one_of(
    st.just(f"Bearer {ADMIN_TOKEN}".encode()),
    field_bytes,
    field_bytes.map(lambda b: b"Bearer " + b),
)


@st.composite
def requests(draw: st.DrawFn, cookie: str) -> tuple[str, bytes]:
    """(path, the whole request's bytes)."""
    method, route = draw(st.sampled_from(ROUTES))
    path = route.replace("{user_id}", quote(draw(texts) or "p1", safe=""))
    query = draw(st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=3))
    if query:
        path += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query)
    body = draw(bodies) if method != "GET" else b""
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: ledger", b"Connection: close"]
    lines.append(b"Authorization: " + draw(authorizations))
    for encoding in draw(st.lists(st.sampled_from(ENCODINGS), max_size=2)):
        lines.append(f"Content-Encoding: {encoding}".encode())
    lines += [f"Cookie: {cookie}".encode(), f"Content-Length: {len(body)}".encode()]
    return path, b"\r\n".join(lines) + b"\r\n\r\n" + body


async def exchange(port: int, request: bytes) -> tuple[int, bytes]:
    """Send the raw request; the status and body that came back (0: no answer at all)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = re.match(rb"HTTP/1\.[01] (\d{3}) ", head)
    return (int(status.group(1)) if status else 0), body


@pytest.fixture
async def client(
    aiohttp_client: Callable[[Any], Awaitable[Client]], tmp_path: Path
) -> tuple[Client, str]:
    """The app, and an admin's session cookie for it."""
    config = Settings(
        store=StoreSettings(f"sqlite:///{tmp_path}/fuzz.sqlite3"),
        security_hash=Secret(SECRET),
        admin_token=Secret(ADMIN_TOKEN),
        error_record=str(tmp_path / "record"),
    )
    app = create_app(config)
    client = await aiohttp_client(app)
    app[USERS].add("fuzz", "admin", PASSWORD)
    return client, await logged_in_cookie(client)


async def logged_in_cookie(client: Client) -> str:
    """An admin's session cookie, so the fuzzed pages are the real ones, not the login."""
    page = await client.get("/backoffice/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf
    form = {"username": "fuzz", "password": PASSWORD, "csrf": csrf.group(1)}
    answer = await client.post("/backoffice/login", data=form, allow_redirects=False)
    assert answer.status == 303
    return "; ".join(f"{k}={v.value}" for k, v in answer.cookies.items())


@given(data=st.data())
@FUZZ
async def test_nothing_a_client_sends_is_a_500_and_api_refusals_are_json(
    client: tuple[Client, str], data: st.DataObject
) -> None:
    app, cookie = client
    assert app.server.port is not None
    path, request = data.draw(requests(cookie), label="request")
    status, body = await exchange(app.server.port, request)
    assert 200 <= status < 500 or (status == 503 and "sessions" in path), (status, body[:300])
    if path.startswith("/api/") and status >= 400:
        assert "error" in orjson.loads(body), body[:300]
