"""What every part of the document shares: schemas, security schemes and the helpers."""

from collections.abc import Mapping, Sequence
from typing import Any

Schema = dict[str, Any]
Paths = dict[str, dict[str, Any]]

ERROR: Schema = {"$ref": "#/components/schemas/Error"}
WALLET: Schema = {"$ref": "#/components/schemas/Wallet"}
STR: Schema = {"type": "string"}
AMOUNT: Schema = {
    "oneOf": [{"type": "string", "pattern": r"^[+-]?[0-9]+(\.[0-9]+)?$"}, {"type": "number"}]
}
USER: Schema = {"name": "user_id", "in": "path", "required": True, "schema": STR}
PAGE: list[Schema] = [
    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
]


def json_body(schema: Schema, text: str) -> Schema:
    """A response described by `text` whose JSON body follows `schema`."""
    return {"description": text, "content": {"application/json": {"schema": schema}}}


def obj(required: list[str], **props: Any) -> Schema:
    """A JSON object with these properties, of which `required` must be present."""
    return {"type": "object", "required": required, "properties": props}


def op(
    summary: str,
    ok: Schema,
    *,
    body: Schema | None = None,
    params: Sequence[Schema] = (),
    errors: Mapping[str, str] | None = None,
) -> Schema:
    """An operation behind the bearer token: 200 `ok`, 401, 503, and each error's text."""
    responses = {
        "200": ok,
        "401": json_body(ERROR, "missing or wrong bearer token"),
        "503": json_body(ERROR, "the store (or, for sessions, the OPERATOR's config) is not there"),
    }
    if body is not None:  # refused from the headers, before the body is read (service/intake.py)
        responses["413"] = json_body(ERROR, "the body is over its cap (64 KiB)")
        responses["415"] = json_body(ERROR, "a Content-Encoding other than identity, or two")
    responses.update({code: json_body(ERROR, text) for code, text in (errors or {}).items()})
    operation: Schema = {"summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if params:
        operation["parameters"] = list(params)
    return operation


def components() -> Schema:
    """The shared schemas and both ways in: the admin's bearer token, the OPERATOR's hash."""
    wallet = obj(
        ["user_id", "blocked", "balances"],
        user_id=STR,
        blocked={"type": "boolean"},
        balances={"type": "object", "additionalProperties": STR},
    )
    return {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "signature": {"type": "apiKey", "in": "header", "name": "X-Security-Hash"},
        },
        "schemas": {"Error": obj(["error", "message"], error=STR, message=STR), "Wallet": wallet},
    }
