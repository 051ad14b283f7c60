"""Signed OPERATOR callbacks as the OPERATOR sends them, for tests that speak the wire."""

import hashlib
import hmac
from typing import Any

import orjson

SECRET = "test-security-hash"
ADMIN_TOKEN = "test-admin-token"
CALLBACK_PATH = "/api/payment/webhook/igpx"


def sign(body: bytes, secret: str = SECRET) -> str:
    """Lowercase hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_of(**fields: Any) -> bytes:
    """A compact JSON body with the fields in the given order."""
    return orjson.dumps(fields)


def bet(tid: str, user: str, amount: str = "1.00", currency: str = "USD") -> dict[str, Any]:
    """A bet callback's fields."""
    return {
        "transaction_id": tid,
        "action": "bet",
        "user_id": user,
        "currency": currency,
        "amount": amount,
    }


def result(tid: str, user: str, amount: str = "1.00", currency: str = "USD") -> dict[str, Any]:
    """A result callback's fields."""
    return {**bet(tid, user, amount, currency), "action": "result"}


def rollback(
    tid: str, target: str, user: str, amount: str = "1.00", currency: str = "USD"
) -> dict[str, Any]:
    """A rollback callback's fields."""
    return {
        "transaction_id": tid,
        "rollback_transaction_id": target,
        "action": "rollback",
        "user_id": user,
        "currency": currency,
        "amount": amount,
    }


def route_of(fields: dict[str, Any]) -> str:
    """The callback path the OPERATOR posts these fields to."""
    leaf = "transaction-rollback" if fields.get("action") == "rollback" else "transaction"
    return f"{CALLBACK_PATH}/{leaf}"
