"""The OPERATOR's two callbacks, signed rather than token-bearing, under CALLBACK_PATH."""

from service.api.openapi.components import AMOUNT, STR, Paths, Schema, json_body, obj


def callback(rollback: bool) -> Schema:
    """One callback's POST: always 200, the outcome in the body's error field."""
    fields = ["transaction_id", "action", "user_id", "currency", "amount"]
    fields += ["rollback_transaction_id"] if rollback else []
    body = obj(fields, **{f: AMOUNT if f == "amount" else STR for f in fields})
    answer = obj(["error"], error={"type": ["string", "null"]}, transaction_id=STR, balance=STR)
    return {
        "post": {
            "summary": "OPERATOR callback: " + ("rollback" if rollback else "bet or result"),
            "security": [{"signature": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {"200": json_body(answer, "always 200; error is null or a code")},
        }
    }


def paths(callback_path: str) -> Paths:
    """Both callbacks where the OPERATOR was told to call (CALLBACK_PATH)."""
    return {
        f"{callback_path}/transaction": callback(rollback=False),
        f"{callback_path}/transaction-rollback": callback(rollback=True),
    }
