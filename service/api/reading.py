"""Parameters of the read routes (pages, moments), and waiting for the read models."""

import asyncio
import time
from datetime import UTC, date, datetime
from typing import Any

from aiohttp import web

from domain.errors import InvalidRequestError
from service.blocking import off_loop
from service.keys import READ_MODELS

MAX_LIMIT = 1000
MAX_POSITION = 2**62
CATCH_UP_S = 2.0
POLL_S = 0.02


async def caught_up(request: web.Request) -> bool:
    """Wait (briefly) until the read models include everything committed before this request.

    The wait is on the event loop, each look at the position a short read on the pool: a
    blocking poll would hold a read thread for the whole wait (and /readyz behind it).
    """
    read_models = request.config_dict[READ_MODELS]
    head = await off_loop(request, read_models.head)
    deadline = time.monotonic() + CATCH_UP_S
    while await off_loop(request, read_models.position) < head:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(POLL_S)
    return True


def whole_number(request: web.Request, name: str, default: int, high: int) -> int:
    """A query parameter between 0 and high, else INVALID_REQUEST naming it."""
    if name not in request.query:
        return default
    raw = request.query[name]
    # Length first: int() of thousands of digits is refused by Python itself.
    if len(raw) > len(str(high)) or not raw.isascii() or not raw.isdigit() or int(raw) > high:
        raise InvalidRequestError(f"{name} must be a whole number from 0 to {high}")
    return int(raw)


def page(request: web.Request) -> tuple[int, int]:
    """The `after` position and the `limit` of a paginated read."""
    limit = whole_number(request, "limit", 100, MAX_LIMIT)
    if limit == 0:
        raise InvalidRequestError(f"limit must be from 1 to {MAX_LIMIT}")
    return whole_number(request, "after", 0, MAX_POSITION), limit


def point(raw: str) -> dict[str, Any]:
    """`?at=`: a position (digits) or an ISO 8601 time; one without a zone is UTC."""
    if raw.isascii() and raw.isdigit():
        if len(raw) > len(str(MAX_POSITION)) or int(raw) > MAX_POSITION:
            raise InvalidRequestError(f"at must be a position from 0 to {MAX_POSITION} or a time")
        return {"position": int(raw)}
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidRequestError("at must be an ISO 8601 time or a position") from None
    return {"moment": parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)}


def day(request: web.Request, name: str) -> date:
    """A required YYYY-MM-DD query parameter."""
    try:
        return date.fromisoformat(request.query.get(name, ""))
    except ValueError:
        raise InvalidRequestError(f"{name} must be a date like 2026-11-26") from None


def paged(events: list[dict[str, Any]], after: int, limit: int) -> dict[str, Any]:
    """A page of events, where to continue from, and whether more are known to follow."""
    return {
        "events": events,
        "next_after": events[-1]["position"] if events else after,
        "more": len(events) == limit,
    }
