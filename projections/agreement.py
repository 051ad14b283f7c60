"""The OPERATOR's export against the ledger's transactions index, streamed in chunks.

Memory stays bounded whatever the export's size: rows are looked up a chunk at a time, and
the ids already seen are kept in a temporary table in the database (every id is counted
once), which also finds what the ledger has and the export lacks.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from adapters.sql import Database
from domain.reconciliation import Agreement, LedgerEntry, OperatorRow, classify
from projections.schema import TRANSACTIONS

CHUNK = 1000
_SEEN = "recon_seen"
_ENTRY = "external_id, action, user_id, currency, amount, status, error, rolled_back_by"


@dataclass(frozen=True, slots=True)
class Finding:
    """One OPERATOR id, its class, and what each side holds of it."""

    agreement: Agreement
    row: OperatorRow | None
    entry: LedgerEntry | None


@dataclass(frozen=True)
class Window:
    """The days compared (UTC, both ends included); None: unbounded."""

    start: date | None = None
    end: date | None = None

    def holds(self, row: OperatorRow) -> bool:
        """True when the export row's created_at day lies in the window."""
        day = row.created_at.date()
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def compare(database: Database, rows: Iterable[OperatorRow], window: Window) -> Iterator[Finding]:
    """Every export row in the window, then every ledger-only id recorded in it."""
    with database.transaction() as cursor:
        _create_seen(cursor)
        for chunk in _chunks(rows):
            fresh = _first_sightings(database, cursor, chunk)
            wanted = [r for r in fresh if window.holds(r)]
            entries = _entries(database, cursor, [r.transaction_id for r in wanted])
            for row in wanted:
                entry = entries.get(row.transaction_id)
                yield Finding(classify(row, entry), row, entry)
        for entry in _ledger_only(database, cursor, window):
            yield Finding(classify(None, entry), None, entry)
        cursor.execute(f"DROP TABLE {_SEEN}")


def _chunks(rows: Iterable[OperatorRow]) -> Iterator[tuple[OperatorRow, ...]]:
    it = iter(rows)
    while chunk := tuple(islice(it, CHUNK)):
        yield chunk


def _create_seen(cursor: Any) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {_SEEN}")
    cursor.execute(f"CREATE TEMPORARY TABLE {_SEEN} (id TEXT PRIMARY KEY)")


def _first_sightings(
    database: Database, cursor: Any, chunk: tuple[OperatorRow, ...]
) -> list[OperatorRow]:
    """Rows whose id neither an earlier chunk nor an earlier row of this one had."""
    firsts = {r.transaction_id: r for r in reversed(chunk)}  # the first row of each id wins
    ids = list(firsts)
    cursor.execute(database.sql(f"SELECT id FROM {_SEEN} WHERE id IN ({_marks(ids)})"), ids)
    for seen in cursor.fetchall():
        firsts.pop(seen["id"], None)
    if firsts:
        cursor.executemany(
            database.sql(f"INSERT INTO {_SEEN} (id) VALUES (%s)"), [(i,) for i in firsts]
        )
    return [r for r in chunk if firsts.get(r.transaction_id) is r]


def _entries(database: Database, cursor: Any, ids: list[str]) -> dict[str, LedgerEntry]:
    if not ids:
        return {}
    cursor.execute(
        database.sql(
            f"SELECT {_ENTRY} FROM {TRANSACTIONS.name} "
            f"WHERE source = 'operator' AND external_id IN ({_marks(ids)})"
        ),
        ids,
    )
    return {row["external_id"]: _entry(row) for row in cursor.fetchall()}


def _ledger_only(database: Database, cursor: Any, window: Window) -> Iterator[LedgerEntry]:
    where, params = "", []
    if window.start is not None:
        where, params = " AND t.recorded_at >= %s", [window.start.isoformat()]
    if window.end is not None:
        where += " AND t.recorded_at < %s"
        params.append((window.end + timedelta(days=1)).isoformat())
    statement = (
        f"SELECT {_ENTRY} FROM {TRANSACTIONS.name} t WHERE t.source = 'operator' "
        f"AND t.action IS NOT NULL{where} "
        f"AND NOT EXISTS (SELECT 1 FROM {_SEEN} s WHERE s.id = t.external_id)"
    )
    for row in _stream(database, cursor, statement, params):
        yield _entry(row)


def _stream(database: Database, cursor: Any, statement: str, params: list[Any]) -> Iterator[Any]:
    """Rows a batch at a time: a server-side cursor on PostgreSQL, SQLite's lazy one."""
    if database.postgres:
        with cursor.connection.cursor(name="reconcile_only") as named:
            named.execute(statement, params)
            while page := named.fetchmany(CHUNK):
                yield from page
        return
    cursor.execute(database.sql(statement), params)
    lazy = getattr(cursor, "sqlite_cursor", cursor)  # the library wraps sqlite3's cursor
    while page := lazy.fetchmany(CHUNK):
        yield from page


def _entry(row: Any) -> LedgerEntry:
    amount = row["amount"]
    return LedgerEntry(
        transaction_id=row["external_id"],
        action=row["action"],
        user_id=row["user_id"],
        currency=row["currency"],
        amount=None if amount is None else Decimal(amount),
        status=row["status"],
        error=row["error"],
        rolled_back_by=row["rolled_back_by"],
    )


def _marks(values: list[str]) -> str:
    return ", ".join(["%s"] * len(values))
