"""Finance's daily report: stakes, payouts, refunds and GGR per currency, chart and CSV."""

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiohttp import web

from adapters.spreadsheet import DictWriter
from domain.errors import InvalidRequestError
from domain.money import format_amount
from projections.queries import REPORT_COLUMNS
from projections.schema import DAILY_SUMS
from service.api.reading import caught_up
from service.backoffice.chart import chart
from service.backoffice.render import page
from service.blocking import off_loop
from service.keys import READ_MODELS

routes = web.RouteTableDef()
MAX_DAYS = 366
AMOUNTS = (*DAILY_SUMS, "ggr")


def span(request: web.Request) -> tuple[date, date]:
    """from and to (YYYY-MM-DD), by default the last 14 days; at most a year."""
    today = datetime.now(UTC).date()
    try:
        end = date.fromisoformat(request.query.get("to") or today.isoformat())
        start = date.fromisoformat(request.query.get("from") or (end - timedelta(13)).isoformat())
    except (ValueError, OverflowError):  # OverflowError: 14 days before 0001-01-05
        raise InvalidRequestError("from and to must be dates like 2026-11-26") from None
    if start > end or (end - start).days >= MAX_DAYS:
        raise InvalidRequestError(f"from must come before to, at most {MAX_DAYS} days apart")
    return start, end


async def _rows(request: web.Request, start: date, end: date) -> list[dict[str, str]]:
    await caught_up(request)
    return await off_loop(request, request.config_dict[READ_MODELS].daily, start, end, None)


@routes.get("/reports")
async def report(request: web.Request) -> web.Response:
    """The table and one chart per currency."""
    start, end = span(request)
    rows = await _rows(request, start, end)
    currencies = sorted({r["currency"] for r in rows})
    return await page(
        request, "reports.html", start=start, end=end, rows=rows,
        charts=[chart(rows, c, start, end) for c in currencies],
        shown=[shown_row(r) for r in rows],
    )  # fmt: skip


def shown_row(row: dict[str, Any]) -> dict[str, Any]:
    """Amounts with the currency's places, for people (the CSV keeps the report's text)."""
    return row | {k: format_amount(Decimal(row[k]), row["currency"]) for k in AMOUNTS}


@routes.get("/reports.csv")
async def report_csv(request: web.Request) -> web.Response:
    """The same rows as a CSV download, with the day's closing link of the hash chain."""
    start, end = span(request)
    out = io.StringIO()
    writer = DictWriter(out, fieldnames=REPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(await _rows(request, start, end))
    name = f"ledger-daily-{start}-{end}.csv"
    return web.Response(
        text=out.getvalue(), content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip
