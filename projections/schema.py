"""The read models' tables, in the ledger's own database, created if missing."""

from typing import Any

from adapters.sql import Database

TRACKING = "rm_tracking"
TABLES = ("rm_players", "rm_balances", "rm_transactions", "rm_daily", "rm_chain", TRACKING)

DDL = (
    """CREATE TABLE IF NOT EXISTS rm_players (
        player_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, blocked INTEGER NOT NULL,
        position BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS rm_balances (
        player_id TEXT NOT NULL, currency TEXT NOT NULL, balance TEXT NOT NULL,
        position BIGINT NOT NULL, PRIMARY KEY (player_id, currency))""",
    """CREATE TABLE IF NOT EXISTS rm_transactions (
        source TEXT NOT NULL, external_id TEXT NOT NULL, client_transaction_id TEXT NOT NULL,
        action TEXT, user_id TEXT, currency TEXT, amount TEXT, status TEXT NOT NULL,
        error TEXT, balance_after TEXT, rollback_of TEXT, rolled_back_by TEXT,
        reversed_user_id TEXT, reversed_currency TEXT, reversed_amount TEXT,
        position BIGINT NOT NULL, recorded_at TEXT NOT NULL, updated_position BIGINT NOT NULL,
        PRIMARY KEY (client_transaction_id))""",
    """CREATE UNIQUE INDEX IF NOT EXISTS rm_transactions_external
        ON rm_transactions (source, external_id)""",
    """CREATE TABLE IF NOT EXISTS rm_daily (
        day TEXT NOT NULL, currency TEXT NOT NULL, stakes TEXT NOT NULL, payouts TEXT NOT NULL,
        stake_refunds TEXT NOT NULL, payout_reversals TEXT NOT NULL, deposits TEXT NOT NULL,
        withdrawals TEXT NOT NULL, bets BIGINT NOT NULL, results BIGINT NOT NULL,
        rollbacks BIGINT NOT NULL, PRIMARY KEY (day, currency))""",
    """CREATE TABLE IF NOT EXISTS rm_chain (
        position BIGINT PRIMARY KEY, day TEXT NOT NULL, link TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS rm_chain_day ON rm_chain (day, position)",
    """CREATE TABLE IF NOT EXISTS rm_tracking (
        name TEXT PRIMARY KEY, position BIGINT NOT NULL, link TEXT NOT NULL, event_time TEXT)""",
)


def create_tables(database: Database) -> None:
    """Every read-model table and index, idempotently."""
    with database.transaction() as cursor:
        for statement in DDL:
            cursor.execute(statement)


def empty_views(cursor: Any) -> None:
    """Remove every read-model row but the tracking (inside the caller's transaction)."""
    for table in TABLES:
        if table != TRACKING:
            cursor.execute(f"DELETE FROM {table}")
