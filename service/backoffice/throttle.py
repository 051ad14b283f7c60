"""Failed logins slow down the next attempts, per name and per address, doubling each time."""

import time
from collections import OrderedDict
from collections.abc import Callable

FREE_FAILURES = 3  # a typo or two costs nothing
MAX_DELAY_S = 30.0
WINDOW_S = 15 * 60.0
MAX_KEYS = 10_000  # memory stays bounded whatever names an attacker tries


class Throttle:
    """Counts recent failures by key; delay() is how long the next attempt must wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def delay(self, *keys: str) -> float:
        """Seconds to wait before checking a password for these keys (name, address)."""
        worst = max((self._count(k) for k in keys), default=0)
        if worst < FREE_FAILURES:
            return 0.0
        return min(2.0 ** (worst - FREE_FAILURES), MAX_DELAY_S)

    def failed(self, *keys: str) -> None:
        """One more failure for each key."""
        now = self._clock()
        for key in keys:
            count = self._count(key)
            self._failures[key] = (count + 1, now)
            self._failures.move_to_end(key)
        while len(self._failures) > MAX_KEYS:
            self._failures.popitem(last=False)

    def succeeded(self, *keys: str) -> None:
        """A good login forgets the name's failures."""
        for key in keys:
            self._failures.pop(key, None)

    def _count(self, key: str) -> int:
        count, last = self._failures.get(key, (0, 0.0))
        return count if self._clock() - last < WINDOW_S else 0
