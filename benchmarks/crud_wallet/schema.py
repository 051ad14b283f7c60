"""The CRUD wallet's tables, created if missing: balances, one row per OPERATOR id, top-ups."""

import psycopg

# transactions.status: 'pending' only inside the writing transaction; 'tombstone' is a
# rollback's mark on an id not seen yet, which its late arrival turns into a real row.
DDL = """
CREATE TABLE IF NOT EXISTS wallets (
    user_id text NOT NULL,
    currency text NOT NULL,
    balance numeric NOT NULL DEFAULT 0,
    blocked boolean NOT NULL DEFAULT false,
    PRIMARY KEY (user_id, currency)
);
CREATE TABLE IF NOT EXISTS transactions (
    operator_transaction_id text PRIMARY KEY,
    client_transaction_id uuid UNIQUE,
    action text CHECK (action IN ('bet', 'result', 'rollback')),
    user_id text,
    currency text,
    amount numeric CHECK (amount >= 0),
    status text NOT NULL
        CHECK (status IN ('pending', 'applied', 'declined', 'recorded', 'tombstone')),
    error text,
    balance_after numeric,
    rollback_of text,
    rolled_back_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (status = 'tombstone' OR (client_transaction_id IS NOT NULL AND action IS NOT NULL
        AND user_id IS NOT NULL AND currency IS NOT NULL AND amount IS NOT NULL)),
    CHECK ((status = 'declined') = (error IS NOT NULL)),
    CHECK ((action = 'rollback') = (rollback_of IS NOT NULL))
);
CREATE TABLE IF NOT EXISTS deposits (
    reference text PRIMARY KEY,
    transaction_id uuid NOT NULL UNIQUE,
    user_id text NOT NULL,
    currency text NOT NULL,
    amount numeric NOT NULL CHECK (amount > 0),
    balance_after numeric,
    created_at timestamptz NOT NULL DEFAULT now()
);
"""


def create_tables(database_url: str) -> None:
    """Create the tables once, before any worker serves; a lock keeps racing starts apart."""
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(7242001)")
        conn.execute(DDL)
