"""Reading the event log with positions: the whole ledger, or one stream, page by page."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from psycopg.rows import tuple_row

from adapters.sql import Database

# One stored event as the log hands it out in bulk: position, stream id (the UUID's text),
# version, topic and state, a plain tuple (no Notification, no UUID object).
Row = tuple[int, str, int, str, bytes]


@dataclass(frozen=True)
class EventLog:
    """The application's notification log, as auditors and projections read it."""

    database: Database

    def head(self, cursor: Any = None) -> int:
        """The newest position, 0 for an empty log."""
        rows = self._rows(
            f"SELECT MAX({self.database.position}) AS head FROM {self._table}", (), cursor
        )
        return int(rows[0]["head"] or 0)

    def page(
        self, after: int, limit: int, cursor: Any = None, topics: Sequence[str] = ()
    ) -> list[Notification]:
        """Events after a position, in commit order (optionally only some topics)."""
        where = f"WHERE {self.database.position} > %s"
        params: tuple[Any, ...] = (after,)
        if topics:
            where += f" AND topic IN ({', '.join(['%s'] * len(topics))})"
            params += tuple(topics)
        return self._select(where, params, limit, cursor=cursor)

    def rows(self, after: int, limit: int, cursor: Any) -> list[Row]:
        """Events after a position, in commit order, as plain tuples: the bulk read."""
        position, postgres = self.database.position, self.database.postgres
        statement = self.database.sql(
            f"SELECT {position}, originator_id{'::text' if postgres else ''}, "
            f"originator_version, topic, state FROM {self._table} "
            f"WHERE {position} > %s ORDER BY {position} LIMIT %s"
        )
        if postgres:  # in binary: bytea arrives as bytes, with no hex to decode
            with cursor.connection.cursor(row_factory=tuple_row) as tuples:
                tuples.execute(statement, (after, limit), binary=True)
                rows: list[Row] = tuples.fetchall()
                return rows
        cursor.execute(statement, (after, limit))
        return [(p, str(UUID(i)), v, t, bytes(s)) for p, i, v, t, s in cursor.fetchall()]

    def gaps(self, up_to: int) -> list[tuple[int, int]]:
        """Holes in the positions up to a position: (first missing, last missing) each."""
        position = self.database.position
        rows = self._rows(
            f"SELECT position, next FROM (SELECT {position} AS position, "
            f"LEAD({position}) OVER (ORDER BY {position}) AS next FROM {self._table} "
            f"WHERE {position} <= %s) AS pairs WHERE next > position + 1",
            (up_to,),
            None,
        )
        first = self._rows(f"SELECT MIN({position}) AS low FROM {self._table}", (), None)
        low = int(first[0]["low"] or 1)
        leading = [(1, low - 1)] if low > 1 else []
        return leading + [(int(r["position"]) + 1, int(r["next"]) - 1) for r in rows]

    def stream(self, originator_id: UUID, after: int, limit: int) -> list[Notification]:
        """One aggregate's events after a position, oldest first."""
        key = originator_id if self.database.postgres else originator_id.hex
        return self._select(
            f"WHERE originator_id = %s AND {self.database.position} > %s",
            (key, after),
            limit,
            order="originator_version",
        )

    @property
    def _table(self) -> str:
        return self.database.events_table

    def _rows(self, statement: str, params: tuple[Any, ...], cursor: Any) -> list[Any]:
        if cursor is None:
            return self.database.query(statement, params)
        cursor.execute(self.database.sql(statement), params)
        return list(cursor.fetchall())

    def _select(
        self,
        where: str,
        params: tuple[Any, ...],
        limit: int,
        order: str = "",
        cursor: Any = None,
    ) -> list[Notification]:
        position = self.database.position
        rows = self._rows(
            f"SELECT {position} AS position, originator_id, originator_version, topic, state "
            f"FROM {self._table} {where} ORDER BY {order or position} LIMIT %s",
            (*params, limit),
            cursor,
        )
        return [
            Notification(
                id=int(row["position"]),
                originator_id=_uuid(row["originator_id"]),
                originator_version=int(row["originator_version"]),
                topic=row["topic"],
                state=bytes(row["state"]),
            )
            for row in rows
        ]


def _uuid(value: object) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
