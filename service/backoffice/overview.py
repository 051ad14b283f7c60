"""The overview: today's totals per currency, callbacks per minute and their codes, lag."""

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from service.backoffice.render import page
from service.backoffice.reports import shown_row
from service.blocking import off_loop
from service.keys import METRICS, READ_MODELS

routes = web.RouteTableDef()


@routes.get("/")
async def overview(request: web.Request) -> web.Response:
    """What finance and support look at first."""
    read_models = request.config_dict[READ_MODELS]
    today = datetime.now(UTC).date()
    totals = [shown_row(r) for r in await off_loop(request, read_models.daily, today, today, None)]
    lag_events, lag_seconds = await off_loop(request, read_models.lag)
    position = await off_loop(request, read_models.position)
    minutes = request.config_dict[METRICS].recent.last()
    return await page(
        request, "overview.html", today=today, totals=totals, minutes=_minutes(minutes),
        codes=_codes(request), lag_events=lag_events, lag_seconds=round(lag_seconds, 1),
        position=position,
    )  # fmt: skip


def _minutes(minutes: list[tuple[int, dict[str, int]]]) -> list[dict[str, Any]]:
    return [
        {
            "at": datetime.fromtimestamp(start, UTC).strftime("%H:%M"),
            "total": sum(tally.values()),
            "errors": sum(n for outcome, n in tally.items() if outcome != "ok"),
        }
        for start, tally in minutes
    ]


def _codes(request: web.Request) -> list[tuple[str, int]]:
    """Callbacks answered since this process started, by outcome, most frequent first."""
    counts: dict[str, int] = {}
    for metric in request.config_dict[METRICS].callbacks.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                outcome = sample.labels["outcome"]
                counts[outcome] = counts.get(outcome, 0) + int(sample.value)
    return sorted(counts.items(), key=lambda item: -item[1])
