"""One transaction at a time on the ledger's own database, in either SQL dialect."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.errors import LockNotAvailable

from adapters.append_sql import TAKE_DDL_LOCK


@dataclass(frozen=True)
class Database:
    """The store the ledger writes to: its datastore, dialect and events table."""

    datastore: Any
    postgres: bool
    events_table: str

    @classmethod
    def of(cls, recorder: ApplicationRecorder) -> "Database":
        """The database behind an application's recorder (PostgreSQL or SQLite)."""
        if isinstance(recorder, PostgresApplicationRecorder):
            return cls(recorder.datastore, True, recorder.events_table_name)
        if isinstance(recorder, SQLiteApplicationRecorder):
            return cls(recorder.datastore, False, recorder.events_table_name)
        raise TypeError(f"no SQL database behind {type(recorder).__name__}")

    def sql(self, statement: str) -> str:
        """Statements are written with %s placeholders; SQLite wants ?."""
        return statement if self.postgres else statement.replace("%s", "?")

    @property
    def position(self) -> str:
        """The column that holds an event's position in the log."""
        return "notification_id" if self.postgres else "rowid"

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A cursor inside one committed-or-rolled-back transaction."""
        with self.datastore.transaction(commit=True) as cursor:
            yield cursor

    def create_missing(self, objects: Sequence[tuple[str, str]]) -> None:
        """Run each (name, CREATE statement) whose table or index does not exist yet, all in
        one transaction under the ledger's DDL lock: servers starting at once on an empty
        database do not trip over each other, and a server starting beside a vacuum skips
        what exists instead of waiting for the vacuum's lock (CREATE INDEX IF NOT EXISTS
        takes a lock on its table even when the index is there)."""
        with self.transaction() as cursor:
            missing = list(objects)
            if self.postgres:
                cursor.execute(TAKE_DDL_LOCK)
                names = [name for name, _ in objects]
                cursor.execute(
                    "SELECT n FROM unnest(%s::text[]) AS n WHERE to_regclass(n) IS NULL", (names,)
                )
                absent = {row["n"] for row in cursor.fetchall()}
                missing = [(n, statement) for n, statement in objects if n in absent]
            for _, statement in missing:
                cursor.execute(statement)

    def query(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """Rows of one read-only statement."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(statement), params)
            return list(cursor.fetchall())

    def empty(self, cursor: Any, tables: Sequence[str]) -> None:
        """Remove every row of the tables, inside the caller's transaction.

        PostgreSQL truncates when nobody is reading them: a DELETE leaves each row and
        index entry behind, dead until vacuumed, and every insert of the same key later
        visits its dead twin. TRUNCATE (transactional too) needs the tables to itself, so
        it waits a moment at most; a long reader makes it a DELETE instead.
        """
        if self.postgres:
            cursor.execute("SAVEPOINT empty")
            cursor.execute(f"SET LOCAL lock_timeout = '{_TRUNCATE_WAIT}'")
            try:
                cursor.execute(f"TRUNCATE {', '.join(tables)}")
                cursor.execute("RELEASE SAVEPOINT empty")
                return
            except LockNotAvailable:
                cursor.execute("ROLLBACK TO SAVEPOINT empty")  # the lock_timeout too
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


_TRUNCATE_WAIT = "200ms"  # a reader of the views (a report, an audit page) takes less
