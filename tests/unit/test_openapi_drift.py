"""The OpenAPI document against the app's own router, with no server and no store: every
route served is documented, every documented operation is served, wherever CALLBACK_PATH is."""

import re
from typing import Any

import pytest
from aiohttp import hdrs

from service.api import openapi
from service.app import create_app
from service.settings import Settings

Operation = tuple[str, str]  # (METHOD, /path/{param})
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
CALLBACK_PATHS = [None, "/hooks/igpx"]  # None: the default one
PAGES = "/backoffice"


def config(callback_path: str | None) -> Settings:
    env = {"IGPX_SECURITY_HASH": "s" * 16, "ADMIN_TOKEN": "a" * 16, "DATABASE_URL": "memory://"}
    return Settings.from_env(env | ({"CALLBACK_PATH": callback_path} if callback_path else {}))


def served(app_config: Settings) -> set[Operation]:
    """What the router answers; the store opens only at startup, so nothing starts here.
    HEAD is left out: aiohttp adds it beside every GET; so are the back office's pages
    (HTML for people, not the machine API) and / that leads to them."""
    return {
        (route.method, route.resource.canonical)
        for route in create_app(app_config).router.routes()
        if route.resource is not None
        and route.method != hdrs.METH_HEAD
        and not route.resource.canonical.startswith(PAGES)
        and route.resource.canonical != "/"
    }


def documented(document: dict[str, Any]) -> set[Operation]:
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


@pytest.mark.parametrize("callback_path", CALLBACK_PATHS)
def test_the_document_names_exactly_the_routes_served(callback_path: str | None) -> None:
    app_config = config(callback_path)
    routes = served(app_config)
    operations = documented(openapi.document(app_config.callback_path))
    assert any(path.startswith(app_config.callback_path + "/") for _, path in routes)
    missing, extra = sorted(routes - operations), sorted(operations - routes)
    assert (missing, extra) == ([], []), (
        f"served but not in the document: {missing}; in the document but not served: {extra}"
    )


@pytest.mark.parametrize("callback_path", CALLBACK_PATHS)
def test_every_path_parameter_is_declared(callback_path: str | None) -> None:
    document = openapi.document(config(callback_path).callback_path)
    for path, item in document["paths"].items():
        for method in METHODS & item.keys():
            declared = {p["name"] for p in item[method].get("parameters", ()) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), (method.upper(), path)
