"""Replay speed: empty the read models of a bench database and rebuild them from position 0."""

import time

from adapters.store import StoreSettings
from ledger.bootstrap import open_ledger
from projections.runner import BatchRunner


def measure(url: str) -> dict[str, float]:
    """Events rebuilt, seconds, events per second."""
    ledger = open_ledger(StoreSettings(url, pool_size=2))
    try:
        runner = BatchRunner.of(ledger)
        runner.reset()
        started = time.perf_counter()
        events = runner.catch_up()
        elapsed = time.perf_counter() - started
    finally:
        ledger.close()
    return {"events": events, "seconds": round(elapsed, 2), "events_per_s": round(events / elapsed)}
