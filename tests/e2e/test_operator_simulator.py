"""The OPERATOR simulator as the casino meets it: its auth, its tokens, and its bets on a ledger."""

import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from scripts import reconcile
from tests.support.operator_sim import (
    PASSWORD,
    USERNAME,
    Simulator,
    post_json,
    running_simulator,
)
from tests.support.server import Server, free_port, running_service, wait_until
from tests.support.sportsbook import Table

CREDENTIALS = {"username": USERNAME, "password": PASSWORD}


@pytest.fixture(scope="module")
def ledger_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def sim(log_dir: Path, ledger_port: int) -> Iterator[Simulator]:
    with running_simulator(log_dir, f"http://127.0.0.1:{ledger_port}") as running:
        yield running


@pytest.fixture(scope="module")
def ledger(sim: Simulator, log_dir: Path, ledger_port: int) -> Iterator[Server]:
    url = f"sqlite:///{log_dir / 'simulated.sqlite3'}"
    with running_service(url, log_dir, port=ledger_port, **sim.ledger_env()) as server:
        yield server


def token_of(sim: Simulator) -> str:
    status, answer = post_json(f"{sim.api_url}/auth", CREDENTIALS)
    assert status == 200
    return str(answer["token"])


def test_auth_answers_a_token_and_its_lifetime_as_text(sim: Simulator) -> None:
    status, answer = post_json(f"{sim.api_url}/auth", CREDENTIALS)
    assert status == 200
    assert set(answer) == {"token", "expires_in"}
    assert answer["expires_in"] == "3600"


@pytest.mark.parametrize(
    "body",
    [{"username": USERNAME, "password": "guess"}, {"username": "x", "password": PASSWORD}, {}],
)
def test_wrong_credentials_are_401(sim: Simulator, body: dict[str, str]) -> None:
    assert post_json(f"{sim.api_url}/auth", body) == (401, {"error": "INVALID_CREDENTIALS"})


@pytest.mark.parametrize(
    "forge", [lambda t: t[:-2] + "AA", lambda t: "x" + t, lambda _: "", str.upper]
)
def test_a_forged_token_is_401(sim: Simulator, forge: Any) -> None:
    forged = forge(token_of(sim))
    status, answer = post_json(
        f"{sim.api_url}/start-session", {"user_id": "p", "currency": "USD"}, forged
    )
    assert (status, answer) == (401, {"error": "INVALID_TOKEN"})


def test_an_expired_token_is_401(log_dir: Path) -> None:
    with running_simulator(log_dir, "http://127.0.0.1:9", "--token-lifetime", "0.3") as short:
        token = token_of(short)
        url, player = f"{short.api_url}/start-session", {"user_id": "p", "currency": "USD"}
        assert post_json(url, player, token)[0] == 200
        wait_until(lambda: post_json(url, player, token)[0] == 401, 5, "the token to expire")


def test_an_unknown_currency_is_400_with_an_error_code(sim: Simulator) -> None:
    body = {"user_id": "p", "currency": "XYZ"}
    answer = post_json(f"{sim.api_url}/start-session", body, token_of(sim))
    assert answer == (400, {"error": "UNSUPPORTED_CURRENCY"})


def answered(table: Table) -> None:
    wait_until(table.all_answered, 10, "every callback to be answered")


def test_a_bet_debits_and_a_win_credits_stake_times_odds(ledger: Server) -> None:
    table = Table(ledger, "50.00")
    bet = table.bet("10.00")  # home at 1.85
    assert bet["status"] == "open"
    assert table.balance() == Decimal("40.00")
    assert table.act(bet, "settle", {"outcome": "win"}) == 200
    answered(table)
    result = table.callbacks("result")[0]
    assert orjson.loads(result["body"])["amount"] == "18.50"
    assert result["answer"]["error"] is None
    assert table.balance() == Decimal("58.50")


def test_a_lost_bet_sends_a_result_of_zero(ledger: Server) -> None:
    table = Table(ledger, "50.00")
    bet = table.bet("12.34", "m2", "draw")
    assert table.act(bet, "settle", {"outcome": "loss"}) == 200
    answered(table)
    assert orjson.loads(table.callbacks("result")[0]["body"])["amount"] == "0.00"
    assert table.balance() == Decimal("37.66")


def test_a_rolled_back_bet_gives_the_stake_back(ledger: Server) -> None:
    table = Table(ledger, "50.00")
    bet = table.bet("20.00")
    assert table.act(bet, "rollback") == 200
    answered(table)
    body = orjson.loads(table.callbacks("rollback")[0]["body"])
    assert body["rollback_transaction_id"] == bet["id"]
    assert body["amount"] == "20.00"
    assert table.balance() == Decimal("50.00")


def test_a_bet_over_the_balance_is_declined_and_nothing_follows(ledger: Server) -> None:
    table = Table(ledger, "5.00")
    bet = table.bet("10.00")
    assert bet["status"] == "declined: INSUFFICIENT_FUNDS"
    assert table.act(bet, "settle", {"outcome": "win"}) == 409
    assert [c["action"] for c in table.callbacks()] == ["bet"]
    assert table.balance() == Decimal("5.00")


def test_a_bet_is_settled_once(ledger: Server) -> None:
    table = Table(ledger, "50.00")
    bet = table.bet("10.00")
    assert table.act(bet, "settle", {"outcome": "loss"}) == 200
    assert table.act(bet, "settle", {"outcome": "win"}) == 409
    assert table.act(bet, "rollback") == 409
    answered(table)
    assert table.balance() == Decimal("40.00")


def test_the_iframe_page_and_its_script_are_served(ledger: Server) -> None:
    table = Table(ledger, "1.00")
    with urllib.request.urlopen(table.play) as page:  # noqa: S310
        html = page.read().decode()
    assert '<script src="/assets/play.js">' in html
    assert "http" not in html.replace("http-equiv", "")  # no CDN, nothing fetched elsewhere


def export_of(sim: Simulator) -> str:
    with urllib.request.urlopen(f"{sim.base}/_sim/export", timeout=5) as answer:  # noqa: S310
        return str(answer.read().decode())


def test_lost_answers_are_found_by_the_reconciliation(
    sim: Simulator, ledger: Server, log_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = Table(ledger, "50.00")
    kept = table.bet("5.00")
    sim.faults(lose_answers=1.0)
    try:
        lost = table.bet("7.00")
    finally:
        sim.faults(lose_answers=0.0)
    assert (kept["status"], lost["status"]) == ("open", "failed: answer lost")
    assert table.balance() == Decimal("38.00")  # the ledger applied both
    export = tmp_path / "operator.csv"
    export.write_text(export_of(sim))
    assert f"{lost['id']},bet,{table.user},USD,7.00,,unanswered," in export.read_text()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{log_dir / 'simulated.sqlite3'}")
    out = tmp_path / "findings.json"
    with out.open("w") as handle:
        monkeypatch.setattr("sys.stdout", handle)
        assert reconcile.main([str(export), "--format", "json"]) == 1
    found = orjson.loads(out.read_text())["discrepancies"]
    assert [
        (f["class"], f["transaction_id"]) for f in found if f["operator_user_id"] == table.user
    ] == [("applied_but_not_accepted", lost["id"])]
