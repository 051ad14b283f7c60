"""The casino's API over HTTP: the admin token, wallets, the cashier, blocking, ops routes."""

import pytest

from tests.support.client import LedgerClient, new_user

ROUTES = [
    ("GET", "/api/wallets/someone"),
    ("POST", "/api/wallets/someone/deposits"),
    ("POST", "/api/wallets/someone/withdrawals"),
    ("POST", "/api/players/someone/block"),
    ("POST", "/api/players/someone/unblock"),
    ("GET", "/api/no-such-route"),
    ("GET", "/api/payment/webhook/igpx/../../wallets/someone"),
    ("GET", "/api/payment/webhook/igpx/%2e%2e/%2e%2e/wallets/someone"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", "Basic dGVzdA==", "Bearer", "test-admin-token"]
)
async def test_every_api_route_needs_the_token(
    client: LedgerClient, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    async with client.session.request(method, client.base + path, headers=headers) as response:
        assert response.status == 401
        assert (await response.json())["error"] == "UNAUTHORIZED"


async def test_a_player_never_seen_reads_empty(client: LedgerClient) -> None:
    user = new_user()
    assert await client.wallet(user) == {"user_id": user, "blocked": False, "balances": {}}


async def test_deposit_is_idempotent_by_reference(client: LedgerClient) -> None:
    user = new_user()
    payload = {"currency": "EUR", "amount": "12.5", "reference": f"ref-{user}"}
    first = await client.api("POST", f"/api/wallets/{user}/deposits", payload)
    again = await client.api("POST", f"/api/wallets/{user}/deposits", payload)
    assert first == again
    assert first[0] == 200
    assert first[1]["balance"] == "12.50"
    assert (await client.wallet(user))["balances"] == {"EUR": "12.50"}


async def test_reference_reused_for_another_amount_is_a_conflict(client: LedgerClient) -> None:
    user = new_user()
    await client.api("POST", f"/api/wallets/{user}/deposits", {
        "currency": "USD", "amount": "1", "reference": f"r-{user}"
    })  # fmt: skip
    status, body = await client.api("POST", f"/api/wallets/{user}/deposits", {
        "currency": "USD", "amount": "2", "reference": f"r-{user}"
    })  # fmt: skip
    assert (status, body["error"]) == (409, "DUPLICATE_REFERENCE")


async def test_withdrawal_short_is_409_and_changes_nothing(client: LedgerClient) -> None:
    user = new_user()
    await client.deposit(user, "5.00")
    status, body = await client.api("POST", f"/api/wallets/{user}/withdrawals", {
        "currency": "USD", "amount": "5.01", "reference": f"w-{user}"
    })  # fmt: skip
    assert (status, body["error"]) == (409, "INSUFFICIENT_FUNDS")
    assert body["message"]
    status, body = await client.api("POST", f"/api/wallets/{user}/withdrawals", {
        "currency": "USD", "amount": "5.00", "reference": f"w2-{user}"
    })  # fmt: skip
    assert (status, body["balance"]) == (200, "0.00")


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"currency": "USD", "amount": "1"}, "INVALID_REQUEST"),
        ({"currency": "USD", "amount": "-1", "reference": "r"}, "INVALID_AMOUNT"),
        ({"currency": "USD", "amount": "0", "reference": "r"}, "INVALID_AMOUNT"),
        ({"currency": "USD", "amount": "1e3", "reference": "r"}, "INVALID_AMOUNT"),
        ({"currency": "USD", "amount": True, "reference": "r"}, "INVALID_REQUEST"),
        ({"currency": "BTC", "amount": "1", "reference": "r"}, "UNSUPPORTED_CURRENCY"),
        ([1, 2], "INVALID_REQUEST"),
    ],
)
async def test_bad_cashier_bodies_are_400_with_a_code(
    client: LedgerClient, payload: object, code: str
) -> None:
    user = new_user()
    status, body = await client.api("POST", f"/api/wallets/{user}/deposits", payload)
    assert (status, body["error"]) == (400, code)
    assert body["message"]
    assert await client.wallet(user) == {"user_id": user, "blocked": False, "balances": {}}


async def test_block_and_unblock_answer_the_wallet(client: LedgerClient) -> None:
    user = new_user()
    status, body = await client.api("POST", f"/api/players/{user}/block")
    assert (status, body["blocked"]) == (200, True)
    status, body = await client.api("POST", f"/api/players/{user}/unblock")
    assert (status, body["blocked"]) == (200, False)


async def test_ops_routes_need_no_token_and_reveal_no_balances(client: LedgerClient) -> None:
    for path in ("/healthz", "/readyz"):
        async with client.session.get(client.base + path) as response:
            assert response.status == 200
            assert "balance" not in await response.text()


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/api/no-such-route", 404, "NOT_FOUND"),
    ("DELETE", "/api/wallets/someone", 405, "METHOD_NOT_ALLOWED"),
])  # fmt: skip
async def test_api_errors_are_json_with_a_code(
    client: LedgerClient, method: str, path: str, status: int, code: str
) -> None:
    assert (await client.api(method, path))[0:1] == (status,)
    _, body = await client.api(method, path)
    assert body["error"] == code
    assert body["message"]
