"""Amount notation and currency places, as pure functions."""

from decimal import Decimal

import pytest

from domain.errors import InvalidAmountError, UnsupportedCurrencyError
from domain.money import check_currency, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", "10.00"),
        ("10.5", "10.50"),
        ("1.000", "1.00"),
        ("+5", "5.00"),
        ("-0", "0.00"),
        ("0", "0.00"),
        ("00012.30", "12.30"),
        ("63727092.34", "63727092.34"),
        ("999999999999999.99", "999999999999999.99"),
    ],
)
def test_plain_notation_is_read_exactly(text: str, expected: str) -> None:
    assert format_amount(parse_amount(text, "USD"), "USD") == expected


@pytest.mark.parametrize(
    "text",
    [
        "1e3", "1E3", "0x10", "1,00", " 1", "1 ", "", "NaN", "nan", "Infinity", "-Infinity",
        "1.", ".5", "1.001", "0.001", "-1", "-0.01", "1000000000000000", "١٢", "1_000",
        "9" * 41,
    ],
)  # fmt: skip
def test_anything_else_is_an_invalid_amount(text: str) -> None:
    with pytest.raises(InvalidAmountError):
        parse_amount(text, "USD")


def test_places_follow_the_currency() -> None:
    assert parse_amount("5", "JPY") == Decimal(5)
    with pytest.raises(InvalidAmountError):
        parse_amount("5.5", "JPY")
    assert format_amount(parse_amount("1.234", "KWD"), "KWD") == "1.234"


def test_cents_add_exactly() -> None:
    assert parse_amount("0.01", "USD") + parse_amount("0.02", "USD") == Decimal("0.03")


def test_currency_codes_match_exactly() -> None:
    assert check_currency("USD", {"USD"}) == "USD"
    for code in ("usd", "USDT", ""):
        with pytest.raises(UnsupportedCurrencyError):
            check_currency(code, {"USD"})
