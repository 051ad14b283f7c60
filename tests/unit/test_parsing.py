"""Callback bodies to commands: shapes, types, exact numbers, and the first code that wins."""

from decimal import Decimal
from typing import Any

import orjson
import pytest

from domain.codes import Code
from domain.commands import CreditResult, PlaceBet, RollBack
from domain.errors import LedgerError
from service.parsing import parse_callback

CURRENCIES = {"USD", "EUR", "GBP"}
BET: dict[str, Any] = {
    "transaction_id": "t1",
    "action": "bet",
    "user_id": "u1",
    "currency": "USD",
    "amount": "10.50",
}
ROLLBACK: dict[str, Any] = {**BET, "action": "rollback", "rollback_transaction_id": "t0"}


def code_of(body: bytes, route: str = "transaction") -> Code:
    with pytest.raises(LedgerError) as caught:
        parse_callback(body, route, CURRENCIES)
    return caught.value.code


def body(fields: dict[str, Any], **changes: Any) -> bytes:
    return orjson.dumps({k: v for k, v in (fields | changes).items() if v is not ...})


def test_a_bet_a_result_and_a_rollback() -> None:
    assert parse_callback(body(BET), "transaction", CURRENCIES) == PlaceBet(
        "t1", "u1", "USD", Decimal("10.50")
    )
    result = parse_callback(body(BET, action="result"), "transaction", CURRENCIES)
    assert isinstance(result, CreditResult)
    rollback = parse_callback(body(ROLLBACK), "transaction-rollback", CURRENCIES)
    assert rollback == RollBack("t1", "u1", "USD", Decimal("10.50"), "t0")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(b"10.5", "10.50"), (b"10", "10.00"), (b"63727092.34", "63727092.34"), (b"0.1", "0.10")],
)
def test_json_numbers_keep_their_exact_value(raw: bytes, expected: str) -> None:
    text = body(BET).replace(b'"10.50"', raw)
    cmd = parse_callback(text, "transaction", CURRENCIES)
    assert str(cmd.amount) == expected


@pytest.mark.parametrize(
    "raw", [b"1e3", b"1E-2", b"NaN", b"Infinity", b"-Infinity", b"-1", b"0.001", b"1" * 400]
)
def test_numbers_outside_plain_notation_are_invalid_amounts(raw: bytes) -> None:
    assert code_of(body(BET).replace(b'"10.50"', raw)) is Code.INVALID_AMOUNT


@pytest.mark.parametrize("value", [True, None, [], {}, ["1"]])
def test_an_amount_of_another_type_is_an_invalid_request(value: Any) -> None:
    assert code_of(body(BET, amount=value)) is Code.INVALID_REQUEST


@pytest.mark.parametrize("field", ["transaction_id", "action", "user_id", "currency", "amount"])
def test_a_missing_field_is_an_invalid_request(field: str) -> None:
    assert code_of(body(BET, **{field: ...})) is Code.INVALID_REQUEST


@pytest.mark.parametrize(
    "value", [1, 1.5, True, None, "", ["t1"], "x" * 257, "t\x001", "t\n", "\x7f", "\t"]
)
def test_ids_must_be_sane_strings(value: Any) -> None:
    assert code_of(body(BET, transaction_id=value)) is Code.INVALID_REQUEST
    assert code_of(body(BET, user_id=value)) is Code.INVALID_REQUEST


def test_a_rollback_needs_the_id_it_rolls_back() -> None:
    assert code_of(body(ROLLBACK, rollback_transaction_id=...), "transaction-rollback") is (
        Code.INVALID_REQUEST
    )


@pytest.mark.parametrize(
    ("action", "route"),
    [
        ("rollback", "transaction"),
        ("win", "transaction"),
        ("BET", "transaction"),
        ("bet", "transaction-rollback"),
    ],
)
def test_an_action_the_route_does_not_handle_is_an_invalid_request(action: str, route: str) -> None:
    assert code_of(body(ROLLBACK, action=action), route) is Code.INVALID_REQUEST


@pytest.mark.parametrize(
    "raw",
    [b"", b"[]", b'"x"', b"1", b"null", b"{", b"\xff\xfe", b"[" * 100_000, b'{"a":1}garbage'],
)
def test_a_body_that_is_not_a_json_object_is_an_invalid_request(raw: bytes) -> None:
    assert code_of(raw) is Code.INVALID_REQUEST


def test_a_lone_surrogate_in_an_id_is_an_invalid_request() -> None:
    raw = body(BET).replace(b'"u1"', b'"\\ud800"')
    assert code_of(raw) is Code.INVALID_REQUEST


def test_invalid_request_wins_over_invalid_amount_and_currency() -> None:
    assert code_of(body(BET, amount="1e3", currency="XXX", user_id=...)) is Code.INVALID_REQUEST


def test_invalid_amount_wins_over_unsupported_currency() -> None:
    assert code_of(body(BET, amount="1e3", currency="XXX")) is Code.INVALID_AMOUNT


def test_lowercase_currency_is_unsupported() -> None:
    assert code_of(body(BET, currency="usd")) is Code.UNSUPPORTED_CURRENCY


def test_extra_fields_are_ignored() -> None:
    cmd = parse_callback(body(BET, round=7, meta={"x": 1.5}), "transaction", CURRENCIES)
    assert cmd.amount == Decimal("10.50")


def test_duplicate_keys_take_the_last_value_in_both_parsers() -> None:
    raw = b'{"transaction_id":"t1","action":"bet","user_id":"u1","currency":"USD",'
    assert (
        parse_callback(raw + b'"amount":"1","amount":"2"}', "transaction", CURRENCIES).amount == 2
    )
    assert parse_callback(raw + b'"amount":1,"amount":2}', "transaction", CURRENCIES).amount == 2
