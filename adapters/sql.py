"""One transaction at a time on the ledger's own database, in either SQL dialect."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder


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

    def query(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """Rows of one read-only statement."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(statement), params)
            return list(cursor.fetchall())
