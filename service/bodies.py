"""Request bodies read whole, but never more than 64 KiB, never for more than seconds, and
never decoded: a Content-Encoding other than identity is refused before anything is read,
so a signature always covers the bytes as sent."""

import asyncio
from collections.abc import Awaitable
from typing import BinaryIO, TypeVar

from aiohttp import web
from multidict import MultiMapping

from domain.errors import InvalidRequestError

MAX_BODY = 64 * 1024  # a callback's, and any API request's but an upload's
FORM_MAX = 16 * 1024  # a back-office form's
BODY_TIMEOUT_S = 5.0
# A body that has not grown by this much in BODY_TIMEOUT_S (nor ended) has stopped arriving.
MIN_PROGRESS = 16 * 1024
T = TypeVar("T")


class BodyStalledError(ConnectionError):
    """The body stopped arriving: the request is abandoned and its connection closed."""


def identity(headers: MultiMapping[str]) -> bool:
    """True when the body is sent as it is: no Content-Encoding but identity, and at most
    one named (aiohttp would honour the last of several headers, a check the first)."""
    sent = headers.getall("Content-Encoding", [])
    named = [e.strip().lower() for header in sent for e in header.split(",")]
    return len(named) <= 1 and all(e in ("", "identity") for e in named)


def _identity(request: web.Request) -> None:
    if not identity(request.headers):
        raise InvalidRequestError("Content-Encoding must be identity: bodies are signed as sent")


def abandon(request: web.Request) -> None:
    """Give up on the rest of the body: every read of it fails from now on, and no time is
    spent draining it after the answer (the connection closes with the answer)."""
    if not request.content.is_eof():
        request.content.set_exception(BodyStalledError("the body stopped arriving"))
        request.content.feed_eof()


async def arriving(request: web.Request, reading: Awaitable[T]) -> T:
    """Await a read of the body for as long as it keeps arriving (MIN_PROGRESS bytes each
    BODY_TIMEOUT_S, or all of it); BodyStalledError once it stops."""
    task = asyncio.ensure_future(reading)
    payload = request.content
    seen = payload.total_bytes
    while not (await asyncio.wait({task}, timeout=BODY_TIMEOUT_S))[0]:
        if payload.total_bytes - seen < MIN_PROGRESS:
            task.cancel()
            abandon(request)
            raise BodyStalledError("the body stopped arriving")
        seen = payload.total_bytes
    return task.result()


def _too_large(limit: int) -> InvalidRequestError:
    return InvalidRequestError(f"the body must be at most {limit} bytes", code="BODY_TOO_LARGE")


def _stalled() -> InvalidRequestError:
    message = f"the body must arrive within {BODY_TIMEOUT_S:g} s"
    return InvalidRequestError(message, code="REQUEST_TIMEOUT")


async def spool_body(request: web.Request, into: BinaryIO, limit: int, timeout_s: float) -> int:
    """Copy a large body (an upload) to a file as it arrives; its size, or INVALID_REQUEST
    when it is encoded, too large, stops arriving, or takes longer than timeout_s."""
    _identity(request)
    if (request.content_length or 0) > limit:
        raise _too_large(limit)

    async def copy() -> int:
        size = 0
        while chunk := await request.content.read(1 << 16):
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            into.write(chunk)
        return size

    try:
        async with asyncio.timeout(timeout_s):
            size = await arriving(request, copy())
    except (TimeoutError, BodyStalledError):
        abandon(request)
        raise _stalled() from None
    into.flush()
    return size


async def read_body(request: web.Request, limit: int = MAX_BODY) -> bytes:
    """The whole body as sent; INVALID_REQUEST when encoded, too large or stalled."""
    _identity(request)
    if (request.content_length or 0) > limit:
        raise _too_large(limit)
    if request.content.is_eof():  # all of it is here already, as a callback's usually is
        body = request.content.read_nowait()
        if len(body) > limit:
            raise _too_large(limit)
        return body
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):  # a stalled client holds nothing long
            while chunk := await request.content.read(limit + 1 - size):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
    except TimeoutError:
        abandon(request)
        raise _stalled() from None
    return b"".join(chunks)
