"""The back office over HTTP, in-process on SQLite: logins, sessions, CSRF, roles, and pages
that answer every id without a 500."""

import base64
import hashlib
import re
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from cryptography.fernet import Fernet

from adapters.store import StoreSettings
from domain.commands import Deposit, PlaceBet, SettleInDoubt
from service.app import create_app
from service.backoffice import reconciliation
from service.backoffice.access import COOKIE
from service.keys import LEDGER, USERS, WRITER
from service.settings import Secret, Settings

ClientMaker = Callable[[web.Application], Awaitable[TestClient]]  # type: ignore[type-arg]
SECRET = "backoffice-test-secret-8c1f"
PASSWORDS = {"ada": "ada-admin-password-1", "otto": "otto-auditor-password-2"}


def settings(folder: Path) -> Settings:
    return Settings(
        store=StoreSettings(url=f"sqlite:///{folder}/ledger.sqlite3", pool_size=4),
        security_hash=Secret("s" * 16),
        admin_token=Secret("a" * 16),
        backoffice_secret=Secret(SECRET),
        error_record=f"{folder}/error-record.log",
    )


@pytest.fixture
async def bo(tmp_path: Path, aiohttp_client: ClientMaker) -> TestClient:  # type: ignore[type-arg]
    app = create_app(settings(tmp_path))
    client = await aiohttp_client(app)
    users = app[USERS]
    users.add("ada", "admin", PASSWORDS["ada"])
    users.add("otto", "auditor", PASSWORDS["otto"])
    writer = app[WRITER]
    await writer.submit(Deposit("fund-p1", "p1", "USD", Decimal("50.00")))
    await writer.submit(PlaceBet("bet-1", "p1", "USD", Decimal("5.00")))
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


async def log_in(client: TestClient, name: str, password: str | None = None) -> str:  # type: ignore[type-arg]
    """Log in through the form; the CSRF token of the new session."""
    page = await client.get("/backoffice/login")
    form = {
        "username": name,
        "password": password or PASSWORDS[name],
        "csrf": csrf_of(await page.text()),
    }
    answer = await client.post("/backoffice/login", data=form)
    return csrf_of(await answer.text()) if answer.status == 200 else ""


async def blocked(client: TestClient, user: str = "p1") -> bool:  # type: ignore[type-arg]
    return bool((p := client.app[LEDGER].player(user)) and p.blocked)


async def test_root_redirects_to_the_back_office_and_it_asks_for_a_login(bo: TestClient) -> None:  # type: ignore[type-arg]
    answer = await bo.get("/")
    assert answer.status == 200
    assert answer.url.path == "/backoffice/login"
    assert 'for="username"' in await answer.text()


async def test_the_session_cookie_is_httponly_strict_and_expires(bo: TestClient) -> None:  # type: ignore[type-arg]
    page = await bo.get("/backoffice/login")
    form = {"username": "otto", "password": PASSWORDS["otto"], "csrf": csrf_of(await page.text())}
    answer = await bo.post("/backoffice/login", data=form, allow_redirects=False)
    assert answer.status == 303
    header = answer.headers.getall("Set-Cookie")[-1]
    assert header.startswith(f"{COOKIE}=")
    attributes = {a.strip().split("=")[0].lower(): a for a in header.split(";")[1:]}
    assert "httponly" in attributes
    assert attributes["samesite"].strip().lower() == "samesite=strict"
    assert "max-age" in attributes or "expires" in attributes
    assert attributes["path"].strip() == "Path=/backoffice"


async def test_a_wrong_password_does_not_log_in(bo: TestClient) -> None:  # type: ignore[type-arg]
    assert await log_in(bo, "ada", "not-her-password") == ""
    answer = await bo.get("/backoffice/players/p1")
    assert answer.url.path == "/backoffice/login"


async def test_an_unknown_name_does_not_log_in(bo: TestClient) -> None:  # type: ignore[type-arg]
    assert await log_in(bo, "nobody", "whatever-password") == ""


