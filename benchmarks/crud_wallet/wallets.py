"""Wallet rows: lock, debit, credit, read; a missing row is a balance of zero."""

import logging
from decimal import Decimal
from typing import Any

from psycopg import Connection

from benchmarks.crud_wallet.parsing import Callback

log = logging.getLogger("crud_wallet")
ZERO = Decimal(0)

LOCK = "SELECT balance, blocked FROM wallets WHERE user_id = %s AND currency = %s FOR UPDATE"
DEBIT = """
UPDATE wallets SET balance = balance - %s WHERE user_id = %s AND currency = %s
RETURNING balance
"""
CREDIT = """
INSERT INTO wallets (user_id, currency, balance) VALUES (%s, %s, %s)
ON CONFLICT (user_id, currency) DO UPDATE SET balance = wallets.balance + EXCLUDED.balance
RETURNING balance
"""
BALANCE = "SELECT balance FROM wallets WHERE user_id = %s AND currency = %s"
ALL_BALANCES = "SELECT currency, balance, blocked FROM wallets WHERE user_id = %s ORDER BY 1"


def lock(conn: Connection[Any], user_id: str, currency: str) -> tuple[Decimal, bool]:
    """The row's balance and blocked flag, locked until commit; (0, False) if none."""
    cursor = conn.execute(LOCK, (user_id, currency))
    row = cursor.fetchone()
    return (row[0], row[1]) if row else (ZERO, False)


def debit(conn: Connection[Any], user_id: str, currency: str, amount: Decimal) -> Decimal:
    """Take the amount from a locked, existing row; the new balance."""
    cursor = conn.execute(DEBIT, (amount, user_id, currency))
    row = cursor.fetchone()
    assert row is not None, "a bet is only debited from a wallet it locked"
    return Decimal(row[0])


def credit(conn: Connection[Any], user_id: str, currency: str, delta: Decimal) -> Decimal:
    """Add a signed amount, opening the wallet if needed; the new balance."""
    cursor = conn.execute(CREDIT, (user_id, currency, delta))
    row = cursor.fetchone()
    assert row is not None
    return Decimal(row[0])


def balance(conn: Connection[Any], user_id: str, currency: str) -> Decimal:
    """The current balance, zero for a wallet never opened."""
    cursor = conn.execute(BALANCE, (user_id, currency))
    row = cursor.fetchone()
    return Decimal(row[0]) if row else ZERO


def view(conn: Connection[Any], user_id: str) -> tuple[dict[str, Decimal], bool]:
    """Every balance of the player and whether any wallet is blocked."""
    cursor = conn.execute(ALL_BALANCES, (user_id,))
    rows = cursor.fetchall()
    return {r[0]: Decimal(r[1]) for r in rows}, any(r[2] for r in rows)


def warn_mismatch(cb: Callback, original: dict[str, Any]) -> None:
    """Log where a rollback's own fields disagree with the original it reverses."""
    fields = ("user_id", "currency", "amount")
    differ = [f for f in fields if getattr(cb, f) != original[f]]
    if differ:
        log.warning("rollback_mismatch id=%s fields=%s", cb.transaction_id, ",".join(differ))
