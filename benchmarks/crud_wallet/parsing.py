"""Request bodies to checked values, refusing with the contract's codes in its order."""

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

_NOTATION = re.compile(r"[+-]?[0-9]{1,40}(?:\.[0-9]{1,40})?")
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "BHD": 3, "JOD": 3, "KWD": 3, "OMR": 3, "TND": 3}
MAX_INTEGER_DIGITS = 15
MAX_TEXT = 256
ACTIONS = {"transaction": ("bet", "result"), "transaction-rollback": ("rollback",)}


class Refused(Exception):
    """A request refused before any business rule; nothing is recorded."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class _Raw(str):
    """A JSON number kept as the text it was sent as, never a float."""


@dataclass(frozen=True, slots=True)
class Callback:
    """One validated OPERATOR callback."""

    transaction_id: str
    action: str
    user_id: str
    currency: str
    amount: Decimal
    rollback_of: str | None = None


def load_object(body: bytes) -> dict[str, Any]:
    """A JSON object whose numbers stay exact text; anything else is INVALID_REQUEST."""
    try:
        parsed = orjson.loads(body)
        if isinstance(parsed, dict) and not any(type(v) in (int, float) for v in parsed.values()):
            return parsed
    except orjson.JSONDecodeError:
        pass  # NaN, huge integers: the standard parser below keeps them as text
    try:
        parsed = json.loads(body, parse_float=_Raw, parse_int=_Raw, parse_constant=_Raw)
    except (ValueError, RecursionError):
        raise Refused("INVALID_REQUEST") from None
    if not isinstance(parsed, dict):
        raise Refused("INVALID_REQUEST")
    return parsed


def text(obj: dict[str, Any], name: str) -> str:
    """A required string of 1 to 256 characters that PostgreSQL can store."""
    value = obj.get(name)
    if type(value) is not str or not 0 < len(value) <= MAX_TEXT or "\x00" in value:
        raise Refused("INVALID_REQUEST")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise Refused("INVALID_REQUEST") from None
    return value


def places(currency: str) -> int:
    """Decimal places the currency allows."""
    return _MINOR_UNITS.get(currency, 2)


def amount(obj: dict[str, Any], currency: str, *, positive: bool) -> Decimal:
    """Plain decimal notation, not negative, within the currency's places."""
    raw = obj.get("amount")
    if not isinstance(raw, str):
        raise Refused("INVALID_REQUEST")
    if not _NOTATION.fullmatch(raw):
        raise Refused("INVALID_AMOUNT")
    value = Decimal(raw)
    if value < 0 or value.adjusted() >= MAX_INTEGER_DIGITS:
        raise Refused("INVALID_AMOUNT")
    exact = value.quantize(Decimal(1).scaleb(-places(currency)))
    if exact != value or (positive and exact == 0):
        raise Refused("INVALID_AMOUNT")
    return abs(exact)


def parse_callback(body: bytes, route: str, accepted: Collection[str]) -> Callback:
    """One callback body to a Callback, or Refused with the first code that applies."""
    obj = load_object(body)
    names = ("transaction_id", "user_id", "currency", "action")
    tid, user, code, action = (text(obj, n) for n in names)
    rollback_of = text(obj, "rollback_transaction_id") if route != "transaction" else None
    if action not in ACTIONS[route]:
        raise Refused("INVALID_REQUEST")
    value = amount(obj, code, positive=action == "bet")
    if code not in accepted:
        raise Refused("UNSUPPORTED_CURRENCY")
    return Callback(tid, action, user, code, value, rollback_of)


def parse_deposit(body: bytes, accepted: Collection[str]) -> tuple[str, str, Decimal]:
    """A cashier top-up body to (reference, currency, amount)."""
    obj = load_object(body)
    reference, code = text(obj, "reference"), text(obj, "currency")
    value = amount(obj, code, positive=True)
    if code not in accepted:
        raise Refused("UNSUPPORTED_CURRENCY")
    return reference, code, value


def format_amount(value: Decimal, code: str) -> str:
    """An amount with exactly the currency's places."""
    return str(value.quantize(Decimal(1).scaleb(-places(code))))
