"""POST /api/sportsbook/sessions on a real ledger process, the OPERATOR played by the simulator."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.callbacks import ADMIN_TOKEN
from tests.support.operator_sim import (
    PASSWORD,
    USERNAME,
    Simulator,
    get_json,
    post_json,
    running_simulator,
)
from tests.support.server import Server, running_service

PLAYER = {"user_id": "player-sessions-1", "currency": "EUR", "lang": "es"}


@pytest.fixture(scope="module")
def sim(log_dir: Path) -> Iterator[Simulator]:
    with running_simulator(log_dir) as running:
        yield running


@pytest.fixture(scope="module")
def ledger(sim: Simulator, log_dir: Path) -> Iterator[Server]:
    url = f"sqlite:///{log_dir / 'sessions.sqlite3'}"
    with running_service(url, log_dir, "ledger", **sim.ledger_env()) as server:
        yield server


@pytest.fixture(scope="module")
def refused_ledger(sim: Simulator, log_dir: Path) -> Iterator[Server]:
    """A ledger configured with a password the OPERATOR does not know."""
    url = f"sqlite:///{log_dir / 'refused.sqlite3'}"
    env = sim.ledger_env(password="wrong-operator-password-77")
    with running_service(url, log_dir, "refused", **env) as server:
        yield server


def start(server: Server, body: Any = PLAYER, token: str = ADMIN_TOKEN) -> tuple[int, Any]:
    return post_json(f"{server.base}/api/sportsbook/sessions", body, token)


def test_a_session_answers_an_iframe_url_bound_to_the_player(
    ledger: Server, sim: Simulator
) -> None:
    status, answer = start(ledger)
    assert status == 200
    assert set(answer) == {"url"}
    assert answer["url"].startswith(f"{sim.base}/play/")
    state = get_json(answer["url"] + "/state")
    assert state["player"] == PLAYER


def test_the_route_needs_the_admin_token(ledger: Server) -> None:
    assert start(ledger, token="not-the-token")[0] == 401


def test_a_bad_field_is_400_before_the_operator_is_asked(ledger: Server, sim: Simulator) -> None:
    calls = sim.stats()["session_calls"]
    status, answer = start(ledger, {"user_id": "p", "currency": "USD", "lang": "xx"})
    assert (status, answer["error"]) == (400, "UNSUPPORTED_LANGUAGE")
    assert sim.stats()["session_calls"] == calls


def test_a_ledger_without_the_operator_variables_answers_503(log_dir: Path) -> None:
    with running_service(f"sqlite:///{log_dir / 'bare.sqlite3'}", log_dir, "bare") as bare:
        status, answer = start(bare)
    assert (status, answer["error"]) == (503, "OPERATOR_NOT_CONFIGURED")


def test_wrong_operator_credentials_are_502_refused(refused_ledger: Server) -> None:
    status, answer = start(refused_ledger)
    assert (status, answer["error"]) == (502, "OPERATOR_REFUSED")
    assert "401" in answer["message"]


def test_an_operator_answering_5xx_is_502_unavailable(ledger: Server, sim: Simulator) -> None:
    sim.revoke()  # the ledger must authenticate again, and the OPERATOR is failing
    sim.faults(auth_status=503)
    try:
        status, answer = start(ledger)
    finally:
        sim.faults()
    assert (status, answer["error"]) == (502, "OPERATOR_UNAVAILABLE")
    assert start(ledger)[0] == 200  # and it recovers by itself


def test_a_revoked_token_is_renewed_once_and_the_session_answered(
    ledger: Server, sim: Simulator
) -> None:
    assert start(ledger)[0] == 200
    before = sim.stats()
    sim.revoke()
    assert start(ledger)[0] == 200
    after = sim.stats()
    assert after["auth_calls"] - before["auth_calls"] == 1
    assert after["session_refused"] - before["session_refused"] == 1


def test_neither_credentials_nor_tokens_leak_in_answers_or_logs(
    ledger: Server, refused_ledger: Server, sim: Simulator
) -> None:
    answers = [start(ledger), start(refused_ledger), start(ledger, {"user_id": "p"})]
    sim.revoke()
    answers.append(start(ledger))
    sim.faults(session_status=500)
    answers.append(start(ledger))
    sim.faults()
    tokens = sim.stats()["issued_tokens"]
    assert len(tokens) >= 3
    secrets = [PASSWORD, USERNAME, "wrong-operator-password-77", *tokens]
    seen = [repr(answers), ledger.log_text(), refused_ledger.log_text()]
    leaks = [s[:12] for s in secrets for text in seen if s in text]
    assert leaks == []
    events = {line["event"] for line in ledger.log_lines()}
    assert {"operator_auth", "sportsbook_session"} <= events
