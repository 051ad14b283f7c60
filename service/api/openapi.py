"""The OpenAPI 3 document of the casino's API and the OPERATOR's callbacks, built from config."""

from typing import Any

from aiohttp import web

from service.keys import SETTINGS
from service.responses import json_response

routes = web.RouteTableDef()
ERROR = {"$ref": "#/components/schemas/Error"}
WALLET = {"$ref": "#/components/schemas/Wallet"}


def _json(schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": schema}}}


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


_STR = {"type": "string"}
_AMOUNT = {
    "oneOf": [{"type": "string", "pattern": r"^[+-]?[0-9]+(\.[0-9]+)?$"}, {"type": "number"}]
}
_USER = {"name": "user_id", "in": "path", "required": True, "schema": _STR}
_PAGE = [
    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
]
_BAD_USER = {"400": "user_id too long or with control characters"}
_AUTH_ERRORS = {"401": _json(ERROR, "missing or wrong bearer token")}


def _op(
    summary: str, ok: dict[str, Any], *, body: Any = None, params: Any = (), **errors: Any
) -> Any:
    operation: dict[str, Any] = {"summary": summary, "responses": {"200": ok, **_AUTH_ERRORS}}
    operation["responses"].update({code: _json(ERROR, text) for code, text in errors.items()})
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if params:
        operation["parameters"] = list(params)
    return operation


def _cashier(verb: str) -> dict[str, Any]:
    body = _obj(["currency", "amount", "reference"], currency=_STR, amount=_AMOUNT, reference=_STR)
    done = _obj([], user_id=_STR, reference=_STR, transaction_id=_STR, currency=_STR, balance=_STR)
    return {
        "post": _op(
            verb,
            _json(done, "applied (or a repeat)"),
            body=body,
            params=[_USER],
            **{"400": "invalid body", "409": "short, or reference reused"},
        )
    }


def _callback(rollback: bool) -> dict[str, Any]:
    fields = ["transaction_id", "action", "user_id", "currency", "amount"]
    fields += ["rollback_transaction_id"] if rollback else []
    body = _obj(fields, **{f: _AMOUNT if f == "amount" else _STR for f in fields})
    answer = _obj(["error"], error={"type": ["string", "null"]}, transaction_id=_STR, balance=_STR)
    return {
        "post": {
            "summary": "OPERATOR callback: " + ("rollback" if rollback else "bet or result"),
            "security": [{"signature": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {"200": _json(answer, "always 200; error is null or a code")},
        }
    }


def document(callback_path: str) -> dict[str, Any]:
    """The whole document; callback paths follow CALLBACK_PATH."""
    wallet = _obj(
        ["user_id", "blocked", "balances"],
        user_id=_STR,
        blocked={"type": "boolean"},
        balances={"type": "object", "additionalProperties": _STR},
    )
    events = _json(_obj(["events", "next_after", "more"]), "a page of events")
    at = {"name": "at", "in": "query", "schema": _STR, "description": "ISO 8601 time or position"}
    day = [
        {"name": n, "in": "query", "required": n != "currency", "schema": _STR}
        for n in ("from", "to", "currency")
    ]
    session = _obj(["user_id", "currency"], user_id=_STR, currency=_STR, lang=_STR)
    return {
        "openapi": "3.1.0",
        "info": {"title": "sportsbook-ledger", "version": "1"},
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "signature": {"type": "apiKey", "in": "header", "name": "X-Security-Hash"},
            },
            "schemas": {
                "Error": _obj(["error", "message"], error=_STR, message=_STR),
                "Wallet": wallet,
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            f"{callback_path}/transaction": _callback(rollback=False),
            f"{callback_path}/transaction-rollback": _callback(rollback=True),
            "/api/wallets/{user_id}": {
                "get": _op(
                    "balances (now, or ?at= then)",
                    _json(WALLET, "the wallet"),
                    params=[_USER, at],
                    **{"400": "bad at"},
                )
            },
            "/api/wallets/{user_id}/deposits": _cashier("credit once per reference"),
            "/api/wallets/{user_id}/withdrawals": _cashier("debit once per reference"),
            "/api/players/{user_id}/block": {
                "post": _op(
                    "decline bets", _json(WALLET, "the wallet"), params=[_USER], **_BAD_USER
                )
            },
            "/api/players/{user_id}/unblock": {
                "post": _op("allow bets", _json(WALLET, "the wallet"), params=[_USER], **_BAD_USER)
            },
            "/api/sportsbook/sessions": {
                "post": _op(
                    "iframe URL from the OPERATOR",
                    _json(_obj(["url"], url=_STR), "the URL"),
                    body=session,
                    **{
                        "400": "invalid field",
                        "502": "OPERATOR failed",
                        "503": "OPERATOR not configured",
                    },
                )
            },
            "/api/audit/players/{user_id}/events": {
                "get": _op(
                    "a player's events", events, params=[_USER, *_PAGE], **{"400": "bad page"}
                )
            },
            "/api/audit/transactions/{id}": {
                "get": _op(
                    "one entry by either id",
                    _json(
                        _obj(["operator_transaction_id", "client_transaction_id", "status"]),
                        "the entry",
                    ),
                    params=[{"name": "id", "in": "path", "required": True, "schema": _STR}],
                    **{"404": "unknown id"},
                )
            },
            "/api/audit/events": {
                "get": _op(
                    "the whole ledger by position", events, params=_PAGE, **{"400": "bad page"}
                )
            },
            "/api/reports/daily": {
                "get": _op(
                    "daily totals per currency",
                    _json(_obj(["days"]), "the days"),
                    params=day,
                    **{"400": "bad dates"},
                )
            },
            "/api/openapi.json": {
                "get": _op("this document", _json({"type": "object"}, "OpenAPI 3"))
            },
            "/healthz": {
                "get": {
                    "summary": "the process is up",
                    "security": [],
                    "responses": {"200": _json(_obj(["status"]), "up")},
                }
            },
            "/readyz": {
                "get": {
                    "summary": "the store answers",
                    "security": [],
                    "responses": {
                        "200": _json(_obj(["status"]), "ready"),
                        "503": _json(_obj(["status"]), "not ready"),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus text",
                    "security": [],
                    "responses": {"200": {"description": "text/plain exposition"}},
                }
            },
        },
    }


@routes.get("/api/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    """The document, for people and for generated clients."""
    return json_response(document(request.app[SETTINGS].callback_path))
