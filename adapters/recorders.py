"""The library's PostgreSQL recorders, tuned for the ledger's write path.

Retries: the library retries a failed insert or select ten times, 0.2 s apart. The
ledger's writer owns retrying instead (bounded by a deadline, re-reading before deciding
again, which also settles a commit whose outcome was lost), so these fail at once.

Appends: one call of a small SQL function (adapters/append_sql.py) per batch, in one round
trip and one implicit transaction: a transaction-level advisory lock per log keeps commits
in position order for followers without the library's LOCK TABLE (which autovacuum's lock
conflicts with: an anti-wraparound vacuum, never cancelled, would stop every write); a
taken (stream, version) is refused before any position is drawn; the batch's snapshots
are stored in the same transaction; and a batch carrying a deadline is refused by the
store's own clock once the deadline has passed, so a commit held back by the network can
never land after its bets were answered. The watchdog cancels a statement still running
after its deadline (a commit waiting for a standby that never answers).

Tables are created under an advisory lock, so servers starting at once on an empty
database do not trip over each other, and not at all when they exist already.
"""

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

import psycopg
from eventsourcing import postgres
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import Environment, EnvType

from adapters import append_sql
from adapters.failures import DeadlinePassed, ReplicationUnconfirmed
from adapters.watchdog import Watchdog

# A statement still running this long after its deadline is cancelled (adapters/watchdog.py).
CANCEL_AFTER_S = 0.25


def _once(method: Callable[..., Any]) -> Callable[..., Any]:
    """The undecorated function behind the library's @retry."""
    return getattr(method, "__wrapped__", method)


class _CreatedOnce:
    """Creates its tables under the DDL lock, only when they are missing."""

    datastore: postgres.PostgresDatastore
    sql_create_statements: list[Any]

    def present(self, cursor: Any) -> bool:
        """Whether everything this recorder creates exists already."""
        raise NotImplementedError

    def _create_table(self, curs: Any) -> None:
        curs.execute(append_sql.TAKE_DDL_LOCK)
        if not self.present(curs):
            for statement in self.sql_create_statements:
                curs.execute(statement, prepare=False)


def _without_composite_types(statements: list[Any]) -> list[Any]:
    """The library's composite type and the function that uses it are never called here."""
    return [s for s in statements if "CREATE TYPE" not in s.as_string()
            and "es_insert_events" not in s.as_string()]  # fmt: skip


class PostgresAggregateRecorder(_CreatedOnce, postgres.PostgresAggregateRecorder):
    """Snapshot store: one attempt per call."""

    insert_events = _once(postgres.PostgresAggregateRecorder.insert_events)
    select_events = _once(postgres.PostgresAggregateRecorder.select_events)

    def __init__(self, datastore: postgres.PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.sql_create_statements = _without_composite_types(self.sql_create_statements)

    def present(self, cursor: Any) -> bool:
        return append_sql.exists(cursor, self.datastore.schema, [self.events_table_name], [])


class PostgresApplicationRecorder(_CreatedOnce, postgres.PostgresApplicationRecorder):
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
        self.sql = append_sql.Statements(
            datastore.schema, self.events_table_name, snapshots_table_name, datastore.lock_timeout
        )
        self.sql_create_statements = [
            *_without_composite_types(self.sql_create_statements),
            *self.sql.create,
        ]
        self.watchdog = Watchdog()

    def present(self, cursor: Any) -> bool:
        tables = [self.events_table_name, self.notification_id_index_name, self.sql.heartbeat]
        return append_sql.exists(cursor, self.datastore.schema, tables, self.sql.functions)

    def insert_events(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int]:
        """Append in one round trip; positions in insertion order."""
        return self.append(stored_events, ())

    def append(
        self,
        stored_events: Sequence[StoredEvent],
        snapshots: Sequence[StoredEvent],
        answer_by: float | None = None,
    ) -> Sequence[int]:
        """Append and store the batch's snapshots in one transaction, refused by the store
        once answer_by (epoch seconds) has passed; positions in insertion order."""
        if not stored_events:
            return []
        params = (*_columns(stored_events), *_columns(snapshots), answer_by)
        rows = self._call(self.sql.append, params, answer_by)
        return [next(iter(row.values())) for row in rows]

    def probe(self, answer_by: float) -> None:
        """A write that commits nothing but itself, through the same lock and the standby:
        the writer's heartbeat when it has nothing else to commit."""
        self._call(self.sql.probe, (answer_by,), answer_by)

    def _call(self, statement: Any, params: tuple[Any, ...], answer_by: float | None) -> Any:
        until = None if answer_by is None else answer_by + CANCEL_AFTER_S
        warnings: list[str] = []
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            conn.add_notice_handler(_collect := lambda d: warnings.append(_said(d)))
            try:
                with self.watchdog.watching(conn, until):
                    curs.execute(statement, params, prepare=True)
                rows = curs.fetchall()
            except psycopg.Error as error:
                if error.sqlstate == append_sql.DEADLINE_SQLSTATE:
                    raise DeadlinePassed("the store refused a commit after its deadline") from None
                raise
            finally:
                conn.remove_notice_handler(_collect)
        if any(w.startswith(_SYNC_WAIT_CANCELLED) for w in warnings):
            raise ReplicationUnconfirmed("; ".join(warnings))
        return rows


def _said(diagnostic: Any) -> str:
    """A notice as PostgreSQL worded it: its message, then its detail."""
    return " ".join(filter(None, (diagnostic.message_primary, diagnostic.message_detail)))


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


# A cancelled wait for the synchronous standby (the watchdog's cancel, or an operator's):
# PostgreSQL reports success with this warning, though only the primary has the commit.
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
