"""Signed callback bodies and ready-to-paste curl commands, shared by the dev tools."""

import shlex
from typing import Any

import orjson

from service.signature import sign


def signed_body(fields: dict[str, Any], secret: str) -> tuple[bytes, str]:
    """The compact JSON body and its X-Security-Hash value."""
    body = orjson.dumps(fields)
    return body, sign(body, secret.encode())


def callback_url(base: str, callback_path: str, fields: dict[str, Any]) -> str:
    """Where the OPERATOR posts these fields."""
    leaf = "transaction-rollback" if fields.get("action") == "rollback" else "transaction"
    return f"{base}{callback_path}/{leaf}"


def curl(url: str, body: bytes, signature: str) -> str:
    """A one-line curl that sends exactly these bytes with their signature."""
    return " ".join(
        [
            "curl -s -X POST",
            shlex.quote(url),
            "-H 'Content-Type: application/json'",
            "-H " + shlex.quote(f"X-Security-Hash: {signature}"),
            "--data-binary",
            shlex.quote(body.decode()),
        ]
    )
