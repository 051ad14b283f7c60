"""One OPERATOR callback as one database transaction, exactly once per OPERATOR id.

Locks are always taken in the same order, so concurrent callbacks queue instead of
deadlocking: the callback's own transactions row (its primary key admits one writer),
then the row of the transaction a rollback names, then the wallet row.
"""

from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from psycopg import Connection
from psycopg.rows import dict_row

from benchmarks.crud_wallet import wallets
from benchmarks.crud_wallet.answers import Answer, Outcome
from benchmarks.crud_wallet.parsing import Callback

CLAIM = """
INSERT INTO transactions (operator_transaction_id, client_transaction_id, action, user_id,
    currency, amount, status, rollback_of)
VALUES (%s, %s, %s, %s, %s, %s, 'pending', %s)
ON CONFLICT (operator_transaction_id) DO NOTHING
RETURNING operator_transaction_id
"""
EXISTING = """
SELECT client_transaction_id, action, user_id, currency, amount, status, error,
    balance_after, rolled_back_by
FROM transactions WHERE operator_transaction_id = %s FOR UPDATE
"""
SETTLE = """
UPDATE transactions SET status = %s, error = %s, balance_after = %s
WHERE operator_transaction_id = %s
"""
ARRIVE_LATE = """
UPDATE transactions SET client_transaction_id = %s, action = %s, user_id = %s, currency = %s,
    amount = %s, status = %s, error = %s, balance_after = %s, rollback_of = %s
WHERE operator_transaction_id = %s
"""
TOMBSTONE = """
INSERT INTO transactions (operator_transaction_id, status, rolled_back_by)
VALUES (%s, 'tombstone', %s)
ON CONFLICT (operator_transaction_id) DO NOTHING
RETURNING operator_transaction_id
"""
MARK_ROLLED_BACK = "UPDATE transactions SET rolled_back_by = %s WHERE operator_transaction_id = %s"


def settle(conn: Connection[Any], cb: Callback) -> Answer:
    """Record the callback's outcome, or read the first outcome if the id was seen."""
    client_id = uuid4()
    claim = (cb.transaction_id, client_id, cb.action, cb.user_id, cb.currency, cb.amount)
    cursor = conn.execute(CLAIM, (*claim, cb.rollback_of))
    if cursor.fetchone() is None:
        return _seen(conn, cb, client_id)
    outcome = _decide(conn, cb)
    conn.execute(SETTLE, (outcome.status, outcome.error, outcome.balance, cb.transaction_id))
    return Answer.of(outcome, client_id, cb.currency)


def _decide(conn: Connection[Any], cb: Callback) -> Outcome:
    if cb.action == "bet":
        return _bet(conn, cb)
    if cb.action == "result":
        balance = wallets.credit(conn, cb.user_id, cb.currency, cb.amount)
        return Outcome("applied", balance=balance)
    return _rollback(conn, cb)


def _bet(conn: Connection[Any], cb: Callback) -> Outcome:
    balance, blocked = wallets.lock(conn, cb.user_id, cb.currency)
    if blocked:
        return Outcome("declined", "PLAYER_BLOCKED")
    if cb.amount > balance:
        return Outcome("declined", "INSUFFICIENT_FUNDS")
    return Outcome("applied", balance=wallets.debit(conn, cb.user_id, cb.currency, cb.amount))


def _rollback(conn: Connection[Any], cb: Callback) -> Outcome:
    """Reverse the original as recorded; an unseen original gets a tombstone instead."""
    target = cb.rollback_of
    assert target is not None
    if target == cb.transaction_id:
        return _recorded(conn, cb)
    cursor = conn.execute(TOMBSTONE, (target, cb.transaction_id))
    if cursor.fetchone() is not None:
        return _recorded(conn, cb)
    original = _row(conn, target)
    if original["status"] == "tombstone":
        return _recorded(conn, cb)
    if original["rolled_back_by"] is not None:
        return _recorded(conn, cb)
    conn.execute(MARK_ROLLED_BACK, (cb.transaction_id, target))
    if original["status"] != "applied" or original["action"] == "rollback":
        return _recorded(conn, cb)
    sign = 1 if original["action"] == "bet" else -1
    delta: Decimal = sign * original["amount"]
    wallets.warn_mismatch(cb, original)
    balance = wallets.credit(conn, original["user_id"], original["currency"], delta)
    return Outcome("applied", balance=balance)


def _recorded(conn: Connection[Any], cb: Callback) -> Outcome:
    """Seen, answered with success, no money moved."""
    return Outcome("recorded", balance=wallets.balance(conn, cb.user_id, cb.currency))


def _seen(conn: Connection[Any], cb: Callback, client_id: UUID) -> Answer:
    """A repeat answers the first answer; the late original of a tombstone is settled now."""
    row = _row(conn, cb.transaction_id)
    if row["status"] != "tombstone":
        stored = Outcome(row["status"], row["error"], row["balance_after"])
        return Answer.of(stored, row["client_transaction_id"], row["currency"])
    if cb.action == "bet":
        outcome = Outcome("declined", "TRANSACTION_ROLLED_BACK")
    else:
        outcome = _recorded(conn, cb)
    fields = (client_id, cb.action, cb.user_id, cb.currency, cb.amount)
    late = (outcome.status, outcome.error, outcome.balance, cb.rollback_of, cb.transaction_id)
    conn.execute(ARRIVE_LATE, (*fields, *late))
    return Answer.of(outcome, client_id, cb.currency)


def _row(conn: Connection[Any], operator_id: str) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cursor:
        cursor.execute(EXISTING, (operator_id,))
        row = cursor.fetchone()
    assert row is not None, "a row that conflicted on insert exists once its writer commits"
    return row
