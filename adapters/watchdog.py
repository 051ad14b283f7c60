"""Cancels a store statement still running after its deadline.

statement_timeout does not cover a commit's wait for the synchronous standby (PostgreSQL
ends the statement's timer before it commits), so a commit whose standby never answers
would wait for ever, holding the append's lock: every write on every server would queue
behind it. The watchdog sends PostgreSQL a cancel request for such a statement; the server
then ends the wait and reports the commit with a warning, which the recorder answers as
an unconfirmed commit (adapters/failures.py), never as committed.

One thread looks at what is in flight four times a second; registering a statement costs a
dictionary insert. A cancel request opens a connection of its own, so each runs on a
short-lived thread: a partition that holds it back holds back nothing else.
"""

import contextlib
import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

from adapters.logsetup import log

LOOK_EVERY_S = 0.25
CANCEL_TIMEOUT_S = 2.0


class Watchdog:
    """Statements in flight with the wall-clock time after which they are cancelled."""

    def __init__(self) -> None:
        self._watched: dict[int, tuple[float, Any]] = {}
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.cancelled = 0

    @contextlib.contextmanager
    def watching(self, connection: Any, until: float | None) -> Iterator[None]:
        """Cancel the connection's statement if it is still running at `until` (epoch s)."""
        if until is None:
            yield
            return
        number = next(self._numbers)
        with self._lock:
            self._watched[number] = (until, connection)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                self._watched.pop(number, None)

    def _run(self) -> None:
        while True:
            time.sleep(LOOK_EVERY_S)
            now = time.time()
            with self._lock:
                overdue = [n for n, (until, _) in self._watched.items() if until <= now]
                connections = [self._watched.pop(n)[1] for n in overdue]
            for connection in connections:
                self.cancelled += 1
                threading.Thread(target=_cancel, args=(connection,), daemon=True).start()


def _cancel(connection: Any) -> None:
    try:
        connection.cancel_safe(timeout=CANCEL_TIMEOUT_S)
        log.warning("store_statement_cancelled", why="still running after its deadline")
    except Exception as error:  # the server is unreachable: the socket's own bounds end it
        log.warning("store_cancel_failed", error=type(error).__name__)
