"""The responsible-gambling operations: a player's limits, changes to them, self-exclusion."""

from service.api.openapi.components import AMOUNT, STR, USER, Paths, Schema, json_body, obj, op

LIMITS: Schema = {"$ref": "#/components/schemas/Limits"}
MONEY: Schema = {"type": ["string", "null"]}
REASON: Schema = {"type": "string", "minLength": 1, "maxLength": 500}
KIND: Schema = {"enum": ["stake", "loss", "deposit"]}
PERIOD: Schema = {"enum": ["day", "week", "month"]}
PERIODS: Schema = obj(["day", "week", "month"], day=STR, week=STR, month=STR)


def limits_schema() -> Schema:
    """What GET /api/players/{user_id}/limits answers (and the changes answer too)."""
    pending = {
        "oneOf": [
            {"type": "null"},
            obj(["amount", "effective_at"], amount=MONEY, effective_at=STR),
        ]
    }
    limit = obj(
        ["currency", "kind", "period", "amount", "used", "remaining", "pending"],
        currency=STR, kind=KIND, period=PERIOD, amount=MONEY, used=STR, remaining=MONEY,
        pending=pending,
    )  # fmt: skip
    exclusion = obj(
        ["until", "ends_at", "indefinite"],
        until={"type": ["string", "null"], "format": "date"},
        ends_at=MONEY,
        indefinite={"type": "boolean"},
    )
    kinds = obj(["stake", "loss", "deposit"], stake=PERIODS, loss=PERIODS, deposit=PERIODS)
    return obj(
        ["user_id", "at", "self_exclusion", "limits", "usage"],
        user_id=STR,
        at=STR,
        self_exclusion={"oneOf": [{"type": "null"}, exclusion]},
        limits={"type": "array", "items": limit},
        usage={"type": "object", "additionalProperties": kinds},
    )


def paths() -> Paths:
    """Everything under /api/players/{user_id}/limits and .../self-exclusion."""
    answer = json_body(LIMITS, "every limit with its usage now, changes waiting, the exclusion")
    change = obj(
        ["currency", "kind", "period", "amount", "reason"],
        currency=STR, kind=KIND, period=PERIOD,
        amount={"oneOf": [AMOUNT, {"type": "null"}]}, reason=REASON,
    )  # fmt: skip
    exclude = obj(
        ["until", "reason"], until={"type": ["string", "null"], "format": "date"}, reason=REASON
    )
    bad = {"400": "invalid body or user_id"}
    return {
        "/api/players/{user_id}/limits": {
            "get": op("limits, usage and pending changes", answer, params=[USER], errors=bad),
            "put": op(
                "set or remove one limit (tighter at once, looser after 24 hours)",
                answer,
                body=change,
                params=[USER],
                errors=bad,
            ),
        },
        "/api/players/{user_id}/self-exclusion": {
            "post": op(
                "exclude the player through a date (UTC), or for ever (null)",
                answer,
                body=exclude,
                params=[USER],
                errors=bad | {"409": "SELF_EXCLUDED: already excluded for longer"},
            )
        },
    }
