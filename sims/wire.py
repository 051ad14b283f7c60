"""The wire format the simulators speak: signed JSON bodies and amounts as exact decimal text."""

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson
from aiohttp import web

SIGNATURE_HEADER = "X-Security-Hash"

# ISO 4217 currencies whose smallest unit is not a hundredth; every other code has two places.
_ZERO_PLACES = frozenset({"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                          "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"})  # fmt: skip
_THREE_PLACES = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})
_PLAIN = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})?")


def sign(body: bytes, secret: str) -> str:
    """HMAC-SHA256 of exactly these bytes under the shared secret, as lowercase hex."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _exact(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no JSON form here")


def dumps(payload: Any) -> bytes:
    """Compact JSON; a Decimal goes out as its exact text, never through a float."""
    return orjson.dumps(payload, default=_exact)


def loads(raw: bytes) -> Any:
    """JSON with every fractional number read as a Decimal; ValueError for anything else."""
    try:
        return json.loads(raw, parse_float=Decimal)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def read_object(raw: bytes) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one."""
    try:
        body = loads(raw)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def signed(fields: Mapping[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """The body as it goes out, and headers carrying the signature of those very bytes."""
    body = dumps(fields)
    return body, {SIGNATURE_HEADER: sign(body, secret), "Content-Type": "application/json"}


def json_response(payload: Any, status: int = 200) -> web.Response:
    """A JSON answer in the same encoding as the bodies the simulators send."""
    return web.Response(body=dumps(payload), status=status, content_type="application/json")


def places(currency: str) -> int:
    """How many decimal places the currency's amounts have."""
    return 0 if currency in _ZERO_PLACES else 3 if currency in _THREE_PLACES else 2


def smallest(currency: str) -> Decimal:
    """The currency's smallest unit: 0.01 for most, 1 for JPY, 0.001 for KWD."""
    return Decimal(1).scaleb(-places(currency))


def amount_text(value: Decimal, currency: str) -> str:
    """The amount written with exactly the currency's places, as callbacks carry it."""
    return format(value, f".{places(currency)}f")


def parse_amount(text: str, currency: str) -> Decimal:
    """Plain decimal text as an exact, non-negative amount of the currency; else ValueError."""
    if not _PLAIN.fullmatch(text):
        raise ValueError(f"{text[:40]!r} is not a plain decimal amount")
    value = Decimal(text)
    exact = value.quantize(smallest(currency))
    if exact != value:
        raise ValueError(f"{currency} amounts have {places(currency)} decimal places")
    return exact
