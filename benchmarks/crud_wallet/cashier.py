"""Cashier top-ups, exactly once per reference."""

from decimal import Decimal
from typing import Any
from uuid import uuid4

from psycopg import Connection

from benchmarks.crud_wallet import wallets

CLAIM = """
INSERT INTO deposits (reference, transaction_id, user_id, currency, amount)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (reference) DO NOTHING
RETURNING reference
"""
EXISTING = "SELECT user_id, currency, amount, balance_after FROM deposits WHERE reference = %s"
SETTLE = "UPDATE deposits SET balance_after = %s WHERE reference = %s"


class DuplicateReferenceError(Exception):
    """The reference was already used for a different top-up."""


def deposit(
    conn: Connection[Any], reference: str, user_id: str, currency: str, amount: Decimal
) -> Decimal:
    """Credit once per reference; a repeat answers the first balance."""
    cursor = conn.execute(CLAIM, (reference, uuid4(), user_id, currency, amount))
    if cursor.fetchone() is None:
        cursor = conn.execute(EXISTING, (reference,))
        row = cursor.fetchone()
        assert row is not None, "a reference that conflicted exists once its writer commits"
        if tuple(row[:3]) != (user_id, currency, amount):
            raise DuplicateReferenceError(reference)
        return Decimal(row[3])
    balance = wallets.credit(conn, user_id, currency, amount)
    conn.execute(SETTLE, (balance, reference))
    return balance
