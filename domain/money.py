"""Exact money: how many decimal places each currency has, and the notation amounts may use."""

import re
from collections.abc import Collection
from decimal import Decimal

from domain.errors import InvalidAmountError, UnsupportedCurrencyError

# ISO 4217 minor units of currencies that do not have two; every other code has two.
_MINOR_UNITS = {
    "BHD": 3, "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0, "JOD": 3,
    "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0, "RWF": 0,
    "TND": 3, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}  # fmt: skip
# Amounts are capped well inside Decimal's 28 significant digits, so sums stay exact.
MAX_INTEGER_DIGITS = 15
_NOTATION = re.compile(r"[+-]?[0-9]{1,40}(?:\.[0-9]{1,40})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
ZERO = Decimal(0)


def minor_units(currency: str) -> int:
    """Decimal places the currency allows."""
    return _MINOR_UNITS.get(currency, 2)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in {2, *_MINOR_UNITS.values()}}


def quantum(currency: str) -> Decimal:
    """The smallest amount of the currency, as a Decimal exponent (nothing is cached per code)."""
    return _QUANTA[minor_units(currency)]


def parse_amount(text: str, currency: str) -> Decimal:
    """Read plain decimal notation as an exact amount of the currency, or refuse it."""
    if not _NOTATION.fullmatch(text):
        raise InvalidAmountError(f"amount {text[:40]!r} is not plain decimal notation")
    value = Decimal(text)
    if value < ZERO:
        raise InvalidAmountError("amount is negative")
    # Size first: quantizing 27 integer digits to cents would exceed Decimal's precision.
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise InvalidAmountError(f"amount exceeds {MAX_INTEGER_DIGITS} integer digits")
    exact = value.quantize(quantum(currency))
    if exact != value:
        raise InvalidAmountError(f"{currency} allows {minor_units(currency)} places")
    return abs(exact)  # abs() turns "-0" into 0


def format_amount(value: Decimal, currency: str) -> str:
    """Render an amount with exactly the currency's places, for answers."""
    return str(value.quantize(quantum(currency)))


def check_currency(currency: str, accepted: Collection[str]) -> str:
    """Accept only configured, upper-case ISO-style codes."""
    if currency not in accepted:
        raise UnsupportedCurrencyError(f"currency {currency[:12]!r} is not accepted")
    return currency


def valid_currency_code(code: str) -> bool:
    """True for three upper-case letters, the shape CURRENCIES entries must have."""
    return bool(_CURRENCY.fullmatch(code))
