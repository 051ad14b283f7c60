"""Signature verification as a sans-I/O function: headers, raw bytes, secret."""

import pytest

from service.signature import sign, verify

SECRET = b"s3cret"
BODY = b'{"transaction_id":"t1"}'
GOOD = sign(BODY, SECRET)


def test_lowercase_and_uppercase_hex_are_accepted() -> None:
    assert verify({"X-Security-Hash": GOOD}, BODY, SECRET)
    assert verify({"X-Security-Hash": GOOD.upper()}, BODY, SECRET)


def test_the_misspelled_header_is_accepted_too() -> None:
    assert verify({"X-Securty-Hash": GOOD}, BODY, SECRET)


def test_the_correct_spelling_is_read_first() -> None:
    assert not verify({"X-Security-Hash": "0" * 64, "X-Securty-Hash": GOOD}, BODY, SECRET)


@pytest.mark.parametrize(
    "value",
    ["", "sha256=" + GOOD, GOOD[:-1], GOOD + "0", " " + GOOD, "z" * 64, "0" * 64],
)
def test_anything_but_the_bodys_hmac_is_refused(value: str) -> None:
    assert not verify({"X-Security-Hash": value}, BODY, SECRET)


def test_missing_header_is_refused() -> None:
    assert not verify({}, BODY, SECRET)


def test_a_single_changed_byte_is_refused() -> None:
    assert not verify({"X-Security-Hash": GOOD}, BODY.replace(b"t1", b"t2"), SECRET)
    assert not verify({"X-Security-Hash": GOOD}, BODY + b" ", SECRET)


def test_another_secret_is_refused() -> None:
    assert not verify({"X-Security-Hash": GOOD}, BODY, b"other")
