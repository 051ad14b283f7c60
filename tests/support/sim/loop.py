"""An asyncio event loop on virtual time: when nothing is ready it moves the clock to the
next timer instead of sleeping, so a simulated minute takes milliseconds, and a loop with
nothing ready and nothing scheduled is a deadlock, reported at once."""

import asyncio
import selectors
from typing import Any


class Stuck(RuntimeError):
    """Nothing is ready and nothing is scheduled: something waits for ever."""


class VirtualTime:
    """Seconds since the simulation began."""

    def __init__(self) -> None:
        self.now = 0.0


def _fd(fileobj: Any) -> int:
    return fileobj if isinstance(fileobj, int) else int(fileobj.fileno())


class _NoIO(selectors.BaseSelector):
    """A selector with nothing to wait for: waiting is moving the clock."""

    def __init__(self, time: VirtualTime) -> None:
        self._time = time
        self._keys: dict[int, selectors.SelectorKey] = {}

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        key = selectors.SelectorKey(fileobj, _fd(fileobj), events, data)
        self._keys[key.fd] = key
        return key

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._keys.pop(_fd(fileobj))

    def select(self, timeout: float | None = None) -> list[Any]:
        if timeout is None:
            raise Stuck("nothing is ready and nothing is scheduled")
        self._time.now += max(timeout, 0.0)
        return []

    def get_map(self) -> Any:
        return self._keys

    def close(self) -> None:
        self._keys.clear()


class SimLoop(asyncio.SelectorEventLoop):
    """The event loop of every simulated process, on one virtual clock."""

    def __init__(self, time: VirtualTime) -> None:
        super().__init__(_NoIO(time))
        self._virtual = time

    def time(self) -> float:
        return self._virtual.now
