"""Rows of the read models as the runner sees them: read once, changed in memory with exact
Decimals, written back in a few multi-row statements per batch.

Rows stay in memory between batches while this runner is the only writer: the runner
forgets them whenever the tracking position it finds is not the one it last wrote, and
whenever a batch fails.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from adapters.sql import Database
from projections.schema import Table

Key = tuple[Any, ...]
Row = dict[str, Any]
ROWS_KEPT = 20_000


class BatchTable:
    """One read-model table: a cache of rows, the ones the batch changed, and how to write."""

    def __init__(self, table: Table, new_row: Callable[[Key], Row] | None = None) -> None:
        name, keys, columns = table.name, table.keys, table.names
        self.keys, self.columns, self.decimals = keys, columns, table.decimals
        self._new_row = new_row
        self._rows: dict[Key, Row] = {}
        self._dirty: dict[Key, Row] = {}
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        names = ", ".join(columns)
        self._select = f"SELECT {names} FROM {name} WHERE " + " AND ".join(
            f"{k} = %s" for k in keys
        )
        # One fixed statement each: PostgreSQL takes a column of values per array.
        arrays = ", ".join(f"%s::{'int8' if c in table.integers else 'text'}[]" for c in columns)
        self._upsert_arrays = (
            f"INSERT INTO {name} ({names}) SELECT * FROM unnest({arrays}) {conflict}"
        )
        values = ", ".join(["%s"] * len(columns))
        self._upsert_row = f"INSERT INTO {name} ({names}) VALUES ({values}) {conflict}"

    def begin(self, *, keep: bool) -> None:
        """Start a batch; keep the rows held only if nobody else wrote since."""
        self._dirty.clear()
        if not keep or len(self._rows) > ROWS_KEPT:
            self._rows.clear()

    def row(self, database: Database, cursor: Any, key: Key) -> Row | None:
        """The row as this batch sees it (marked to be written back), or None."""
        found = self._rows.get(key)
        if found is None:
            cursor.execute(database.sql(self._select), key)
            stored = cursor.fetchone()
            if stored is not None:
                found = self._decode(stored)
            elif self._new_row is not None:
                found = self._new_row(key)
            else:
                return None
            self._rows[key] = found
        self._dirty[key] = found
        return found

    def put(self, row: Row) -> None:
        """A whole new row for this batch."""
        key = tuple(row[k] for k in self.keys)
        self._rows[key] = self._dirty[key] = row

    def flush(self, database: Database, cursor: Any) -> None:
        """Write every row the batch touched: one statement (PostgreSQL) or one executemany."""
        if not self._dirty:
            return
        rows = [self._encode(r) for r in self._dirty.values()]
        if database.postgres:
            cursor.execute(
                self._upsert_arrays, [list(column) for column in zip(*rows, strict=True)]
            )
        else:
            cursor.executemany(database.sql(self._upsert_row), rows)

    def _decode(self, found: Any) -> Row:
        row = {c: found[c] for c in self.columns}
        for column in self.decimals:
            row[column] = Decimal(row[column])
        return row

    def _encode(self, row: Row) -> tuple[Any, ...]:
        return tuple(str(row[c]) if c in self.decimals else row[c] for c in self.columns)
