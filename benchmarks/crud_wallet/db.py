"""Running one unit of work as one database transaction, retried when PostgreSQL asks."""

import time
from collections.abc import Callable
from typing import Any, TypeVar

from psycopg import Connection, OperationalError, errors
from psycopg_pool import ConnectionPool, PoolTimeout

T = TypeVar("T")
Work = Callable[[Connection[Any]], T]
ATTEMPTS = 4
# Deadlocks and serialization failures roll back cleanly, and a lost connection leaves the
# commit's outcome unknown: all three are safe to retry because every write is keyed.
RETRYABLE = (errors.DeadlockDetected, errors.SerializationFailure, OperationalError, PoolTimeout)


def in_transaction(pool: ConnectionPool[Any], work: Work[T]) -> T:
    """Run work in one transaction; the answer exists only once the commit succeeded."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with pool.connection() as conn, conn.transaction():
                return work(conn)
        except RETRYABLE:
            if attempt == ATTEMPTS:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def open_pool(database_url: str, size: int) -> ConnectionPool[Any]:
    """A pool of ready connections, not yet opened."""
    return ConnectionPool(
        database_url,
        min_size=size,
        max_size=size,
        timeout=10,
        open=False,
        kwargs={"options": "-c lock_timeout=5000 -c idle_in_transaction_session_timeout=10000"},
    )


def ping(pool: ConnectionPool[Any], timeout_s: float = 3.0) -> bool:
    """True when a pooled connection answers a trivial query in time."""
    try:
        with pool.connection(timeout=timeout_s) as conn:
            conn.execute("SELECT 1")
    except (PoolTimeout, OperationalError):
        return False
    return True
