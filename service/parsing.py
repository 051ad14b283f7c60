"""Callback and API bodies to validated commands, with the contract's codes on the way."""

import json
import re
from collections.abc import Collection
from typing import Any

import orjson
from aiohttp import web

from domain.commands import Action, BalanceQuery, OperatorCommand
from domain.errors import InvalidRequestError
from domain.validation import balance_query, operator_command

MAX_ID_LENGTH = 256
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ROUTE_ACTIONS = {
    "transaction": (Action.BET, Action.RESULT, Action.GET_BALANCE),
    "transaction-rollback": (Action.ROLLBACK,),
    "": tuple(Action),  # POST {CALLBACK_PATH} itself: one endpoint for every action
}


class RawNumber(str):
    """A JSON number kept as the exact text it was sent as."""

    __slots__ = ()


def load_object(body: bytes) -> dict[str, Any]:
    """A JSON object whose numbers are RawNumber text; anything else is INVALID_REQUEST."""
    try:
        parsed = orjson.loads(body)
        if isinstance(parsed, dict) and not _has_number(parsed):
            return parsed
    except orjson.JSONDecodeError:
        pass
    return _load_exact(body)


def _has_number(obj: dict[str, Any]) -> bool:
    return any(isinstance(v, int | float) and not isinstance(v, bool) for v in obj.values())


def _load_exact(body: bytes) -> dict[str, Any]:
    # The standard parser hands number and NaN/Infinity text over untouched.
    try:
        parsed = json.loads(
            body, parse_float=RawNumber, parse_int=RawNumber, parse_constant=RawNumber
        )
    except (ValueError, RecursionError):
        raise InvalidRequestError("body is not JSON") from None
    if not isinstance(parsed, dict):
        raise InvalidRequestError("body is not a JSON object")
    return parsed


def text(obj: dict[str, Any], name: str, *, limit: int = MAX_ID_LENGTH) -> str:
    """A required, non-empty string field of sane length."""
    value = obj.get(name)
    if type(value) is not str:
        raise InvalidRequestError(f"{name} must be a string")
    if not 0 < len(value) <= limit:
        raise InvalidRequestError(f"{name} must have 1 to {limit} characters")
    if _CONTROL.search(value):
        # NUL cannot be stored in a text column, and no id needs control characters.
        raise InvalidRequestError(f"{name} contains control characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise InvalidRequestError(f"{name} is not valid Unicode") from None
    return value


def path_text(request: web.Request, name: str) -> str:
    """A path parameter held to the same rules as a body's id field."""
    return text({name: request.match_info[name]}, name)


def amount_text(obj: dict[str, Any], name: str = "amount") -> str:
    """The amount as sent, a JSON string or number; its notation is checked later."""
    value = obj.get(name)
    if not isinstance(value, str):  # RawNumber is a str
        raise InvalidRequestError(f"{name} must be a decimal string or number")
    return value


def parse_callback(
    body: bytes, route: str, currencies: Collection[str]
) -> OperatorCommand | BalanceQuery:
    """One OPERATOR callback body to its command, or the first code that refuses it."""
    obj = load_object(body)
    action_text = text(obj, "action")
    action = next((a for a in _ROUTE_ACTIONS[route] if a == action_text), None)
    if action is None:
        raise InvalidRequestError(f"action {action_text[:20]!r} is not handled here")
    if action is Action.GET_BALANCE:  # every other field is ignored
        user, currency = text(obj, "user_id"), text(obj, "currency")
        return balance_query(user_id=user, currency=currency, currencies=currencies)
    fields = {name: text(obj, name) for name in ("transaction_id", "user_id", "currency")}
    rollback_of = text(obj, "rollback_transaction_id") if action is Action.ROLLBACK else None
    amount = amount_text(obj)
    return operator_command(
        action,
        amount=amount,
        currencies=currencies,
        rollback_transaction_id=rollback_of,
        **fields,
    )
