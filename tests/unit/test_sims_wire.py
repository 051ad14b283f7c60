"""The simulators' own wire format: what they sign, and how they write and read amounts."""

import hashlib
import hmac
from decimal import Decimal

import pytest

from service.signature import verify
from sims.options import Secret
from sims.wire import amount_text, loads, parse_amount, sign, signed

SECRET = "dev-security-hash"
BET = (
    b'{"transaction_id":"igpx-0001","action":"bet","user_id":"p1",'
    b'"currency":"USD","amount":"10.00"}'
)


def _hmac_hex(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    "body", [b"", BET, BET + b" ", b'{"amount": "1.00"}\n', '{"user_id":"jos\u00e9"}'.encode()]
)
def test_the_signature_is_the_hmac_sha256_hex_of_the_raw_bytes(body: bytes) -> None:
    assert sign(body, SECRET) == _hmac_hex(body, SECRET)


def test_known_vectors() -> None:
    # RFC 4231, test case 2; and a callback body, computed once with `openssl dgst -hmac`.
    rfc = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert sign(b"what do ya want for nothing?", "Jefe") == rfc
    assert sign(BET, SECRET) == "ce60663f05db0fa448b31146e3a754a9045f26ff9cdefe5d2a7534cc3104bc6d"


def test_one_changed_byte_or_key_changes_the_signature() -> None:
    assert sign(BET.replace(b"10.00", b"10.01"), SECRET) != sign(BET, SECRET)
    assert sign(BET, SECRET + "x") != sign(BET, SECRET)


def test_a_signed_body_carries_the_signature_of_its_exact_bytes() -> None:
    fields = {"transaction_id": "igpx-0001", "action": "bet", "user_id": "p1",
              "currency": "USD", "amount": "10.00"}  # fmt: skip
    body, headers = signed(fields, Secret(SECRET))
    assert body == BET
    assert headers["X-Security-Hash"] == _hmac_hex(BET, SECRET)
    assert headers["Content-Type"] == "application/json"


def test_the_ledger_accepts_what_the_simulator_signs() -> None:
    body, headers = signed({"transaction_id": "t1", "amount": Decimal("2.50")}, SECRET)
    assert body == b'{"transaction_id":"t1","amount":"2.50"}'
    assert verify(headers, body, SECRET.encode())


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [("18.5", "USD", "18.50"), ("0", "EUR", "0.00"), ("1500", "JPY", "1500"),
     ("1.2", "KWD", "1.200"), ("123456789012345.67", "USD", "123456789012345.67")],
)  # fmt: skip
def test_amounts_are_written_with_a_currencys_places(value: str, currency: str, text: str) -> None:
    assert amount_text(Decimal(value), currency) == text


@pytest.mark.parametrize(
    ("text", "currency", "amount"),
    [("10", "USD", "10.00"), ("10.5", "USD", "10.50"), ("0.10", "USD", "0.10"),
     ("7", "JPY", "7"), ("1.000", "USD", "1.00")],
)  # fmt: skip
def test_plain_decimal_text_is_read_exactly(text: str, currency: str, amount: str) -> None:
    parsed = parse_amount(text, currency)
    assert (parsed, str(parsed)) == (Decimal(amount), amount)


@pytest.mark.parametrize(
    ("text", "currency"),
    [("1.001", "USD"), ("1.5", "JPY"), ("-1", "USD"), ("+1", "USD"), ("1e3", "USD"),
     ("", "USD"), (" 1", "USD"), ("NaN", "USD"), ("1" * 16, "USD"), ("1.", "USD")],
)  # fmt: skip
def test_anything_else_is_refused(text: str, currency: str) -> None:
    with pytest.raises(ValueError, match=r"decimal"):
        parse_amount(text, currency)


def test_json_numbers_are_read_as_decimals_not_floats() -> None:
    assert loads(b'{"stake": 0.1, "n": 3}') == {"stake": Decimal("0.1"), "n": 3}
    assert isinstance(loads(b'{"stake": 0.1}')["stake"], Decimal)


def test_a_secret_hides_in_a_repr_but_signs_with_its_value() -> None:
    secret = Secret(SECRET)
    assert SECRET not in repr(secret)
    assert SECRET not in repr({"secret": secret})
    assert sign(BET, secret) == sign(BET, SECRET)
