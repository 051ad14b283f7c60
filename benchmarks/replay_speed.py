"""Replay speed: empty the read models of a bench database and rebuild them from position 0,
beside the rate at which a plain psycopg loop merely reads the same rows back."""

import time
from typing import Any

import psycopg

from adapters.sql import Database
from adapters.store import StoreSettings
from ledger.bootstrap import open_ledger
from projections.runner import BatchRunner

PAGE = 5000


def read_back(url: str, table: str) -> dict[str, float]:
    """Every stored event, the columns the runner reads, through a server-side cursor."""
    statement = (
        "SELECT notification_id, originator_id, originator_version, topic, state "
        f"FROM {table} ORDER BY notification_id"
    )
    rows = 0
    with psycopg.connect(url) as conn, conn.cursor(name="read_back") as cursor:
        started = time.perf_counter()
        cursor.execute(statement)
        while page := cursor.fetchmany(PAGE):
            rows += len(page)
        elapsed = time.perf_counter() - started
    return {"rows": rows, "seconds": round(elapsed, 3), "rows_per_s": round(rows / elapsed)}


def measure(url: str) -> dict[str, Any]:
    """Events rebuilt, seconds, events per second; the raw read-back and the ratio."""
    ledger = open_ledger(StoreSettings(url, pool_size=2))
    try:
        raw = read_back(url, Database.of(ledger.recorder).events_table)
        runner = BatchRunner.of(ledger)
        runner.reset()
        started = time.perf_counter()
        events = runner.catch_up()
        elapsed = time.perf_counter() - started
    finally:
        ledger.close()
    rate = round(events / elapsed)
    return {
        "events": events,
        "seconds": round(elapsed, 2),
        "events_per_s": rate,
        "raw_read_back": raw,
        "ratio_to_raw": round(rate / raw["rows_per_s"], 2),
    }


def summary(replay: dict[str, Any]) -> str:
    """The replay line of make bench's closing lines."""
    raw = replay["raw_read_back"]
    return (
        f"    replay: {replay['events']:,} events in {replay['seconds']} s, "
        f"{replay['events_per_s']:,} events/s (raw read-back {raw['rows_per_s']:,} rows/s, "
        f"ratio {replay['ratio_to_raw']})"
    )
