"""The OPERATOR's callbacks, signed rather than token-bearing, under CALLBACK_PATH."""

from service.api.openapi.components import AMOUNT, STR, Paths, Schema, json_body, obj

_MONEY = ["transaction_id", "action", "user_id", "currency", "amount"]
_ROLLBACK = [*_MONEY, "rollback_transaction_id"]
_BALANCE = ["action", "user_id", "currency"]


def _body(fields: list[str]) -> Schema:
    return obj(fields, **{f: AMOUNT if f == "amount" else STR for f in fields})


def callback(summary: str, bodies: list[Schema]) -> Schema:
    """One callback's POST: always 200, the outcome in the body's error field."""
    answer = obj(
        ["error"],
        error={"type": ["string", "null"]},
        transaction_id=STR,
        balance=STR,
        currency=STR,
    )
    body = bodies[0] if len(bodies) == 1 else {"oneOf": bodies}
    return {
        "post": {
            "summary": "OPERATOR callback: " + summary,
            "security": [{"signature": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {"200": json_body(answer, "always 200; error is null or a code")},
        }
    }


def paths(callback_path: str) -> Paths:
    """Every callback route where the OPERATOR was told to call (CALLBACK_PATH)."""
    money, balance, rollback = _body(_MONEY), _body(_BALANCE), _body(_ROLLBACK)
    return {
        callback_path: callback("any action, dispatched on action", [money, rollback, balance]),
        f"{callback_path}/transaction": callback("bet, result or getBalance", [money, balance]),
        f"{callback_path}/transaction-rollback": callback("rollback", [rollback]),
    }
