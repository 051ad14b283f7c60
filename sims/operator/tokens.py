"""The simulator's tokens: signed, expiring claims, so a forged or stale one is refused."""

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

import orjson


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())


def issue(key: bytes, claims: dict[str, Any], lifetime: float) -> str:
    """A token carrying the claims until lifetime seconds from now."""
    body = claims | {"exp": time.time() + lifetime, "nonce": secrets.token_hex(8)}
    payload = _b64(orjson.dumps(body))
    return f"{payload}.{_mac(key, payload)}"


def read(key: bytes, token: str) -> dict[str, Any] | None:
    """The claims of a genuine, unexpired token; None for anything else."""
    payload, _, mac = token.partition(".")
    if not mac or not hmac.compare_digest(mac, _mac(key, payload)):
        return None
    try:
        claims = orjson.loads(_unb64(payload))
    except (ValueError, orjson.JSONDecodeError):
        return None
    if not isinstance(claims, dict) or not time.time() < float(claims.get("exp", 0)):
        return None
    return claims
