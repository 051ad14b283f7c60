"""An upload (an OPERATOR export) copied to a temporary file as it arrives, never held in
memory: capped at its route's limit (413 beyond it, before a byte is read when the length
is declared), never decoded, and dropped when it stops arriving for BODY_IDLE_S."""

import asyncio
import time
from typing import BinaryIO

from aiohttp import web

from domain.errors import InvalidRequestError

CHUNK = 1 << 16
BODY_IDLE_S = 5.0  # a body that stops arriving this long is dropped
UPLOAD_TIMEOUT_S = 300.0  # and the whole of it must arrive within this


def too_large(limit: int) -> web.HTTPRequestEntityTooLarge:
    """The 413 of an upload over its limit."""
    return web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=limit + 1)


def refuse_encodings(request: web.Request) -> None:
    """A Content-Encoding other than identity (or more than one) is refused: nothing is
    inflated, so the cap is a cap on what is held."""
    named = [
        part.strip().lower()
        for header in request.headers.getall("Content-Encoding", [])
        for part in header.split(",")
    ]
    if any(name not in ("", "identity") for name in named) or len(named) > 1:
        raise InvalidRequestError("Content-Encoding must be identity (one, or none)")


async def spool_upload(request: web.Request, into: BinaryIO, limit: int) -> int:
    """Copy the body to `into` as it arrives; its size. 413 over the limit, 400 when it
    stalls or is encoded."""
    refuse_encodings(request)
    if (request.content_length or 0) > limit:
        raise too_large(limit)
    size, deadline = 0, time.monotonic() + UPLOAD_TIMEOUT_S
    while True:
        wait = min(BODY_IDLE_S, deadline - time.monotonic())
        try:
            chunk = await asyncio.wait_for(request.content.read(CHUNK), max(wait, 0.0))
        except TimeoutError:
            raise InvalidRequestError("the upload stopped arriving") from None
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        into.write(chunk)
    into.flush()
    return size
