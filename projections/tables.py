"""Rows of the read models as the runner sees them: read once, changed in memory with exact
Decimals, written back in a few multi-row statements per batch.

Rows stay in memory between batches while this runner is the only writer: the runner
forgets them whenever the tracking position it finds is not the one it last wrote, and
whenever a batch fails. After the runner emptied the views itself, memory holds every row
(a row not held does not exist), so a rebuild never asks the database for a row.

New rows (an entry created by its stream's first event, a chain link) cannot be in the
table yet: the views and the tracking position are committed together, so nothing past
the position was ever written. On PostgreSQL they are COPYed; changed rows are upserted.
"""

from collections.abc import Callable
from decimal import Decimal
from operator import itemgetter
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
        self.name, self.keys, self.columns = name, keys, columns
        self._new_row = new_row
        self._rows: dict[Key, Row] = {}
        self._dirty: dict[Key, Row] = {}
        self._fresh: set[Key] = set()  # rows this batch creates
        self._added: list[tuple[Any, ...]] = []  # new rows given whole, never read back
        self._complete = False  # memory holds every row of the table
        self._values = itemgetter(*columns)
        self._decimals = [i for i, c in enumerate(columns) if c in table.decimals]
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
        self.copy_statement = f"COPY {name} ({names}) FROM STDIN"

    def begin(self, *, keep: bool) -> None:
        """Start a batch; keep the rows held only if nobody else wrote since."""
        self._dirty.clear()
        self._fresh.clear()
        self._added.clear()
        if not keep or len(self._rows) > ROWS_KEPT:
            self._rows.clear()
            self._complete = False

    @property
    def complete(self) -> bool:
        """True while memory holds every row of the table (none needs reading back)."""
        return self._complete

    def emptied(self) -> None:
        """The table was emptied by this runner (committed): memory holds all of it."""
        self._rows.clear()
        self._complete = True

    def row(self, database: Database, cursor: Any, key: Key) -> Row | None:
        """The row as this batch sees it (marked to be written back), or None."""
        found = self._rows.get(key)
        if found is None:
            stored = None
            if not self._complete:
                cursor.execute(database.sql(self._select), key)
                stored = cursor.fetchone()
            if stored is not None:
                found = self._decode(stored)
            elif self._new_row is not None:
                found = self._new_row(key)
                self._fresh.add(key)
            else:
                return None
            self._rows[key] = found
        self._dirty[key] = found
        return found

    def put(self, row: Row) -> None:
        """A whole new row for this batch."""
        key = tuple(row[k] for k in self.keys)
        if key not in self._rows:
            self._fresh.add(key)
        self._rows[key] = self._dirty[key] = row

    def add(self, values: tuple[Any, ...]) -> None:
        """A whole new row, in column order, that no event of the batch reads again."""
        self._added.append(values)

    def flush(self, database: Database, cursor: Any) -> None:
        """Write every row the batch touched: COPY and one statement (PostgreSQL), or one
        executemany (SQLite)."""
        fresh = self._fresh
        changed = [self._encode(r) for k, r in self._dirty.items() if k not in fresh]
        new = [self._encode(r) for k, r in self._dirty.items() if k in fresh] + self._added
        if not database.postgres:
            if changed or new:
                cursor.executemany(database.sql(self._upsert_row), changed + new)
            return
        if new:
            with cursor.copy(self.copy_statement) as copy:
                for values in new:
                    copy.write_row(values)
        if changed:
            cursor.execute(
                self._upsert_arrays, [list(column) for column in zip(*changed, strict=True)]
            )

    def _decode(self, found: Any) -> Row:
        row = {c: found[c] for c in self.columns}
        for i in self._decimals:
            column = self.columns[i]
            row[column] = Decimal(row[column])
        return row

    def _encode(self, row: Row) -> tuple[Any, ...]:
        values = self._values(row)
        if not self._decimals:
            return values  # type: ignore[no-any-return]
        listed = list(values)
        for i in self._decimals:
            listed[i] = str(listed[i])
        return tuple(listed)
