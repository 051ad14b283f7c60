"""The auditor's and the accountant's operations: event history, entries, daily reports."""

from service.api.openapi.components import PAGE, STR, USER, Paths, Schema, json_body, obj, op

EVENTS: Schema = json_body(obj(["events", "next_after", "more"]), "a page of events")
ID: Schema = {"name": "id", "in": "path", "required": True, "schema": STR}
BAD_PAGE = {"400": "bad page"}
RUN: Schema = json_body(
    obj(["run", "ids", "counts", "matched", "found", "discrepancies", "next_after", "more"]),
    "a run's counts and a page of its discrepancies, each numbered (`seq`)",
)
DAY: list[Schema] = [
    {"name": n, "in": "query", "required": n != "currency", "schema": STR}
    for n in ("from", "to", "currency")
]


def paths() -> Paths:
    """Everything under /api/audit, /api/reports and /api/reconciliations."""
    entry = obj(["operator_transaction_id", "client_transaction_id", "status"])
    return {
        "/api/audit/players/{user_id}/events": {
            "get": op("a player's events", EVENTS, params=[USER, *PAGE], errors=BAD_PAGE)
        },
        "/api/audit/transactions/{id}": {
            "get": op(
                "one entry by OPERATOR id, cashier reference or CLIENT id",
                json_body(entry, "the entry"),
                params=[ID],
                errors={
                    "400": "id too long or with control characters",
                    "404": "unknown id (the read models are current)",
                    "503": "not found while the read models are behind the ledger: retry",
                },
            )
        },
        "/api/audit/events": {
            "get": op("the whole ledger by position", EVENTS, params=PAGE, errors=BAD_PAGE)
        },
        "/api/reconciliations": {
            "post": {
                **op(
                    "compare an OPERATOR export (CSV or JSON lines) with the ledger, saved as "
                    "a run: its id, the counts by class and the first `limit` discrepancies",
                    RUN,
                    params=[
                        *({"name": n, "in": "query", "schema": STR} for n in ("from", "to")),
                        PAGE[1],
                    ],
                    errors={
                        "400": "the export cannot be read (the line is named)",
                        "413": "the export is over RECONCILE_MAX_BYTES",
                        "503": "too many reconciliations waiting already",
                    },
                ),
                "requestBody": {
                    "required": True,
                    "description": "CSV with a header row, or JSON lines with the same keys",
                    "content": {"text/csv": {"schema": STR}, "text/plain": {"schema": STR}},
                },
            }
        },
        "/api/reconciliations/{run}": {
            "get": op(
                "a saved run's counts and its discrepancies after the `after`-th",
                RUN,
                params=[{"name": "run", "in": "path", "required": True, "schema": STR}, *PAGE],
                errors={**BAD_PAGE, "404": "no such run (only the newest are kept)"},
            )
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
