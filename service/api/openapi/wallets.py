"""The cashier's and the front end's operations: wallets, deposits, blocking, sessions."""

from service.api.openapi.components import (
    AMOUNT,
    STR,
    USER,
    WALLET,
    Paths,
    Schema,
    json_body,
    obj,
    op,
)

AT: Schema = {
    "name": "at",
    "in": "query",
    "schema": STR,
    "description": "ISO 8601 time or position",
}
BAD_USER = {"400": "user_id too long or with control characters"}


def cashier(verb: str) -> Schema:
    """A deposit or a withdrawal: applied once per reference, a repeat answers the same."""
    body = obj(["currency", "amount", "reference"], currency=STR, amount=AMOUNT, reference=STR)
    done = obj([], user_id=STR, reference=STR, transaction_id=STR, currency=STR, balance=STR)
    applied = json_body(done, "applied (or a repeat)")
    errors = {
        "400": "invalid body",
        "409": "short, reference reused, over a deposit limit, or the player is self-excluded",
    }
    return {"post": op(verb, applied, body=body, params=[USER], errors=errors)}


def paths() -> Paths:
    """Everything under /api/wallets, /api/players and /api/sportsbook."""
    wallet = json_body(WALLET, "the wallet")
    session = obj(["user_id", "currency"], user_id=STR, currency=STR, lang=STR)
    url = json_body(obj(["url"], url=STR), "the URL")
    operator = {"400": "invalid field", "502": "OPERATOR failed", "503": "OPERATOR not configured"}
    return {
        "/api/wallets/{user_id}": {
            "get": op(
                "balances (now, or ?at= then)", wallet, params=[USER, AT], errors={"400": "bad at"}
            )
        },
        "/api/wallets/{user_id}/deposits": cashier("credit once per reference"),
        "/api/wallets/{user_id}/withdrawals": cashier("debit once per reference"),
        "/api/players/{user_id}/block": {
            "post": op("decline bets", wallet, params=[USER], errors=BAD_USER)
        },
        "/api/players/{user_id}/unblock": {
            "post": op("allow bets", wallet, params=[USER], errors=BAD_USER)
        },
        "/api/sportsbook/sessions": {
            "post": op("iframe URL from the OPERATOR", url, body=session, errors=operator)
        },
    }
