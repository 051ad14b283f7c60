"""Callback signatures: HMAC-SHA256 of the raw body, checked before anything is parsed."""

import hashlib
import hmac
import re
from collections.abc import Mapping

# The OPERATOR's own examples misspell the header; both are accepted, the right one first.
HEADERS = ("X-Security-Hash", "X-Securty-Hash")
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def sign(body: bytes, secret: bytes) -> str:
    """The lowercase hex signature the OPERATOR sends for this body."""
    return hmac.digest(secret, body, hashlib.sha256).hex()  # one C call, no HMAC object


def verify(headers: Mapping[str, str], body: bytes, secret: bytes) -> bool:
    """True only when the first signature header present is the body's HMAC, in hex."""
    given = next((headers[h] for h in HEADERS if h in headers), "")
    if not _HEX_SHA256.fullmatch(given):
        return False
    return hmac.compare_digest(given.lower(), sign(body, secret))
