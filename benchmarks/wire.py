"""The OPERATOR's wire details that the load generator and the CRUD wallet share."""

import hashlib
import hmac

CALLBACK_PATH = "/api/payment/webhook/igpx"
SIGNATURE_HEADERS = ("X-Security-Hash", "X-Securty-Hash")


def sign(body: bytes, secret: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of the raw body, as the OPERATOR sends it."""
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def callback_url(base_url: str, action: str, path: str = CALLBACK_PATH) -> str:
    """Where the OPERATOR posts a callback of this action."""
    leaf = "transaction-rollback" if action == "rollback" else "transaction"
    return f"{base_url.rstrip('/')}{path}/{leaf}"
