"""The OpenAPI 3.1 document of the casino's API and the OPERATOR's callbacks, and its route."""

from typing import Any

from aiohttp import web

from service.api.openapi import audit, callbacks, components, limits, ops, wallets
from service.keys import SETTINGS
from service.responses import json_response

routes = web.RouteTableDef()


def document(callback_path: str) -> dict[str, Any]:
    """The whole document; callback paths follow CALLBACK_PATH.

    Every route the app serves is here and nothing else: tests/unit/test_openapi_drift.py.
    """
    return {
        "openapi": "3.1.0",
        "info": {"title": "sportsbook-ledger", "version": "1"},
        "components": _components(),
        "security": [{"bearer": []}],
        "paths": {
            **callbacks.paths(callback_path),
            **wallets.paths(),
            **limits.paths(),
            **audit.paths(),
            **ops.paths(),
        },
    }


def _components() -> dict[str, Any]:
    shared = components.components()
    shared["schemas"]["Limits"] = limits.limits_schema()
    return shared


@routes.get("/api/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    """The document, for people and for generated clients."""
    return json_response(document(request.app[SETTINGS].callback_path))
