"""A TCP server that accepts connections and never answers: an OPERATOR that hangs."""

import asyncio
from contextlib import suppress

from tests.support.server import free_port


class SilentServer:
    """Listens on 127.0.0.1, reads whatever comes, and says nothing until closed."""

    def __init__(self) -> None:
        self.port = free_port()
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> "SilentServer":
        self._server = await asyncio.start_server(self._hold, "127.0.0.1", self.port)
        return self

    async def _hold(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        with suppress(OSError):
            while await reader.read(65536):
                pass

    async def __aexit__(self, *_: object) -> None:
        for writer in self._writers:
            writer.transport.abort()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
