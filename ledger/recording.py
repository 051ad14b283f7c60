"""Writing doubts down before their error answers leave, many at a time: under an outage
every bet of a batch fails at once, and each would otherwise wait for an fsync of its own."""

import asyncio
from functools import partial

from adapters.logsetup import log
from ledger.doubts import Doubt, Doubts
from ledger.lanes import Blocking


class Recording:
    """Doubts queued while a write is on the disk go down together in the next one."""

    def __init__(self, record: Doubts, blocking: Blocking) -> None:
        self._record, self._blocking = record, blocking
        self._waiting: list[tuple[Doubt, asyncio.Future[bool]]] = []
        self._writing: asyncio.Future[None] | None = None

    async def write_down(self, doubt: Doubt) -> bool:
        """Whether the doubt is on disk now (False: the disk refused it, kept in memory)."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((doubt, done))
        if self._writing is None:
            self._writing = asyncio.ensure_future(self._write())
        return await done

    def retry(self) -> bool:
        """On the disk's thread: what the record could not write before."""
        retry = getattr(self._record, "retry", None)
        return bool(retry()) if retry is not None else self._record.healthy

    async def _write(self) -> None:
        try:
            while self._waiting:
                group, self._waiting = self._waiting, []
                doubts = [d for d, _ in group]
                written = False
                try:
                    written = await self._blocking.on_disk(partial(self._record.add, doubts))
                except Exception:  # a bug: not written down, so no error answer leaves
                    log.exception("error_record_write_failed", doubts=len(group))
                for _, done in group:
                    if not done.done():
                        done.set_result(bool(written))
        finally:
            self._writing = None