async def test_failed_logins_are_slowed_down(bo: TestClient) -> None:  # type: ignore[type-arg]
    for _ in range(4):
        await log_in(bo, "ada", "wrong-password-here")
    started = time.monotonic()
    await log_in(bo, "ada", "wrong-password-here")
    assert time.monotonic() - started >= 1.9


async def test_a_logged_in_auditor_reads_the_player_page(bo: TestClient) -> None:  # type: ignore[type-arg]
    await log_in(bo, "otto")
    answer = await bo.get("/backoffice/players/p1")
    html = await answer.text()
    assert answer.status == 200
    assert "45.00" in html
    assert "BetDebited" in html
    assert 'id="admin-controls"' not in html


@pytest.mark.parametrize("cookie", ["forged", "expired"])
async def test_a_forged_or_expired_cookie_is_the_login_page(bo: TestClient, cookie: str) -> None:  # type: ignore[type-arg]
    if cookie == "forged":
        value = Fernet(Fernet.generate_key()).encrypt(b'{"session": {"user": "ada"}}').decode()
    else:
        key = base64.urlsafe_b64encode(hashlib.sha256(SECRET.encode()).digest())
        old = int(time.time()) - 7200
        value = (
            Fernet(key)
            .encrypt_at_time(b'{"created": 1, "session": {"user": "ada", "since": 1}}', old)
            .decode()
        )
    bo.session.cookie_jar.update_cookies({COOKIE: value})
    answer = await bo.get("/backoffice/players/p1")
    assert answer.status == 200
    assert answer.url.path == "/backoffice/login"


async def test_a_form_without_its_csrf_token_is_403_and_changes_nothing(bo: TestClient) -> None:  # type: ignore[type-arg]
    token = await log_in(bo, "ada")
    assert token
    for sent in ({}, {"csrf": "not-the-token"}):
        answer = await bo.post("/backoffice/players/p1/block", data={"reason": "x", **sent})
        assert answer.status == 403
    assert not await blocked(bo)


async def test_an_auditors_post_to_an_admin_action_is_403_and_changes_nothing(
    bo: TestClient,
) -> None:  # type: ignore[type-arg]
    token = await log_in(bo, "otto")
    for action, form in (
        ("block", {"reason": "r"}),
        ("deposit", {"reason": "r", "amount": "5.00", "currency": "USD", "reference": "r1"}),
    ):
        answer = await bo.post(f"/backoffice/players/p1/{action}", data={"csrf": token, **form})
        assert answer.status == 403
    assert not await blocked(bo)
    assert client_balance(bo) == Decimal("45.00")


def client_balance(client: TestClient, user: str = "p1") -> Decimal:  # type: ignore[type-arg]
    return client.app[LEDGER].player(user).balance("USD")


async def test_an_admin_blocks_and_deposits_with_a_reason_the_audit_names(bo: TestClient) -> None:  # type: ignore[type-arg]
    token = await log_in(bo, "ada")
    answer = await bo.post(
        "/backoffice/players/p1/block", data={"csrf": token, "reason": "chargeback"}
    )
    assert answer.status == 200
    assert await blocked(bo)
    form = {"csrf": token, "reason": "goodwill, ticket 7", "amount": "2.50", "currency": "USD",
            "reference": "bo-ref-1"}  # fmt: skip
    await bo.post("/backoffice/players/p1/deposit", data=form)
    await bo.post("/backoffice/players/p1/deposit", data=form)  # a double submit moves it once
    assert client_balance(bo) == Decimal("47.50")
    events = await _events(bo)
    manual = [e for e in events if e["type"].endswith(("Blocked", "Deposited")) and e.get("actor")]
    assert [(e["actor"], e["reason"]) for e in manual] == [
        ("ada", "chargeback"), ("ada", "goodwill, ticket 7"),
    ]  # fmt: skip
    page = await (await bo.get("/backoffice/players/p1")).text()
    assert "goodwill, ticket 7" in page
    assert "chargeback" in page


async def test_a_reason_is_required(bo: TestClient) -> None:  # type: ignore[type-arg]
    token = await log_in(bo, "ada")
    await bo.post("/backoffice/players/p1/block", data={"csrf": token, "reason": "  "})
    assert not await blocked(bo)


