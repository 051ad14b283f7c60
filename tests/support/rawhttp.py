"""Raw HTTP/1.1 on a socket, for what a well-behaved client library will not send:
stalled requests, half bodies, hand-made chunked bodies."""

import asyncio
import socket
import time
from typing import Any

import orjson

from tests.support.callbacks import CALLBACK_PATH
from tests.support.server import Server

TX = f"{CALLBACK_PATH}/transaction"
HALF_HEADERS = f"POST {TX} HTTP/1.1\r\nHost: ledger\r\nX-Security-Hash: ".encode()
HALF_BODY = f"POST {TX} HTTP/1.1\r\nHost: ledger\r\nContent-Length: 200\r\n\r\n{{".encode()


def port_of(server: Server) -> int:
    return int(server.base.rsplit(":", 1)[1])


async def open_stalled(port: int, request: bytes) -> tuple[asyncio.StreamReader, Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    return reader, writer


def cut_off_within(sock: socket.socket, opened_at: float, bound: float) -> bool:
    """True when the server answered or hung up within `bound` seconds of the request."""
    sock.settimeout(max(opened_at + bound - time.monotonic(), 0.01))
    try:
        sock.recv(1)
    except TimeoutError:
        return False
    return True


def chunked(body: bytes, size: int = 1024) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts)


def chunked_head(signature: str) -> bytes:
    return (
        f"POST {TX} HTTP/1.1\r\nHost: ledger\r\nTransfer-Encoding: chunked\r\n"
        f"X-Security-Hash: {signature}\r\nConnection: close\r\n\r\n"
    ).encode()


async def raw_answer(server: Server, request: bytes, finish: bool) -> dict[str, Any]:
    """Send raw bytes (without the final chunk unless finish), read the JSON answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port_of(server))
    try:
        writer.write(request + (b"0\r\n\r\n" if finish else b""))
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200 "), head
        length = int(next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length"))
                     .split(b":")[1])  # fmt: skip
        return dict(orjson.loads(await asyncio.wait_for(reader.readexactly(length), 5)))
    finally:
        writer.close()
