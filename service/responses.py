"""JSON responses: the OPERATOR's always-200 answers and the casino API's errors."""

from typing import Any

import orjson
from aiohttp import web

from domain.answers import Answer
from domain.money import format_amount


def json_response(payload: Any, status: int = 200) -> web.Response:
    """orjson-encoded JSON with the right content type."""
    return web.Response(body=orjson.dumps(payload), status=status, content_type="application/json")


def callback_payload(answer: Answer) -> dict[str, Any]:
    """The OPERATOR's answer shape: error null plus ids and balance, or just the code."""
    if answer.error is not None:
        return {"error": answer.error.value}
    payload: dict[str, Any] = {"error": None}
    if answer.transaction_id is not None:
        payload["transaction_id"] = str(answer.transaction_id)
    if answer.balance is not None and answer.currency is not None:
        payload["balance"] = format_amount(answer.balance, answer.currency)
    if answer.currency is not None:
        payload["currency"] = answer.currency
    return payload


def api_error(status: int, code: str, message: str) -> web.Response:
    """The casino API's error body: a code to branch on and a sentence for people."""
    return json_response({"error": code, "message": message}, status=status)
