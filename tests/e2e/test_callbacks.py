"""The OPERATOR's callbacks over HTTP against a real service process on PostgreSQL."""

from decimal import Decimal

import pytest

from tests.support import callbacks as cb
from tests.support.client import LedgerClient, new_id, new_user

D = Decimal
TX = f"{cb.CALLBACK_PATH}/transaction"


async def funded(client: LedgerClient, amount: str = "10.00") -> str:
    user = new_user()
    await client.deposit(user, amount)
    return user


async def test_bet_debits_and_the_wallet_shows_it_at_once(client: LedgerClient) -> None:
    user = await funded(client)
    answer = await client.callback(cb.bet(new_id(), user, "2.50"))
    assert answer["error"] is None
    assert answer["balance"] == "7.50"
    assert await client.balance(user) == D("7.50")


async def test_success_answer_has_the_operators_shape(client: LedgerClient) -> None:
    user = await funded(client)
    answer = await client.callback(cb.bet(new_id(), user))
    assert set(answer) == {"error", "transaction_id", "balance", "currency"}
    assert answer["currency"] == "USD"
    assert len(answer["transaction_id"]) == 36


async def test_repeat_answers_byte_for_byte(client: LedgerClient) -> None:
    user = await funded(client)
    body = cb.body_of(**cb.bet(new_id(), user, "3.00"))
    headers = {"X-Security-Hash": cb.sign(body)}
    async with client.session.post(client.base + TX, data=body, headers=headers) as first:
        first_bytes = await first.read()
    await client.deposit(user, "5.00")
    async with client.session.post(client.base + TX, data=body, headers=headers) as again:
        assert await again.read() == first_bytes
    assert await client.balance(user) == D("12.00")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Security-Hash": ""},
        {"X-Security-Hash": "not-hex"},
        {"X-Security-Hash": "0" * 64},
        {"X-Security-Hash": "sha256=" + "0" * 64},
    ],
)
async def test_bad_signature_is_refused_and_records_nothing(
    client: LedgerClient, headers: dict[str, str]
) -> None:
    user = await funded(client)
    fields = cb.bet(new_id(), user, "1.00")
    status, answer = await client.post(TX, cb.body_of(**fields), headers)
    assert (status, answer) == (200, {"error": "INVALID_SIGNATURE"})
    assert await client.balance(user) == D("10.00")
    assert (await client.callback(fields))["error"] is None  # the id was not used up


async def test_both_header_spellings_and_upper_case_hex(client: LedgerClient) -> None:
    user = await funded(client)
    for header in ("X-Security-Hash", "X-Securty-Hash"):
        body = cb.body_of(**cb.bet(new_id(), user))
        _status, answer = await client.post(TX, body, {header: cb.sign(body).upper()})
        assert answer["error"] is None
    assert await client.balance(user) == D("8.00")


async def test_content_type_is_not_checked(client: LedgerClient) -> None:
    user = await funded(client)
    body = cb.body_of(**cb.bet(new_id(), user))
    headers = {"X-Security-Hash": cb.sign(body), "Content-Type": "text/plain"}
    assert (await client.post(TX, body, headers))[1]["error"] is None


@pytest.mark.parametrize(
    "body",
    [b"", b"[]", b"not json", b'{"transaction_id": 5}', b'{"action": "bet"}'],
)
async def test_malformed_bodies_are_invalid_requests(client: LedgerClient, body: bytes) -> None:
    status, answer = await client.post(TX, body, {"X-Security-Hash": cb.sign(body)})
    assert (status, answer) == (200, {"error": "INVALID_REQUEST"})


async def test_unknown_action_is_an_invalid_request(client: LedgerClient) -> None:
    user = await funded(client)
    answer = await client.callback(cb.bet(new_id(), user) | {"action": "win"})
    assert answer == {"error": "INVALID_REQUEST"}
    assert await client.balance(user) == D("10.00")


async def test_body_over_64_kib_is_refused_unread(client: LedgerClient) -> None:
    user = await funded(client)
    fields = cb.bet(new_id(), user) | {"padding": "x" * (64 * 1024)}
    assert await client.callback(fields) == {"error": "INVALID_REQUEST"}
    assert await client.balance(user) == D("10.00")


async def test_chunked_body_over_64_kib_is_refused(client: LedgerClient) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(100):
            yield b" " * 1024

    async with client.session.post(
        client.base + TX, data=chunks(), headers={"X-Security-Hash": "0" * 64}
    ) as response:
        assert response.status == 200
        assert await response.json() == {"error": "INVALID_REQUEST"}


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0.001", "INVALID_AMOUNT"),
        ("1e3", "INVALID_AMOUNT"),
        ("NaN", "INVALID_AMOUNT"),
        ("Infinity", "INVALID_AMOUNT"),
        ("-1.00", "INVALID_AMOUNT"),
        ("0", "INVALID_AMOUNT"),
        ("", "INVALID_AMOUNT"),
        ("1,00", "INVALID_AMOUNT"),
    ],
)
async def test_refused_amounts_change_nothing_and_use_up_no_id(
    client: LedgerClient, amount: str, code: str
) -> None:
    user = await funded(client)
    tid = new_id()
    assert await client.callback(cb.bet(tid, user, amount)) == {"error": code}
    assert await client.balance(user) == D("10.00")
    assert (await client.callback(cb.bet(tid, user, "1.00")))["balance"] == "9.00"


@pytest.mark.parametrize("raw", [b"NaN", b"Infinity", b"1e3", b"-1"])
async def test_refused_json_number_amounts(client: LedgerClient, raw: bytes) -> None:
    user = await funded(client)
    body = cb.body_of(**cb.bet(new_id(), user, "1.00")).replace(b'"1.00"', raw)
    _status, answer = await client.post(TX, body, {"X-Security-Hash": cb.sign(body)})
    assert answer == {"error": "INVALID_AMOUNT"}
    assert await client.balance(user) == D("10.00")


