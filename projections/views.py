"""The ledger's read models and how one event changes them, batch by batch."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from adapters.sql import Database
from domain.errors import LedgerError
from domain.money import ZERO
from projections.schema import (
    BALANCES,
    CHAIN,
    DAILY,
    DAILY_COUNTS,
    DAILY_SUMS,
    PLAYERS,
    TRANSACTIONS,
)
from projections.tables import BatchTable, Key, Row


def _new_balance(key: Key) -> Row:
    return {"player_id": key[0], "currency": key[1], "balance": ZERO, "position": 0}


def _new_day(key: Key) -> Row:
    return (
        {"day": key[0], "currency": key[1]}
        | dict.fromkeys(DAILY_SUMS, ZERO)
        | dict.fromkeys(DAILY_COUNTS, 0)
    )


class LedgerViews:
    """Balances, the transactions index, daily totals and the chain, for one batch at a time."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.cursor: Any = None
        self.players = BatchTable(PLAYERS)
        self.balances = BatchTable(BALANCES, _new_balance)
        self.transactions = BatchTable(TRANSACTIONS)
        self.daily = BatchTable(DAILY, _new_day)
        self.chain = BatchTable(CHAIN)
        self._tables = (self.players, self.balances, self.transactions, self.daily, self.chain)

    def begin(self, cursor: Any, *, keep: bool) -> None:
        """Start a batch inside the caller's transaction (keep: rows held are still true)."""
        self.cursor = cursor
        for table in self._tables:
            table.begin(keep=keep)

    def emptied(self) -> None:
        """The views were emptied by this runner (committed): no row exists but those held."""
        for table in self._tables:
            table.emptied()

    def open(self, player_id: str, user_id: str, position: int) -> None:
        """A player's wallet was opened."""
        self.players.put(
            {"player_id": player_id, "user_id": user_id, "blocked": 0, "position": position}
        )

    def block(self, player_id: str, blocked: bool, position: int) -> None:
        """A player's bets were blocked or unblocked."""
        row = self._row(self.players, (player_id,))
        row.update(blocked=int(blocked), position=position)

    def move(self, player_id: str, currency: str, delta: Decimal, position: int) -> None:
        """A player's balance in one currency changed."""
        row = self._row(self.balances, (player_id, currency))
        row["balance"] += delta
        row["position"] = position

    def count(self, day: str, currency: str, total: str, amount: Decimal, tally: str = "") -> None:
        """Add to a day's totals in one currency."""
        row = self._row(self.daily, (day, currency))
        row[total] += amount
        if tally:
            row[tally] += 1

    def tally(self, day: str, currency: str, column: str) -> None:
        """Count one more of something in a day's totals (a bet declined by a limit)."""
        self._row(self.daily, (day, currency))[column] += 1

    def record(self, row: Row) -> None:
        """A new entry in the transactions index."""
        self.transactions.put(row)

    def update(self, client_transaction_id: str, position: int, **fields: Any) -> None:
        """Later facts about an entry (a late arrival, a rollback naming it)."""
        row = self._row(self.transactions, (client_transaction_id,))
        row.update(fields, updated_position=position)

    @contextmanager
    def linking(self) -> Iterator[Callable[[tuple[int, str, str]], None]]:
        """Where the batch's chain links (position, day, link) go as they come.

        When no row of the batch can need reading back, straight into a COPY, which
        PostgreSQL stores while the batch goes on (the connection serves nothing else
        meanwhile); otherwise into the batch's rows, for flush().
        """
        if not (self.database.postgres and all(t.complete for t in self._tables)):
            yield self.chain.add
            return
        with self.cursor.copy(self.chain.copy_statement) as copy:
            yield copy.write_row

    def flush(self) -> None:
        """Write the batch's rows; the caller commits them with the tracking position."""
        for table in self._tables:
            table.flush(self.database, self.cursor)

    def _row(self, table: BatchTable, key: Key) -> Row:
        row = table.row(self.database, self.cursor, key)
        if row is None:  # an event about an entry the index never saw: the log is not whole
            raise LedgerError(f"{table.name} has no row {key} for an event that needs one")
        return row
