"""The auditor's and finance's routes, metrics and the OpenAPI document, over HTTP."""

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from service.settings import Settings
from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id, new_user


async def story(client: LedgerClient, user: str) -> dict[str, str]:
    """A bet rolled back, a declined bet, a rollback of an unseen id, a late bet."""
    await client.deposit(user, "10.00")
    ids = {k: new_id(k) for k in ("bet", "rb", "short", "rb2", "late")}
    await client.callback(cb.bet(ids["bet"], user, "4.00"))
    await client.callback(cb.rollback(ids["rb"], ids["bet"], user, "4.00"))
    await client.callback(cb.bet(ids["short"], user, "99.00"))
    await client.callback(cb.rollback(ids["rb2"], ids["late"], user, "1.00"))
    await client.callback(cb.bet(ids["late"], user, "1.00"))
    return ids


async def entry(client: LedgerClient, any_id: str) -> dict[str, object]:
    status, body = await client.audit_entry(any_id)
    assert status == 200, body
    return dict(body)


async def test_an_entry_by_either_id_tells_its_whole_story(client: LedgerClient) -> None:
    user = new_user()
    ids = await story(client, user)
    bet = await entry(client, ids["bet"])
    assert bet == await entry(client, str(bet["client_transaction_id"]))
    assert (bet["action"], bet["status"], bet["rolled_back_by"]) == ("bet", "applied", ids["rb"])
    assert (bet["amount"], bet["user_id"], bet["error"]) == ("4.00", user, None)
    assert isinstance(bet["position"], int)
    assert datetime.fromisoformat(str(bet["recorded_at"])).tzinfo is not None
    rollback = await entry(client, ids["rb"])
    assert (rollback["rollback_of"], rollback["status"]) == (ids["bet"], "applied")
    short = await entry(client, ids["short"])
    assert (short["status"], short["error"]) == ("declined", "INSUFFICIENT_FUNDS")
    late = await entry(client, ids["late"])
    assert (late["status"], late["error"], late["rolled_back_by"]) == (
        "declined",
        "TRANSACTION_ROLLED_BACK",
        ids["rb2"],
    )
    assert (await entry(client, ids["rb2"]))["status"] == "recorded"


async def test_a_cashier_reference_is_audited_like_a_transaction_id(
    client: LedgerClient,
) -> None:
    user, reference = new_user(), new_id("cashier")
    payload = {"currency": "USD", "amount": "7.50", "reference": reference}
    assert (await client.api("POST", f"/api/wallets/{user}/deposits", payload))[0] == 200
    payload |= {"amount": "2.25", "reference": reference + "-out"}
    assert (await client.api("POST", f"/api/wallets/{user}/withdrawals", payload))[0] == 200
    deposit = await entry(client, reference)
    assert (deposit["reference"], deposit["action"], deposit["amount"]) == (
        reference, "deposit", "7.50",
    )  # fmt: skip
    assert (deposit["user_id"], deposit["status"], deposit["balance_after"]) == (
        user, "applied", "7.50",
    )  # fmt: skip
    assert deposit == await entry(client, str(deposit["client_transaction_id"]))
    withdrawal = await entry(client, reference + "-out")
    assert (withdrawal["action"], withdrawal["balance_after"]) == ("withdraw", "5.25")


async def test_an_unknown_id_is_404(client: LedgerClient) -> None:
    status, body = await client.audit_entry(new_id())
    assert (status, body["error"]) == (404, "NOT_FOUND")


async def test_a_players_events_page_with_positions_and_balances(client: LedgerClient) -> None:
    user = new_user()
    await story(client, user)
    status, body = await client.api("GET", f"/api/audit/players/{user}/events?limit=3")
    assert status == 200
    assert [e["type"] for e in body["events"]] == [
        "Player.Opened",
        "Player.Deposited",
        "Player.BetDebited",
    ]
    assert body["more"] is True
    _, rest = await client.api(
        "GET", f"/api/audit/players/{user}/events?after={body['next_after']}"
    )
    assert [e["type"] for e in rest["events"]] == ["Player.RollbackApplied"]
    assert rest["events"][0]["balance_after"] == "10.00"


