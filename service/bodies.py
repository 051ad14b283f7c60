"""Request bodies read whole, but never more than 64 KiB, never for more than seconds, and
never decoded: a Content-Encoding other than identity is refused before anything is read,
so a signature always covers the bytes as sent."""

import asyncio
from typing import BinaryIO

from aiohttp import web

from domain.errors import InvalidRequestError

MAX_BODY = 64 * 1024
BODY_TIMEOUT_S = 5.0


def _identity(request: web.Request) -> None:
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise InvalidRequestError("Content-Encoding must be identity: bodies are signed as sent")


async def spool_body(request: web.Request, into: BinaryIO, limit: int, timeout_s: float) -> int:
    """Copy a large body (an upload) to a file as it arrives; its size, or INVALID_REQUEST."""
    _identity(request)
    size = 0
    try:
        async with asyncio.timeout(timeout_s):
            while chunk := await request.content.read(1 << 16):
                size += len(chunk)
                if size > limit:
                    raise InvalidRequestError(f"the body must be at most {limit} bytes")
                into.write(chunk)
    except TimeoutError:
        raise InvalidRequestError(f"the body must arrive within {timeout_s:g} s") from None
    into.flush()
    return size


async def read_body(request: web.Request, limit: int = MAX_BODY) -> bytes:
    """The whole body as sent; INVALID_REQUEST when encoded, too large or stalled."""
    _identity(request)
    too_large = InvalidRequestError(
        f"the body must be at most {limit} bytes and arrive within {BODY_TIMEOUT_S:g} s"
    )
    if (request.content_length or 0) > limit:
        raise too_large
    if request.content.is_eof():  # all of it is here already, as a callback's usually is
        body = request.content.read_nowait()
        if len(body) > limit:
            raise too_large
        return body
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):  # a stalled client holds nothing long
            while chunk := await request.content.read(limit + 1 - size):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise too_large
    except TimeoutError:
        raise too_large from None
    return b"".join(chunks)
