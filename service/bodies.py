"""Request bodies read whole, but never more than 64 KiB and never for more than seconds."""

import asyncio

from aiohttp import web

from domain.codes import InvalidRequestError

MAX_BODY = 64 * 1024
BODY_TIMEOUT_S = 5.0


async def read_capped(request: web.Request, limit: int = MAX_BODY) -> bytes | None:
    """The whole body, or None once it is known to exceed the limit or to be stalled."""
    if (request.content_length or 0) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):  # a stalled client holds nothing long
            while chunk := await request.content.read(limit + 1 - size):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    return None
    except TimeoutError:
        return None
    return b"".join(chunks)


async def read_body(request: web.Request) -> bytes:
    """An API body, capped and time-bounded like a callback's; else INVALID_REQUEST."""
    body = await read_capped(request)
    if body is None:
        raise InvalidRequestError(
            f"the body must be at most {MAX_BODY} bytes and arrive within {BODY_TIMEOUT_S:g} s"
        )
    return body
