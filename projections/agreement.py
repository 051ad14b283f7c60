"""The OPERATOR's export against the ledger's transactions index, streamed in chunks.

Memory stays bounded whatever the export's size: rows are looked up a chunk at a time, and
the ids already seen are kept in a temporary table in the database (every id is counted
once), which also finds what the ledger has and the export lacks. So are the ids the
export's accepted rollbacks undo, and the rows whose class waits for them: a bet the ledger
reversed is a discrepancy only if no rollback further down the export undid it too.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from adapters.sql import Database
from domain.reconciliation import (
    ACCEPTED,
    Agreement,
    LedgerEntry,
    OperatorRow,
    classify,
    needs_rollbacks,
)
from projections.schema import TRANSACTIONS

CHUNK = 1000
_SEEN, _ROLLED, _LATER = "recon_seen", "recon_rolled", "recon_later"
_ENTRY = (
    "external_id, action, user_id, currency, amount, status, error, rolled_back_by, rollback_of"
)
_ROW = ("transaction_id", "action", "user_id", "currency", "amount", "rollback_transaction_id",
        "status", "created_at")  # fmt: skip


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
        yield from compare_in(database, cursor, rows, window)


def compare_in(
    database: Database, cursor: Any, rows: Iterable[OperatorRow], window: Window
) -> Iterator[Finding]:
    """compare() inside the caller's transaction: between two findings the cursor is free
    for the caller's own statements (a run's findings saved as they come)."""
    _create_temporary(database, cursor)
    for chunk in _chunks(rows):
        fresh = _first_sightings(database, cursor, chunk)
        _note_rollbacks(database, cursor, fresh)
        wanted = [r for r in fresh if window.holds(r)]
        entries = _entries(database, cursor, [r.transaction_id for r in wanted])
        yield from _decided(database, cursor, wanted, entries)
    yield from _deferred(database, cursor)
    for entry in _ledger_only(database, cursor, window):
        yield Finding(classify(None, entry), None, entry)
    cursor.execute(f"DROP TABLE {_SEEN}")
    cursor.execute(f"DROP TABLE {_ROLLED}")
    cursor.execute(f"DROP TABLE {_LATER}")


def _decided(
    database: Database, cursor: Any, rows: list[OperatorRow], entries: dict[str, LedgerEntry]
) -> Iterator[Finding]:
    """Findings for rows whose class is known now; a row that the ledger undid and the
    export may still roll back further down waits until the whole export is read."""
    waiting = [r for r in rows if needs_rollbacks(r, entries.get(r.transaction_id))]
    rolled = _rolled(database, cursor, [r.transaction_id for r in waiting])
    later = [r for r in waiting if r.transaction_id not in rolled]
    _defer(database, cursor, later)
    kept = {r.transaction_id for r in later}  # ids are unique among first sightings
    for row in rows:
        if row.transaction_id not in kept:
            entry = entries.get(row.transaction_id)
            yield Finding(classify(row, entry, row.transaction_id in rolled), row, entry)


def _chunks(rows: Iterable[OperatorRow]) -> Iterator[tuple[OperatorRow, ...]]:
    it = iter(rows)
    while chunk := tuple(islice(it, CHUNK)):
        yield chunk


def _create_temporary(database: Database, cursor: Any) -> None:
    serial = "BIGSERIAL" if database.postgres else "INTEGER"  # SQLite's is the rowid
    for table, columns in (
        (_SEEN, "id TEXT PRIMARY KEY"),
        (_ROLLED, "id TEXT PRIMARY KEY"),  # ids an accepted rollback of the export undid
        (_LATER, f"seq {serial} PRIMARY KEY, " + ", ".join(f"{c} TEXT" for c in _ROW)),
    ):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns})")


def _first_sightings(
    database: Database, cursor: Any, chunk: tuple[OperatorRow, ...]
) -> list[OperatorRow]:
    """Rows whose id neither an earlier chunk nor an earlier row of this one had."""
    firsts = {r.transaction_id: r for r in reversed(chunk)}  # the first row of each id wins
    ids = list(firsts)
    cursor.execute(database.sql(f"SELECT id FROM {_SEEN} WHERE id IN ({_marks(ids)})"), ids)
    for seen in cursor.fetchall():
        firsts.pop(seen["id"], None)
    _insert_ids(database, cursor, _SEEN, list(firsts))
    return [r for r in chunk if firsts.get(r.transaction_id) is r]


def _note_rollbacks(database: Database, cursor: Any, rows: list[OperatorRow]) -> None:
    """Whatever the window, an accepted rollback in the export undoes its target."""
    targets = {
        r.rollback_transaction_id
        for r in rows
        if r.action == "rollback" and r.status == ACCEPTED and r.rollback_transaction_id
    }
    if targets:
        known = _rolled(database, cursor, list(targets))
        _insert_ids(database, cursor, _ROLLED, sorted(targets - known))


def _rolled(database: Database, cursor: Any, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    cursor.execute(database.sql(f"SELECT id FROM {_ROLLED} WHERE id IN ({_marks(ids)})"), ids)
    return {row["id"] for row in cursor.fetchall()}


def _insert_ids(database: Database, cursor: Any, table: str, ids: list[str]) -> None:
    if ids:
        cursor.executemany(
            database.sql(f"INSERT INTO {table} (id) VALUES (%s)"), [(i,) for i in ids]
        )


def _defer(database: Database, cursor: Any, rows: list[OperatorRow]) -> None:
    if rows:
        statement = f"INSERT INTO {_LATER} ({', '.join(_ROW)}) VALUES ({_marks(list(_ROW))})"
        cursor.executemany(database.sql(statement), [_flat(r) for r in rows])


def _deferred(database: Database, cursor: Any) -> Iterator[Finding]:
    """The rows kept for the end, now that every rollback of the export is known."""
    after = -1
    while True:
        cursor.execute(
            database.sql(
                f"SELECT l.*, r.id AS rolled FROM {_LATER} l LEFT JOIN {_ROLLED} r "
                f"ON r.id = l.transaction_id WHERE l.seq > %s ORDER BY l.seq LIMIT {CHUNK}"
            ),
            (after,),
        )
        page = cursor.fetchall()
        if not page:
            return
        after = page[-1]["seq"]
        entries = _entries(database, cursor, [p["transaction_id"] for p in page])
        for kept in page:
            row, entry = _unflat(kept), entries.get(kept["transaction_id"])
            yield Finding(classify(row, entry, kept["rolled"] is not None), row, entry)


def _flat(row: OperatorRow) -> tuple[str | None, ...]:
    return (
        row.transaction_id, row.action, row.user_id, row.currency, str(row.amount),
        row.rollback_transaction_id, row.status, row.created_at.isoformat(),
    )  # fmt: skip


def _unflat(kept: Any) -> OperatorRow:
    return OperatorRow(
        transaction_id=kept["transaction_id"],
        action=kept["action"],
        user_id=kept["user_id"],
        currency=kept["currency"],
        amount=Decimal(kept["amount"]),
        rollback_transaction_id=kept["rollback_transaction_id"],
        status=kept["status"],
        created_at=datetime.fromisoformat(kept["created_at"]),
    )


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
    """Keyset pages (by the index's key), so no cursor stays open between two findings."""
    where, params = "", []
    if window.start is not None:
        where, params = " AND t.recorded_at >= %s", [window.start.isoformat()]
    if window.end is not None:
        where += " AND t.recorded_at < %s"
        params.append((window.end + timedelta(days=1)).isoformat())
    statement = database.sql(
        f"SELECT {_ENTRY}, client_transaction_id FROM {TRANSACTIONS.name} t "
        f"WHERE t.client_transaction_id > %s AND t.source = 'operator' "
        f"AND t.action IS NOT NULL{where} "
        f"AND NOT EXISTS (SELECT 1 FROM {_SEEN} s WHERE s.id = t.external_id) "
        f"ORDER BY t.client_transaction_id LIMIT {CHUNK}"
    )
    after = ""
    while True:
        cursor.execute(statement, [after, *params])
        page = cursor.fetchall()
        if not page:
            return
        after = page[-1]["client_transaction_id"]
        for row in page:
            yield _entry(row)


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
        rollback_of=row["rollback_of"],
    )


def _marks(values: list[str]) -> str:
    return ", ".join(["%s"] * len(values))