async def _events(client: TestClient) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    answer = await client.get(
        "/api/audit/players/p1/events", headers={"Authorization": "Bearer " + "a" * 16}
    )
    return list((await answer.json())["events"])


HOSTILE = [
    "%00",
    "x" * 10_000,
    "%F0%9F%8E%B2-%C3%A9",
    "..%2F..%2Fetc",
    "%FF%FE",
    "<script>",
    "a%0Ab",
]


@pytest.mark.parametrize("prefix", ["players", "transactions"])
async def test_no_page_answers_500_for_any_id(bo: TestClient, prefix: str) -> None:  # type: ignore[type-arg]
    await log_in(bo, "otto")
    for wanted in HOSTILE:
        answer = await bo.get(f"/backoffice/{prefix}/{wanted}")
        assert answer.status in (200, 400, 404), (wanted[:20], answer.status)
        assert "<script>" not in await answer.text()
    for query in ("after=-1", "after=" + "9" * 100, "at=%00", "at=" + "1" * 10_000):
        answer = await bo.get(f"/backoffice/players/p1?{query}")
        assert answer.status in (200, 400), (query[:20], answer.status)
    for query in ("from=nope", "from=2026-01-02&to=2026-01-01", "to=" + "9" * 5000):
        answer = await bo.get(f"/backoffice/reports?{query}")
        assert answer.status == 400


async def test_a_transaction_is_found_by_either_id(bo: TestClient) -> None:  # type: ignore[type-arg]
    await log_in(bo, "otto")
    page = await bo.get("/backoffice/transactions/bet-1")
    html = await page.text()
    assert page.status == 200
    client_id = re.search(r'id="client-id">([^<]+)<', html)
    assert client_id
    again = await bo.get(f"/backoffice/transactions/{client_id.group(1)}")
    assert "bet-1" in await again.text()
    assert (await bo.get("/backoffice/transactions/never-seen")).status == 404


async def test_every_page_renders_for_an_auditor(bo: TestClient) -> None:  # type: ignore[type-arg]
    await log_in(bo, "otto")
    pages = ("", "players", "transactions", "reports", "integrity", "integrity")
    for path in (f"/backoffice/{name}" for name in pages):
        answer = await bo.get(path)
        assert answer.status == 200, path
    csv = await bo.get("/backoffice/reports.csv")
    assert csv.status == 200
    assert (await csv.text()).startswith("day,currency,stakes")


async def test_logout_ends_the_session(bo: TestClient) -> None:  # type: ignore[type-arg]
    token = await log_in(bo, "otto")
    await bo.post("/backoffice/logout", data={"csrf": token})
    answer = await bo.get("/backoffice/")
    assert answer.url.path == "/backoffice/login"


EXPORT = (
    "transaction_id,action,user_id,currency,amount,rollback_transaction_id,status,created_at\n"
    "bet-1,bet,p1,USD,5.00,,unanswered,2026-11-27T10:00:00Z\n"
    "bet-ghost,bet,p1,USD,2.00,,accepted,2026-11-27T10:00:01Z\n"
)


async def upload(client: TestClient, csrf: str | None, export: str = EXPORT) -> Any:  # type: ignore[type-arg]
    from aiohttp import FormData

    form = FormData()
    if csrf is not None:
        form.add_field("csrf", csrf)
    form.add_field("export", export.encode(), filename="operator.csv", content_type="text/csv")
    return await client.post("/backoffice/reconciliation", data=form)


async def test_an_auditor_uploads_an_export_and_sees_the_discrepancies_by_class(
    bo: TestClient,  # type: ignore[type-arg]
) -> None:
    csrf = await log_in(bo, "otto")
    answer = await upload(bo, csrf)
    html = await answer.text()
    assert answer.status == 200, html[:500]
    assert "discrepancies found" in html
    rows = re.findall(r"<tr><td>(\w+)</td>\s*<td><a href=\"[^\"]+\">([\w-]+)</a>", html)
    assert sorted(rows) == [
        ("applied_but_not_accepted", "bet-1"),
        ("missing_in_ledger", "bet-ghost"),
    ]