async def test_the_whole_ledger_pages_stably_under_concurrent_writes(client: LedgerClient) -> None:
    user = new_user()
    await client.deposit(user, "100.00")
    writes = asyncio.gather(*(client.callback(cb.bet(new_id(), user, "0.01")) for _ in range(60)))
    seen: list[int] = []
    after = 0
    for _ in range(200):
        _, body = await client.api("GET", f"/api/audit/events?after={after}&limit=25")
        seen += [e["position"] for e in body["events"]]
        after = body["next_after"]
        if not body["more"] and writes.done():
            break
    await writes
    _, body = await client.api("GET", f"/api/audit/events?after={after}&limit=1000")
    seen += [e["position"] for e in body["events"]]
    assert seen == list(range(1, len(seen) + 1))


async def test_bad_page_parameters_are_400(client: LedgerClient) -> None:
    for query in ("limit=0", "limit=5000", "after=-1", "after=x"):
        status, body = await client.api("GET", f"/api/audit/events?{query}")
        assert (status, body["error"]) == (400, "INVALID_REQUEST")


async def test_balance_at_a_position_and_a_time(client: LedgerClient) -> None:
    user = new_user()
    await client.deposit(user, "10.00")
    _, events = await client.api("GET", f"/api/audit/players/{user}/events")
    funded_at = events["events"][-1]["position"]
    await asyncio.sleep(0.01)
    between = datetime.now(UTC).isoformat()
    await client.callback(cb.bet(new_id(), user, "3.00"))
    _, then = await client.api("GET", f"/api/wallets/{user}?at={funded_at}")
    assert then["balances"] == {"USD": "10.00"}
    _, then = await client.api("GET", f"/api/wallets/{user}?at={between.replace('+', '%2B')}")
    assert then["balances"] == {"USD": "10.00"}
    assert await client.balance(user) == Decimal("7.00")
    status, body = await client.api("GET", f"/api/wallets/{user}?at=yesterday")
    assert (status, body["error"]) == (400, "INVALID_REQUEST")


async def test_daily_report_for_today(client: LedgerClient) -> None:
    user = new_user()
    await client.deposit(user, "10.00", currency="GBP")
    bet_id = new_id()
    await client.callback(cb.bet(bet_id, user, "4.00", "GBP"))
    await client.callback(cb.result(new_id(), user, "1.50", "GBP"))
    today = datetime.now(UTC).date().isoformat()
    status, body = await client.api(
        "GET", f"/api/reports/daily?from={today}&to={today}&currency=GBP"
    )
    assert status == 200
    (row,) = body["days"]
    assert (row["stakes"], row["payouts"]) == ("4.00", "1.50")
    assert row["ggr"] == "2.50"
    # Today is not closed: its closing link could still change, so none is published yet.
    assert row["closing_link"] is None
    status, _ = await client.api("GET", "/api/reports/daily?from=today")
    assert status == 400


async def test_metrics_parse_and_move_as_callbacks_arrive(client: LedgerClient) -> None:
    async def bets_ok() -> float:
        async with client.session.get(client.base + "/metrics") as response:
            text = await response.text()
        families = {f.name: f for f in text_string_to_metric_families(text)}
        assert "ledger_projection_lag_events" in families
        assert "ledger_callback_duration_seconds" in families
        assert "balance" not in text
        return sum(
            s.value
            for s in families["ledger_callbacks"].samples
            if s.labels == {"action": "bet", "outcome": "ok"} and s.name.endswith("_total")
        )

    before = await bets_ok()
    user = new_user()
    await client.deposit(user, "5.00")
    await client.callback(cb.bet(new_id(), user, "1.00"))
    assert await bets_ok() == before + 1


async def test_openapi_lists_exactly_the_routes_served(client: LedgerClient) -> None:
    status, document = await client.api("GET", "/api/openapi.json")
    assert status == 200
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    app = create_app(Settings.from_env({"IGPX_SECURITY_HASH": "x" * 16, "ADMIN_TOKEN": "y" * 16}))
    served = {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.method != "HEAD"
        and route.resource is not None
        # the back office's pages are HTML for people, not the machine API
        and not route.resource.canonical.startswith("/backoffice")
        and route.resource.canonical != "/"
    }
    assert served == documented
