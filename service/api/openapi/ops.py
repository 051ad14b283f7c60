"""The operations team's routes: probes, metrics and this document itself."""

from service.api.openapi.components import Paths, Schema, json_body, obj, op


def public(summary: str, responses: Schema) -> Schema:
    """A GET that needs no token, for load balancers and scrapers."""
    return {"get": {"summary": summary, "security": [], "responses": responses}}


def paths() -> Paths:
    """/api/openapi.json, /healthz, /readyz and /metrics."""
    status = obj(["status"])
    return {
        "/api/openapi.json": {
            "get": op("this document", json_body({"type": "object"}, "OpenAPI 3"))
        },
        "/healthz": public("the process is up", {"200": json_body(status, "up")}),
        "/readyz": public(
            "the store answers",
            {"200": json_body(status, "ready"), "503": json_body(status, "not ready")},
        ),
        "/metrics": public("Prometheus text", {"200": {"description": "text/plain exposition"}}),
    }
