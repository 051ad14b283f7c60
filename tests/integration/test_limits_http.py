"""The responsible-gambling routes and forms over HTTP, in-process on SQLite: limits set
through the API and the back office decide signed callbacks and deposits, the audit names
who asked and why, self-exclusion is never shortened, and the history downloads as CSV."""

import csv
import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from service.app import create_app
from service.keys import USERS
from service.settings import Secret
from tests.integration.test_backoffice_http import PASSWORDS, ClientMaker, csrf_of, log_in, settings
from tests.support.callbacks import CALLBACK_PATH, bet, body_of, result, sign
from tests.support.server import ROOT

ADMIN = {"Authorization": "Bearer " + "a" * 16}
AUDITOR = "auditor-token-for-limits-7"
Client = TestClient  # type: ignore[type-arg]


@pytest.fixture
async def app(tmp_path: Path, aiohttp_client: ClientMaker) -> Client:
    config = replace(settings(tmp_path), auditor_token=Secret(AUDITOR))
    client = await aiohttp_client(create_app(config))
    client.app[USERS].add("ada", "admin", PASSWORDS["ada"])
    client.app[USERS].add("otto", "auditor", PASSWORDS["otto"])
    deposit = {"currency": "USD", "amount": "100.00", "reference": "fund-p1"}
    assert (
        await client.post("/api/wallets/p1/deposits", json=deposit, headers=ADMIN)
    ).status == 200
    return client


async def call(client: Client, fields: dict[str, Any]) -> dict[str, Any]:
    body = body_of(**fields)
    answer = await client.post(
        CALLBACK_PATH + "/transaction", data=body, headers={"X-Security-Hash": sign(body, "s" * 16)}
    )
    return dict(await answer.json())


async def api(client: Client, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    answer = await client.request(method, path, json=body, headers=ADMIN)
    return answer.status, await answer.json()


def limit(kind: str, period: str, amount: str | None, reason: str = "asked by the player") -> Any:
    return {"currency": "USD", "kind": kind, "period": period, "amount": amount, "reason": reason}


async def test_a_stake_limit_from_the_api_declines_the_bet_over_it(app: Client) -> None:
    status, shown = await api(app, "PUT", "/api/players/p1/limits", limit("stake", "day", "10.00"))
    assert status == 200
    assert shown["limits"] == [
        {"currency": "USD", "kind": "stake", "period": "day", "amount": "10.00",
         "used": "0.00", "remaining": "10.00", "pending": None}
    ]  # fmt: skip
    assert (await call(app, bet("b1", "p1", "7.50")))["error"] is None
    assert (await call(app, bet("b2", "p1", "2.51"))) == {"error": "LIMIT_EXCEEDED"}
    assert (await call(app, bet("b2", "p1", "1.00"))) == {"error": "LIMIT_EXCEEDED"}  # final
    assert (await call(app, result("r1", "p1", "50.00")))["error"] is None  # never limited
    _, shown = await api(app, "GET", "/api/players/p1/limits")
    assert shown["limits"][0]["used"] == "7.50"
    assert shown["usage"]["USD"]["loss"] == {"day": "-42.50", "week": "-42.50", "month": "-42.50"}
    assert shown["usage"]["USD"]["deposit"]["month"] == "100.00"


async def test_a_looser_limit_waits_and_says_when_it_applies(app: Client) -> None:
    await api(app, "PUT", "/api/players/p1/limits", limit("loss", "week", "20.00"))
    status, shown = await api(app, "PUT", "/api/players/p1/limits", limit("loss", "week", None))
    assert status == 200
    pending = shown["limits"][0]["pending"]
    assert pending["amount"] is None
    assert pending["effective_at"] > shown["at"]
    assert shown["limits"][0]["amount"] == "20.00"


async def test_deposits_meet_the_deposit_limit_and_the_exclusion(app: Client) -> None:
    await api(app, "PUT", "/api/players/p1/limits", limit("deposit", "month", "150.00"))
    cash = {"currency": "USD", "amount": "50.01", "reference": "d2"}
    status, refused = await api(app, "POST", "/api/wallets/p1/deposits", cash)
    assert (status, refused["error"]) == (409, "LIMIT_EXCEEDED")
    status, shown = await api(app, "POST", "/api/players/p1/self-exclusion",
                              {"until": "2999-01-31", "reason": "a long break"})  # fmt: skip
    assert status == 200
    assert shown["self_exclusion"] == {
        "until": "2999-01-31", "ends_at": "2999-02-01T00:00:00+00:00", "indefinite": False
    }  # fmt: skip
    status, refused = await api(app, "POST", "/api/wallets/p1/deposits", cash | {"amount": "1"})
    assert (status, refused["error"]) == (409, "SELF_EXCLUDED")
    assert (await call(app, bet("b1", "p1", "1.00"))) == {"error": "PLAYER_BLOCKED"}
    withdraw = {"currency": "USD", "amount": "1.00", "reference": "w1"}
    assert (await api(app, "POST", "/api/wallets/p1/withdrawals", withdraw))[0] == 200
    await api(app, "POST", "/api/players/p1/unblock")
    shorter = {"until": "2998-01-01", "reason": "changed my mind"}
    status, refused = await api(app, "POST", "/api/players/p1/self-exclusion", shorter)
    assert (status, refused["error"]) == (409, "SELF_EXCLUDED")
    assert (await call(app, bet("b2", "p1", "1.00"))) == {"error": "PLAYER_BLOCKED"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("limits", limit("stake", "hour", "1.00")),
        ("limits", limit("bets", "day", "1.00")),
        ("limits", limit("stake", "day", "1.001")),
        ("limits", limit("stake", "day", "-1")),
        ("limits", limit("stake", "day", "1.00", reason="")),
        ("limits", {"currency": "USD", "kind": "stake", "period": "day", "reason": "no amount"}),
        ("limits", limit("stake", "day", "1.00") | {"currency": "XXX"}),
        ("self-exclusion", {"until": "2020-01-01", "reason": "past"}),
        ("self-exclusion", {"until": "31/01/2030", "reason": "not ISO"}),
        ("self-exclusion", {"until": 20300131, "reason": "a number"}),
        ("self-exclusion", {"reason": "no until"}),
    ],
)
async def test_bad_asks_are_400_and_change_nothing(app: Client, path: str, body: Any) -> None:
    method = "PUT" if path == "limits" else "POST"
    status, refused = await api(app, method, f"/api/players/p1/{path}", body)
    assert status == 400, refused
    _, shown = await api(app, "GET", "/api/players/p1/limits")
    assert (shown["limits"], shown["self_exclusion"]) == ([], None)


