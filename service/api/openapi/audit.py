"""The auditor's and the accountant's operations: event history, entries, daily reports."""

from service.api.openapi.components import PAGE, STR, USER, Paths, Schema, json_body, obj, op

EVENTS: Schema = json_body(obj(["events", "next_after", "more"]), "a page of events")
ID: Schema = {"name": "id", "in": "path", "required": True, "schema": STR}
BAD_PAGE = {"400": "bad page"}
DAY: list[Schema] = [
    {"name": n, "in": "query", "required": n != "currency", "schema": STR}
    for n in ("from", "to", "currency")
]


def paths() -> Paths:
    """Everything under /api/audit and /api/reports."""
    entry = obj(["operator_transaction_id", "client_transaction_id", "status"])
    return {
        "/api/audit/players/{user_id}/events": {
            "get": op("a player's events", EVENTS, params=[USER, *PAGE], errors=BAD_PAGE)
        },
        "/api/audit/transactions/{id}": {
            "get": op(
                "one entry by either id",
                json_body(entry, "the entry"),
                params=[ID],
                errors={"400": "id too long or with control characters", "404": "unknown id"},
            )
        },
        "/api/audit/events": {
            "get": op("the whole ledger by position", EVENTS, params=PAGE, errors=BAD_PAGE)
        },
        "/api/reports/daily": {
            "get": op(
                "daily totals per currency",
                json_body(obj(["days"]), "the days"),
                params=DAY,
                errors={"400": "bad dates or currency"},
            )
        },
    }
