"""Defects found in the seams between modules, each pinned by a test that failed before its fix:
encoded bodies, the token guard's exemption, parameters no route may answer 500 for."""

import gzip
from decimal import Decimal
from urllib.parse import quote

import pytest

from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id, new_user


async def test_a_gzip_body_signed_as_sent_is_invalid_request_and_moves_nothing(
    client: LedgerClient,
) -> None:
    user = new_user()
    await client.deposit(user, "10.00")
    sent = gzip.compress(cb.body_of(**cb.bet(new_id(), user, "4.00")))
    headers = {"X-Security-Hash": cb.sign(sent), "Content-Encoding": "gzip"}
    assert await client.post(cb.route_of(cb.bet("x", user)), sent, headers) == (
        200,
        {"error": "INVALID_REQUEST"},
    )
    assert await client.balance(user) == Decimal("10.00")


async def test_a_gzip_body_signed_over_its_decoded_bytes_is_refused_too(
    client: LedgerClient,
) -> None:
    user = new_user()
    await client.deposit(user, "10.00")
    plain = cb.body_of(**cb.bet(new_id(), user, "4.00"))
    headers = {"X-Security-Hash": cb.sign(plain), "Content-Encoding": "gzip"}
    status, answer = await client.post(
        cb.route_of(cb.bet("x", user)), gzip.compress(plain), headers
    )
    assert (status, answer) == (200, {"error": "INVALID_REQUEST"})
    assert await client.balance(user) == Decimal("10.00")


async def test_an_api_body_with_a_content_encoding_is_415(client: LedgerClient) -> None:
    body = gzip.compress(b'{"currency": "USD", "amount": "1.00", "reference": "gz"}')
    headers = {"Authorization": f"Bearer {cb.ADMIN_TOKEN}", "Content-Encoding": "gzip"}
    url = f"{client.base}/api/wallets/{new_user()}/deposits"
    async with client.session.post(url, data=body, headers=headers) as response:
        assert response.status == 415  # refused on every route, before the token is checked
        assert (await response.json())["error"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_the_token_guard_exempts_exactly_the_callback_routes(client: LedgerClient) -> None:
    for leaf in ("/anything", "/transaction/x", "/transaction-rollback/x"):
        url = f"{client.base}{cb.CALLBACK_PATH}{leaf}"
        async with client.session.get(url) as response:
            assert response.status == 401, leaf


HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (f"/api/audit/events?after={HUGE}", "after"),
        (f"/api/audit/events?limit={HUGE}", "limit"),
        (f"/api/audit/players/p1/events?after={HUGE}", "after"),
        (f"/api/wallets/p1?at={HUGE}", "at"),
        ("/api/wallets/p1?at=%00", "at"),
        (f"/api/audit/transactions/{quote(chr(0))}", "id"),
        (f"/api/audit/transactions/{'x' * 300}", "id"),
        (f"/api/audit/players/{quote(chr(0))}/events", "user_id"),
        (f"/api/reports/daily?from=2026-01-01&to=2026-01-02&currency={quote(chr(0))}", "currency"),
        ("/api/reports/daily?from=2026-01-01&to=2026-13-02", "to"),
    ],
)
async def test_no_read_route_answers_500_for_what_a_client_sent(
    client: LedgerClient, path: str, parameter: str
) -> None:
    status, body = await client.api("GET", path)
    assert status == 400, body
    assert body["error"] == "INVALID_REQUEST"
    assert parameter in body["message"]


async def test_an_id_longer_than_a_request_line_is_refused_by_the_server(
    client: LedgerClient,
) -> None:
    headers = {"Authorization": f"Bearer {cb.ADMIN_TOKEN}"}
    url = f"{client.base}/api/audit/transactions/{'x' * 10_000}"
    async with client.session.get(url, headers=headers) as response:
        assert 400 <= response.status < 500