async def test_the_auditor_token_reads_limits_and_changes_none(app: Client) -> None:
    reads = {"Authorization": f"Bearer {AUDITOR}"}
    assert (await app.get("/api/players/p1/limits", headers=reads)).status == 200
    answer = await app.put("/api/players/p1/limits", json=limit("stake", "day", "1"), headers=reads)
    assert answer.status == 403


async def test_an_admin_sets_a_limit_on_the_page_and_the_history_names_them(app: Client) -> None:
    token = await log_in(app, "ada")
    form = {"csrf": token, "currency": "USD", "kind": "stake", "period": "week",
            "amount": "5.00", "reason": "=HYPERLINK(\"x\") asked by phone, ticket 12"}  # fmt: skip
    page = await app.post("/backoffice/players/p1/limits", data=form)
    html = await page.text()
    assert "Limit asked for: recorded with your name and reason." in html
    assert 'data-limit="USD stake week"' in html
    assert (await call(app, bet("b1", "p1", "5.01"))) == {"error": "LIMIT_EXCEEDED"}
    forever = {"csrf": csrf_of(html), "until": "", "reason": "for good"}
    excluded = await app.post("/backoffice/players/p1/self-exclusion", data=forever)
    assert "Self-excluded <strong>for ever</strong>" in await excluded.text()
    events = (await api(app, "GET", "/api/audit/players/p1/events"))[1]["events"]
    asked = [(e["type"], e["actor"], e["reason"]) for e in events if e.get("actor")]
    assert ("Player.LimitChanged", "ada", form["reason"]) in asked
    assert ("Player.SelfExcluded", "ada", "for good") in asked
    download = await app.get("/backoffice/players/p1/limits.csv")
    rows = list(csv.DictReader(io.StringIO(await download.text())))
    assert [(r["event"], r["actor"]) for r in rows] == [("limit", "ada"), ("self-exclusion", "ada")]
    assert rows[0]["reason"].startswith("'=")  # a spreadsheet shows it, never runs it


async def test_an_auditor_sees_the_limits_but_not_the_forms(app: Client) -> None:
    await api(app, "PUT", "/api/players/p1/limits", limit("stake", "day", "10.00"))
    token = await log_in(app, "otto")
    html = await (await app.get("/backoffice/players/p1")).text()
    assert 'data-limit="USD stake day"' in html
    assert 'id="set-limit"' not in html
    answer = await app.post("/backoffice/players/p1/limits", data={"csrf": token, "reason": "x"})
    assert answer.status == 403


async def test_the_command_line_exports_the_same_history(app: Client, tmp_path: Path) -> None:
    await api(app, "PUT", "/api/players/p1/limits", limit("stake", "day", "10.00", "+asked"))
    await api(app, "PUT", "/api/players/p1/limits", limit("stake", "day", None, "a removal"))
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/ledger.sqlite3", "PATH": "/usr/bin:/bin"}
    exported = subprocess.run(
        [sys.executable, "-m", "scripts.limits", "p1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["amount"], r["actor"], r["reason"]) for r in rows] == [
        ("10.00", "api", "'+asked"),
        ("", "api", "a removal"),
    ]
    assert rows[1]["effective_at"] > rows[1]["time"]  # the removal waits its 24 hours


async def test_the_daily_report_counts_the_bets_limits_declined(app: Client) -> None:
    await api(app, "PUT", "/api/players/p1/limits", limit("loss", "month", "1.00"))
    for n in range(3):
        assert (await call(app, bet(f"b{n}", "p1", "2.00"))) == {"error": "LIMIT_EXCEEDED"}
    await log_in(app, "otto")
    html = await (await app.get("/backoffice/reports")).text()
    assert '<td class="num limit-declines">3</td>' in html
    csv_text = await (await app.get("/backoffice/reports.csv")).text()
    assert "limit_declines" in csv_text.splitlines()[0]