async def test_an_upload_without_its_csrf_token_is_403(bo: TestClient) -> None:  # type: ignore[type-arg]
    await log_in(bo, "otto")
    assert (await upload(bo, None)).status == 403


async def test_an_unreadable_export_is_an_error_page_naming_the_line(bo: TestClient) -> None:  # type: ignore[type-arg]
    csrf = await log_in(bo, "otto")
    answer = await upload(bo, csrf, EXPORT + "x,bet,p1,USD,1e3,,accepted,2026-11-27\n")
    assert answer.status == 400
    assert "line 4" in await answer.text()


async def test_a_cashier_reference_is_found_like_a_transaction_id(bo: TestClient) -> None:  # type: ignore[type-arg]
    await log_in(bo, "otto")
    history = await (await bo.get("/backoffice/players/p1")).text()
    assert 'href="/backoffice/transactions/fund-p1"' in history  # the link the history gives
    page = await bo.get("/backoffice/transactions/fund-p1")
    html = await page.text()
    assert page.status == 200, html[:300]
    assert re.search(r"Cashier reference</dt><dd><code>fund-p1<", html)
    assert "50.00" in html
    api = await bo.get(
        "/api/audit/transactions/fund-p1", headers={"Authorization": "Bearer " + "a" * 16}
    )
    entry = await api.json()
    assert api.status == 200, entry
    assert (entry["reference"], entry["action"], entry["amount"]) == ("fund-p1", "deposit", "50.00")
    assert entry["operator_transaction_id"] is None


async def test_a_bet_the_ledger_reversed_itself_has_a_page(bo: TestClient) -> None:  # type: ignore[type-arg]
    ledger = bo.app[LEDGER]
    ledger.execute([PlaceBet("bet-doubt", "p1", "USD", Decimal("2.00"), delivery="d1")])
    ledger.execute([SettleInDoubt("bet-doubt", "p1", "USD", Decimal("2.00"), delivery="d1")])
    ledger.execute([SettleInDoubt("bet-never", "p1", "USD", Decimal("1.00"), delivery="d2")])
    await log_in(bo, "otto")
    for wanted in ("bet-doubt", "bet-never"):
        page = await bo.get(f"/backoffice/transactions/{wanted}")
        html = await page.text()
        assert page.status == 200, (wanted, html[:300])
        assert "The ledger reversed it itself" in html
        assert 'href="/backoffice/transactions/ledger' not in html  # no link to a non-id
    history = await (await bo.get("/backoffice/players/p1")).text()
    assert "bet-doubt" in history


async def test_a_runs_discrepancies_are_paged_and_every_page_links_the_next(
    bo: TestClient,  # type: ignore[type-arg]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reconciliation, "SHOWN", 2)
    ghosts = "".join(f"ghost-{n},bet,p1,USD,1.00,,accepted,2026-11-27\n" for n in range(5))
    csrf = await log_in(bo, "otto")
    answer = await upload(bo, csrf, EXPORT.split("\n", 1)[0] + "\n" + ghosts)
    html = await answer.text()
    assert answer.status == 200, html[:500]
    seen = re.findall(r'<td><a href="[^"]+">(ghost-\d)</a>', html)
    run = re.search(r'id="run">(run-[0-9a-f]+)<', html)
    assert run
    while (more := re.search(r'href="([^"]+)" id="next"', html)) is not None:
        html = await (await bo.get(more.group(1).replace("&amp;", "&"))).text()
        seen += re.findall(r'<td><a href="[^"]+">(ghost-\d)</a>', html)
    assert sorted(seen) == [f"ghost-{n}" for n in range(5)]
    assert "Discrepancies 5 to 6 of 6" in html  # and bet-1, the ledger's only
    assert (await bo.get("/backoffice/reconciliation/run-gone")).status == 404
    assert (await bo.get(f"/backoffice/reconciliation/{run.group(1)}?after=-1")).status == 400
