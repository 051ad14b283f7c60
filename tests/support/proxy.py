"""A TCP proxy the test owns: the database 'goes down' when the test cuts it, not the server.

cut() is a database that is gone (connections reset, new ones refused); blackhole() is a
silent network partition: connections stay open, new ones are accepted, nothing is
forwarded either way and nothing is reset, until heal() forwards what was held back, as
TCP's retransmissions would once the network returns."""

import asyncio
import threading
from contextlib import suppress

from tests.support.server import free_port


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; cut() drops every link and refuses new ones,
    blackhole() holds every byte without a word."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._open = True
        self._flowing: asyncio.Event | None = None  # made on the proxy's own loop
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self._ready.wait(5)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._flowing = asyncio.Event()
        self._flowing.set()
        server = self._loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", self.port)
        )
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            self._loop.run_until_complete(server.wait_closed())
            self._loop.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self._open:
            writer.close()
            return
        await self._flow()
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                await self._flow()
                writer.write(data)
                await writer.drain()
        writer.close()
        self._writers.discard(writer)

    def _run(self, action: object) -> None:
        asyncio.run_coroutine_threadsafe(action, self._loop).result(5)  # type: ignore[arg-type]

    async def _cut(self) -> None:
        self._open = False
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _restore(self) -> None:
        self._open = True
        self._valve(flowing=True)

    async def _flow(self) -> None:
        assert self._flowing is not None
        await self._flowing.wait()

    def _valve(self, *, flowing: bool) -> None:
        assert self._flowing is not None
        if flowing:
            self._flowing.set()
        else:
            self._flowing.clear()

    async def _unblock(self) -> None:
        self._valve(flowing=True)

    async def _blackhole(self) -> None:
        self._valve(flowing=False)

    def cut(self) -> None:
        """The database is gone: live connections reset, new ones closed at once."""
        self._run(self._cut())

    def restore(self) -> None:
        """The database is back (after a cut or a blackhole)."""
        self._run(self._restore())

    def blackhole(self) -> None:
        """A silent partition: accept, hold, forward nothing, reset nothing."""
        self._run(self._blackhole())

    def heal(self) -> None:
        """The partition ends: what was held back is forwarded, and traffic flows again."""
        self._run(self._restore())

    def close(self) -> None:
        self.cut()
        self._run(self._unblock())  # pipes held by a blackhole see their links gone and end
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
