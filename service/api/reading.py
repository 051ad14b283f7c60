"""Helpers for read routes: blocking reads on the read pool, page and time parameters."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import web

from domain.codes import InvalidRequestError
from service.keys import PROJECTION, READS

T = TypeVar("T")
MAX_LIMIT = 1000
CATCH_UP_S = 2.0


async def off_loop(request: web.Request, work: Callable[..., T], *args: Any) -> T:
    """Run a blocking store read on the read pool."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[READS], work, *args)


async def caught_up(request: web.Request) -> bool:
    """Wait (briefly) until the read models include everything committed before this request."""
    runner = request.app[PROJECTION]
    head = await off_loop(request, runner.log.head)
    return await off_loop(request, runner.wait_for, head, CATCH_UP_S)


def whole_number(request: web.Request, name: str, default: int, high: int) -> int:
    """A query parameter between 0 and high, else INVALID_REQUEST naming it."""
    if name not in request.query:
        return default
    raw = request.query[name]
    if not raw.isascii() or not raw.isdigit() or not 0 <= int(raw) <= high:
        raise InvalidRequestError(f"{name} must be a whole number from 0 to {high}")
    return int(raw)


def page(request: web.Request) -> tuple[int, int]:
    """The `after` position and the `limit` of a paginated read."""
    limit = whole_number(request, "limit", 100, MAX_LIMIT)
    if limit == 0:
        raise InvalidRequestError(f"limit must be from 1 to {MAX_LIMIT}")
    return whole_number(request, "after", 0, 2**62), limit


def moment(raw: str) -> datetime:
    """An ISO 8601 time; one without a zone is taken as UTC."""
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidRequestError(f"{raw[:40]!r} is not an ISO 8601 time or a position") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def paged(events: list[dict[str, Any]], after: int, limit: int) -> dict[str, Any]:
    """A page of events, where to continue from, and whether more are known to follow."""
    return {
        "events": events,
        "next_after": events[-1]["position"] if events else after,
        "more": len(events) == limit,
    }
