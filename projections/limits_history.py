"""A player's limit history for compliance: every limit asked for and every self-exclusion,
oldest first, with when it applies, who asked (an admin's name or "api") and why."""

from typing import Any

from projections.read_models import ReadModels

COLUMNS = (
    "position", "time", "event", "currency", "kind", "period", "amount", "effective_at",
    "until", "actor", "reason",
)  # fmt: skip
_EVENTS = {"Player.LimitChanged": "limit", "Player.SelfExcluded": "self-exclusion"}
PAGE = 1000


def limit_history(read_models: ReadModels, user_id: str) -> list[dict[str, Any]]:
    """Every LimitChanged and SelfExcluded event of the player, in the order recorded.

    An amount of None is a removal; an until of None an exclusion for ever (a
    self-exclusion's until is the moment it ends: the midnight after its last day).
    """
    rows, after = [], 0
    while page := read_models.player_events(user_id, after, PAGE):
        for event in page:
            kind = _EVENTS.get(str(event["type"]))
            if kind is not None:
                rows.append({c: event.get(c) for c in COLUMNS} | {"event": kind})
        after = page[-1]["position"]
    return rows