async def test_json_number_amounts_are_exact(client: LedgerClient) -> None:
    user = new_user()
    for tid, raw in ((new_id(), b"0.01"), (new_id(), b"0.02")):
        body = cb.body_of(**cb.result(tid, user, "X")).replace(b'"X"', raw)
        await client.post(TX, body, {"X-Security-Hash": cb.sign(body)})
    assert (await client.wallet(user))["balances"] == {"USD": "0.03"}
    body = cb.body_of(**cb.result(new_id(), user, "X")).replace(b'"X"', b"63727092.34")
    _, answer = await client.post(TX, body, {"X-Security-Hash": cb.sign(body)})
    assert answer["balance"] == "63727092.37"


async def test_zero_result_is_accepted(client: LedgerClient) -> None:
    user = await funded(client)
    assert (await client.callback(cb.result(new_id(), user, "0")))["balance"] == "10.00"


@pytest.mark.parametrize("currency", ["usd", "JPY", "XXX"])
async def test_unsupported_currency(client: LedgerClient, currency: str) -> None:
    user = await funded(client)
    for fields in (cb.bet(new_id(), user), cb.result(new_id(), user)):
        answer = await client.callback(fields | {"currency": currency})
        assert answer == {"error": "UNSUPPORTED_CURRENCY"}
    assert await client.balance(user) == D("10.00")


async def test_insufficient_funds(client: LedgerClient) -> None:
    user = await funded(client, "1.00")
    assert await client.callback(cb.bet(new_id(), user, "1.01")) == {"error": "INSUFFICIENT_FUNDS"}
    assert await client.balance(user) == D("1.00")


async def test_player_blocked_then_unblocked(client: LedgerClient) -> None:
    user = await funded(client)
    status, wallet = await client.api("POST", f"/api/players/{user}/block")
    assert (status, wallet["blocked"]) == (200, True)
    tid = new_id()
    assert await client.callback(cb.bet(tid, user)) == {"error": "PLAYER_BLOCKED"}
    assert (await client.callback(cb.result(new_id(), user, "1.00")))["balance"] == "11.00"
    await client.api("POST", f"/api/players/{user}/unblock")
    assert await client.callback(cb.bet(tid, user)) == {"error": "PLAYER_BLOCKED"}
    assert (await client.callback(cb.bet(new_id(), user)))["balance"] == "10.00"


async def test_rollback_of_a_bet_refunds_it_once(client: LedgerClient) -> None:
    user = await funded(client)
    bet_id, rb_id = new_id("bet"), new_id("rb")
    await client.callback(cb.bet(bet_id, user, "4.00"))
    first = await client.callback(cb.rollback(rb_id, bet_id, user, "4.00"))
    assert first["balance"] == "10.00"
    assert await client.callback(cb.rollback(rb_id, bet_id, user, "4.00")) == first
    assert await client.callback(cb.rollback(new_id(), bet_id, user, "4.00")) != first
    assert await client.balance(user) == D("10.00")


async def test_rollback_of_a_result_may_go_below_zero(client: LedgerClient) -> None:
    user = new_user()
    result_id = new_id("res")
    await client.callback(cb.result(result_id, user, "5.00"))
    await client.callback(cb.bet(new_id(), user, "5.00"))
    answer = await client.callback(cb.rollback(new_id("rb"), result_id, user, "5.00"))
    assert answer["balance"] == "-5.00"


async def test_rollback_before_its_bet_declines_the_late_bet(client: LedgerClient) -> None:
    user = await funded(client)
    bet_id = new_id("bet")
    assert (await client.callback(cb.rollback(new_id("rb"), bet_id, user, "4.00")))["error"] is None
    assert await client.callback(cb.bet(bet_id, user, "4.00")) == {
        "error": "TRANSACTION_ROLLED_BACK"
    }
    assert await client.balance(user) == D("10.00")


async def test_rollback_before_its_result_makes_the_result_move_nothing(
    client: LedgerClient,
) -> None:
    user = await funded(client)
    result_id = new_id("res")
    await client.callback(cb.rollback(new_id("rb"), result_id, user, "4.00"))
    answer = await client.callback(cb.result(result_id, user, "4.00"))
    assert (answer["error"], answer["balance"]) == (None, "10.00")


async def test_a_repeated_id_gets_the_first_answer_whatever_its_action(
    client: LedgerClient,
) -> None:
    user = await funded(client)
    tid = new_id()
    first = await client.callback(cb.bet(tid, user, "1.00"))
    assert await client.callback(cb.result(tid, user, "9.00")) == first
    assert await client.callback(cb.rollback(tid, tid, user)) == first
    assert await client.balance(user) == D("9.00")


async def test_each_callback_logs_one_line_without_secrets(
    client: LedgerClient, server: object
) -> None:
    user = await funded(client)
    tid = new_id("logged")
    answer = await client.callback(cb.bet(tid, user))
    lines = [line for line in server.log_lines() if line.get("operator_transaction_id") == tid]  # type: ignore[attr-defined]
    assert len(lines) == 1
    line = lines[0]
    assert line["event"] == "callback"
    assert line["action"] == "bet"
    assert line["outcome"] == "ok"
    assert line["user_id"] == user
    assert line["client_transaction_id"] == answer["transaction_id"]
    assert isinstance(line["duration_ms"], float)
    text = server.log_text()  # type: ignore[attr-defined]
    assert cb.SECRET not in text
    assert cb.ADMIN_TOKEN not in text
