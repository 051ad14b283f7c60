"""Blocking store reads run on the app's read pool, never on the event loop."""

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from service.keys import READ_POOL

T = TypeVar("T")


async def off_loop(request: web.Request, work: Callable[..., T], *args: Any) -> T:
    """Run a blocking read on the read pool (found from a sub-application too)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.config_dict[READ_POOL], work, *args)


async def off_loop_app(app: web.Application, work: Callable[..., T], *args: Any) -> T:
    """Run blocking work on the read pool outside a request (start-up, say)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(app[READ_POOL], work, *args)
