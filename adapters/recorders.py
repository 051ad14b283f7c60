"""The library's PostgreSQL recorders without their built-in retries.

The library retries a failed insert or select ten times, 0.2 s apart, each attempt
waiting for the pool: with the database gone a callback would hang for many seconds.
The ledger's writer owns retrying instead (bounded by a deadline, re-reading before
deciding again, which also settles a commit whose outcome was lost), so these
recorders fail on the first error.
"""

from collections.abc import Callable
from typing import Any

from eventsourcing import postgres


def _once(method: Callable[..., Any]) -> Callable[..., Any]:
    """The undecorated function behind the library's @retry."""
    return getattr(method, "__wrapped__", method)


class PostgresAggregateRecorder(postgres.PostgresAggregateRecorder):
    """Snapshot store: one attempt per call."""

    insert_events = _once(postgres.PostgresAggregateRecorder.insert_events)
    select_events = _once(postgres.PostgresAggregateRecorder.select_events)


class PostgresApplicationRecorder(postgres.PostgresApplicationRecorder):
    """Event store: one attempt per call."""

    insert_events = _once(postgres.PostgresApplicationRecorder.insert_events)
    select_events = _once(postgres.PostgresAggregateRecorder.select_events)
    select_notifications = _once(postgres.PostgresApplicationRecorder.select_notifications)
    max_notification_id = _once(postgres.PostgresApplicationRecorder.max_notification_id)


class Factory(postgres.PostgresFactory):
    """PERSISTENCE_MODULE=adapters.recorders selects these recorders."""

    aggregate_recorder_class = PostgresAggregateRecorder
    application_recorder_class = PostgresApplicationRecorder
