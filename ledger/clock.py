"""The writer's clocks: monotonic for its deadlines, the wall clock the store compares them
with, and sleeping between attempts. The system's in production; a simulation's own in the
deterministic tests (tests/support/sim/)."""

import time
from typing import Protocol


class Clock(Protocol):
    """What the writer asks of time."""

    def monotonic(self) -> float:
        """Seconds for deadlines (the event loop's time() is the same clock)."""

    def wall(self) -> float:
        """Seconds since the epoch: a deadline as the store's own clock reads it."""

    def sleep(self, seconds: float) -> None:
        """Wait between two attempts, on a store thread."""


class SystemClock:
    """time.monotonic, time.time and time.sleep."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM = SystemClock()
