"""The library's PostgreSQL recorders, tuned for the ledger's write path.

Retries: the library retries a failed insert or select ten times, 0.2 s apart, each
attempt waiting for the pool, so with the database gone a callback would hang for many
seconds. The ledger's writer owns retrying instead (bounded by a deadline, re-reading
before deciding again, which also settles a commit whose outcome was lost), so these
recorders fail on the first error.

Appends: the library appends in a pipelined transaction (BEGIN, LOCK TABLE, NOTIFY,
INSERT of a composite-type array, COMMIT). Here one call to a small SQL function does
the same in a single round trip and a single implicit transaction: it takes the same
EXCLUSIVE table lock, so positions are committed in order for followers, and inserts
from plain arrays. Under that lock it first refuses a (stream, version) already taken,
before the sequence hands out any position: a conflict, the everyday failure of
exactly-once, leaves no gap in the log. Only a transaction that dies after drawing its
positions (its connection cut mid-insert) can still leave one. Followers poll the log,
so no NOTIFY is sent. The same call stores the snapshots the batch takes, in the same
transaction.
"""

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

from eventsourcing import postgres
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import Environment, EnvType
from psycopg.sql import SQL, Identifier

from adapters.failures import ReplicationUnconfirmed


def _once(method: Callable[..., Any]) -> Callable[..., Any]:
    """The undecorated function behind the library's @retry."""
    return getattr(method, "__wrapped__", method)


class PostgresAggregateRecorder(postgres.PostgresAggregateRecorder):
    """Snapshot store: one attempt per call."""

    insert_events = _once(postgres.PostgresAggregateRecorder.insert_events)
    select_events = _once(postgres.PostgresAggregateRecorder.select_events)


class PostgresApplicationRecorder(postgres.PostgresApplicationRecorder):
    """Event store: one attempt per call, one round trip per append."""

    select_events = _once(postgres.PostgresAggregateRecorder.select_events)
    select_notifications = _once(postgres.PostgresApplicationRecorder.select_notifications)
    max_notification_id = _once(postgres.PostgresApplicationRecorder.max_notification_id)

    def __init__(
        self,
        datastore: postgres.PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        snapshots_table_name: str = "stored_snapshots",
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        names = {
            "schema": Identifier(datastore.schema),
            "table": Identifier(self.events_table_name),
            "snapshots": Identifier(snapshots_table_name),
            "append": Identifier(f"{self.events_table_name}_append"),
        }
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{append}"
                "(ids uuid[], versions bigint[], topics text[], states bytea[], "
                "s_ids uuid[], s_versions bigint[], s_topics text[], s_states bytea[]) "
                "RETURNS SETOF bigint LANGUAGE plpgsql AS $$ BEGIN "
                "SET LOCAL lock_timeout = '{timeout}s'; "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                # Refuse a taken (stream, version) before any position is drawn: a
                # failed INSERT would burn its sequence values and leave gaps in the log.
                "IF EXISTS (SELECT 1 FROM {schema}.{table} e "
                "JOIN unnest(ids, versions) AS n(id, v) "
                "ON e.originator_id = n.id AND e.originator_version = n.v) THEN "
                "RAISE EXCEPTION 'a stream version is taken' USING ERRCODE = 'unique_violation'; "
                "END IF; "
                "INSERT INTO {schema}.{snapshots} "
                "(originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(s_ids, s_versions, s_topics, s_states) "
                "ON CONFLICT DO NOTHING; "
                "RETURN QUERY INSERT INTO {schema}.{table} "
                "(originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(ids, versions, topics, states) RETURNING notification_id; "
                "END $$"
            ).format(timeout=datastore.lock_timeout, **names)
        )
        self.append_statement = SQL(
            "SELECT * FROM {schema}.{append}(%s::uuid[], %s::int8[], %s::text[], %s::bytea[], "
            "%s::uuid[], %s::int8[], %s::text[], %s::bytea[])"
        ).format(**names)

    def insert_events(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int]:
        """Append in one round trip; positions in insertion order."""
        return self.append(stored_events, ())

    def append(
        self, stored_events: Sequence[StoredEvent], snapshots: Sequence[StoredEvent]
    ) -> Sequence[int]:
        """Append and store the batch's snapshots in one round trip and one transaction."""
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            warnings: list[str] = []
            conn.add_notice_handler(_collect := lambda d: warnings.append(d.message_primary or ""))
            try:
                curs.execute(
                    self.append_statement,
                    (*_columns(stored_events), *_columns(snapshots)),
                    prepare=True,
                )
                positions = [next(iter(row.values())) for row in curs.fetchall()]
            finally:
                conn.remove_notice_handler(_collect)
        if any(w.startswith(_SYNC_WAIT_CANCELLED) for w in warnings):
            raise ReplicationUnconfirmed("the standby never confirmed the commit")
        return positions


def _columns(events: Sequence[StoredEvent]) -> tuple[str, ...]:
    """Each column as one array literal: psycopg adapts a Python list element by element
    in Python (about 0.15 ms of CPU per batch of 8); a string it passes through as it is.
    Topics are module paths and class names (no quote, backslash, comma or brace)."""
    if not events:
        return ("{}",) * 4
    ids = ",".join([str(e.originator_id) for e in events])
    versions = ",".join([str(e.originator_version) for e in events])
    topics = '","'.join([e.topic for e in events])
    states = '","\\\\x'.join([e.state.hex() for e in events])  # bytea's hex input
    return (f"{{{ids}}}", f"{{{versions}}}", f'{{"{topics}"}}', f'{{"\\\\x{states}"}}')


# statement_timeout also cancels a commit's wait for the synchronous standby; PostgreSQL
# then reports success with this warning, though only the primary has the commit.
_SYNC_WAIT_CANCELLED = "canceling wait for synchronous replication"

# psycopg_pool retries a failed connection with a doubling delay for five minutes: after
# a minute-long outage or a failover it slept up to 32 s past the database's return. Giving
# up after this long instead, the pool starts a fresh attempt (at once) the next time a
# request waits for a connection: it reconnects as fast as the ledger asks, no faster.
RECONNECT_GIVE_UP_S = 2.0


class Factory(postgres.PostgresFactory):
    """PERSISTENCE_MODULE=adapters.recorders selects these recorders."""

    aggregate_recorder_class = PostgresAggregateRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        # libpq parameters of DATABASE_URL the library has no setting for (sslmode, ...).
        options = dict(parse_qsl(self.env.get("LIBPQ_OPTIONS") or ""))
        self.datastore.pool.kwargs.update(options)  # type: ignore[union-attr]
        self.datastore.pool.reconnect_timeout = RECONNECT_GIVE_UP_S

    def application_recorder(self) -> PostgresApplicationRecorder:
        """The event store, appending to the snapshot table the snapshot store reads."""
        prefix = self.env.name.lower() or "stored"
        recorder = PostgresApplicationRecorder(
            self.datastore,
            events_table_name=f"{prefix}_events",
            snapshots_table_name=f"{prefix}_snapshots",
        )
        if self.env_create_table():
            recorder.create_table()
        return recorder
