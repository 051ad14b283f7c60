"""Login attempts slow down the next ones, per name and per address, doubling each time.

An attempt is counted when it arrives, before its password is checked, and it waits its
delay after the turn of the attempt before it: parallel guesses queue up, each checked no
sooner than it would have been had they been sent one after the other."""

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

FREE_FAILURES = 3  # a typo or two costs nothing
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 30.0
WINDOW_S = 15 * 60.0
MAX_KEYS = 10_000  # memory stays bounded whatever names an attacker tries


@dataclass(frozen=True)
class Tally:
    """One key's attempts in the window, and when the latest of them may be checked."""

    count: int
    turn: float


class Throttle:
    """Counts recent attempts by key; admit() says how long a new one waits for its turn."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        free: int = FREE_FAILURES,
        first_delay_s: float = FIRST_DELAY_S,
    ) -> None:
        self._clock, self._free, self._first = clock, free, first_delay_s
        self._tallies: OrderedDict[str, Tally] = OrderedDict()
        self.waiting = 0  # attempts asleep until their turn now (the login route keeps it)

    def admit(self, *keys: str) -> float:
        """Count one attempt for each key (name, address) now; the seconds it must wait
        before its password is checked."""
        now = self._clock()
        tallies = [self._tally(key, now) for key in keys]
        turn = max((max(t.turn, now) + self.delay_after(t.count) for t in tallies), default=now)
        for key, tally in zip(keys, tallies, strict=True):
            self._tallies[key] = Tally(tally.count + 1, turn)
            self._tallies.move_to_end(key)
        while len(self._tallies) > MAX_KEYS:
            self._tallies.popitem(last=False)
        return turn - now

    def delay_after(self, count: int) -> float:
        """The wait an attempt earns after `count` attempts in the window."""
        if count < self._free:
            return 0.0
        return min(self._first * 2.0 ** (count - self._free), MAX_DELAY_S)

    def succeeded(self, name_key: str, *others: str) -> None:
        """A good login forgets the name's attempts; for the others (the address) it was
        no failure, so it is taken back off their count."""
        self._tallies.pop(name_key, None)
        for key in others:
            tally = self._tallies.get(key)
            if tally is not None:
                self._tallies[key] = Tally(max(tally.count - 1, 0), tally.turn)

    def count(self, key: str) -> int:
        """Attempts counted for the key in the window."""
        return self._tally(key, self._clock()).count

    def _tally(self, key: str, now: float) -> Tally:
        tally = self._tallies.get(key)
        if tally is None or now - tally.turn >= WINDOW_S:
            return Tally(0, now)
        return tally
