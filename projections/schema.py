"""The read models' tables, declared once: every statement, row and report derives from here."""

from dataclasses import dataclass, field
from typing import Any

from adapters.append_sql import TAKE_DDL_LOCK
from adapters.sql import Database

TEXT, NUMBER = "TEXT", "BIGINT"  # exact decimals are stored as TEXT and read as Decimal


@dataclass(frozen=True)
class Index:
    """A secondary index of a table."""

    name: str
    columns: tuple[str, ...]
    unique: bool = False


@dataclass(frozen=True)
class Table:
    """One read-model table: its columns and their kinds, its key, which hold decimals."""

    name: str
    columns: dict[str, str]  # column -> TEXT or BIGINT
    keys: tuple[str, ...]
    decimals: frozenset[str] = frozenset()
    nullable: frozenset[str] = frozenset()
    indexes: tuple[Index, ...] = field(default=())
    late: frozenset[str] = frozenset()  # whole-number columns added since the table shipped

    @property
    def names(self) -> tuple[str, ...]:
        """The columns in their declared order."""
        return tuple(self.columns)

    @property
    def integers(self) -> frozenset[str]:
        """Columns that hold whole numbers."""
        return frozenset(c for c, kind in self.columns.items() if kind == NUMBER)

    def ddl(self) -> list[str]:
        """CREATE statements for the table and its indexes, idempotent."""
        return [statement for _, statement in self.objects()]

    def objects(self) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the table and of each of its indexes."""
        columns = ", ".join(
            f"{c} {kind}{'' if c in self.nullable else ' NOT NULL'}"
            for c, kind in self.columns.items()
        )
        key = ", ".join(self.keys)
        table = f"CREATE TABLE IF NOT EXISTS {self.name} ({columns}, PRIMARY KEY ({key}))"
        objects = [(self.name, table)]
        for index in self.indexes:
            unique = "UNIQUE " if index.unique else ""
            objects.append((
                index.name,
                f"CREATE {unique}INDEX IF NOT EXISTS {index.name} "
                f"ON {self.name} ({', '.join(index.columns)})",
            ))  # fmt: skip
        return objects


DAILY_SUMS = ("stakes", "payouts", "stake_refunds", "payout_reversals", "deposits", "withdrawals")
DAILY_COUNTS = ("bets", "results", "rollbacks", "limit_declines")
_T, _N = TEXT, NUMBER

PLAYERS = Table(
    "rm_players",
    {"player_id": _T, "user_id": _T, "blocked": _N, "position": _N},
    keys=("player_id",),
)
BALANCES = Table(
    "rm_balances",
    {"player_id": _T, "currency": _T, "balance": _T, "position": _N},
    keys=("player_id", "currency"),
    decimals=frozenset({"balance"}),
)
TRANSACTIONS = Table(
    "rm_transactions",
    {
        "source": _T, "external_id": _T, "client_transaction_id": _T, "action": _T,
        "user_id": _T, "currency": _T, "amount": _T, "status": _T, "error": _T,
        "balance_after": _T, "rollback_of": _T, "rolled_back_by": _T,
        "reversed_user_id": _T, "reversed_currency": _T, "reversed_amount": _T,
        "position": _N, "recorded_at": _T, "updated_position": _N,
    },
    keys=("client_transaction_id",),
    nullable=frozenset(
        {"action", "user_id", "currency", "amount", "error", "balance_after", "rollback_of",
         "rolled_back_by", "reversed_user_id", "reversed_currency", "reversed_amount"}
    ),
    indexes=(Index("rm_transactions_external", ("source", "external_id"), unique=True),),
)  # fmt: skip
DAILY = Table(
    "rm_daily",
    {"day": _T, "currency": _T} | dict.fromkeys(DAILY_SUMS, _T) | dict.fromkeys(DAILY_COUNTS, _N),
    keys=("day", "currency"),
    decimals=frozenset(DAILY_SUMS),
    late=frozenset({"limit_declines"}),  # bets declined LIMIT_EXCEEDED
)
CHAIN = Table(
    "rm_chain",
    {"position": _N, "day": _T, "link": _T},
    keys=("position",),
    indexes=(Index("rm_chain_day", ("day", "position")),),
)
TRACKING = Table(
    "rm_tracking",
    {"name": _T, "position": _N, "link": _T, "event_time": _T},
    keys=("name",),
    nullable=frozenset({"event_time"}),
)
# How far the chain has been verified from the stored bytes (the back office's integrity
# page advances it); not a view: a replay rebuilds the same links, so it stays true.
VERIFIED = Table(
    "rm_verified",
    {"name": _T, "position": _N, "link": _T, "checked_at": _T},
    keys=("name",),
)
# Reconciliation runs, so their discrepancies can be paged (from any server): the counts
# of each run, and its discrepancies in the order found. Not views: a replay keeps them.
RECON_RUNS = Table(
    "recon_runs",
    {"run_id": _T, "started_at": _T, "name": _T, "summary": _T, "found": _N},
    keys=("run_id",),
    indexes=(Index("recon_runs_started", ("started_at",)),),
)
RECON_FINDINGS = Table(
    "recon_findings", {"run_id": _T, "seq": _N, "record": _T}, keys=("run_id", "seq")
)
VIEWS = (PLAYERS, BALANCES, TRANSACTIONS, DAILY, CHAIN)
TABLES = (*VIEWS, TRACKING, VERIFIED, RECON_RUNS, RECON_FINDINGS)


def create_tables(database: Database) -> None:
    """Every read-model table and index that is missing; a table made before a column
    existed gets it (zero in every row: nothing it counts had happened)."""
    database.create_missing([o for table in TABLES for o in table.objects()])
    late = [table for table in TABLES if table.late]
    if late:
        with database.transaction() as cursor:
            if database.postgres:
                cursor.execute(TAKE_DDL_LOCK)  # two servers starting: one adds, one sees it
            for table in late:
                _add_late_columns(cursor, database, table)


def _add_late_columns(cursor: Any, database: Database, table: Table) -> None:
    # Looked at first: an ALTER TABLE would lock the table at every start, behind any reader.
    if database.postgres:
        cursor.execute(
            "SELECT column_name AS name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s",
            (table.name,),
        )
    else:
        cursor.execute(f"PRAGMA table_info({table.name})")
    present = {row["name"] for row in cursor.fetchall()}
    for column in sorted(table.late - present):
        cursor.execute(f"ALTER TABLE {table.name} ADD COLUMN {column} {NUMBER} NOT NULL DEFAULT 0")


def empty_views(cursor: Any, database: Database) -> None:
    """Remove every read-model row but the tracking (inside the caller's transaction)."""
    database.empty(cursor, [table.name for table in VIEWS])
