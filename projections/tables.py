"""Rows of one batch: read once, changed in memory with exact Decimals, written once."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from adapters.sql import Database

Key = tuple[Any, ...]
Row = dict[str, Any]


class BatchTable:
    """One read-model table as seen by the batch in progress."""

    def __init__(
        self,
        name: str,
        keys: tuple[str, ...],
        columns: tuple[str, ...],
        decimals: frozenset[str] = frozenset(),
        new_row: Callable[[Key], Row] | None = None,
    ) -> None:
        self.name, self.keys, self.columns, self.decimals = name, keys, columns, decimals
        self._new_row = new_row
        self._rows: dict[Key, Row] = {}
        names = ", ".join(columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        self._upsert = (
            f"INSERT INTO {name} ({names}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        )
        self._select = f"SELECT {names} FROM {name} WHERE " + " AND ".join(
            f"{k} = %s" for k in keys
        )

    def begin(self) -> None:
        """Forget the previous batch's rows."""
        self._rows.clear()

    def row(self, database: Database, cursor: Any, key: Key) -> Row | None:
        """The row as this batch sees it: changed earlier in the batch, stored, or new."""
        if key not in self._rows:
            cursor.execute(database.sql(self._select), key)
            found = cursor.fetchone()
            if found is not None:
                self._rows[key] = self._decode(found)
            elif self._new_row is not None:
                self._rows[key] = self._new_row(key)
            else:
                return None
        return self._rows[key]

    def put(self, row: Row) -> None:
        """A whole new row for this batch."""
        self._rows[tuple(row[k] for k in self.keys)] = row

    def flush(self, database: Database, cursor: Any) -> None:
        """Write every row the batch touched, in one statement."""
        if self._rows:
            cursor.executemany(
                database.sql(self._upsert), [self._encode(r) for r in self._rows.values()]
            )

    def _decode(self, found: Any) -> Row:
        row = {c: found[c] for c in self.columns}
        for column in self.decimals:
            row[column] = Decimal(row[column])
        return row

    def _encode(self, row: Row) -> tuple[Any, ...]:
        return tuple(str(row[c]) if c in self.decimals else row[c] for c in self.columns)
