"""Settling a bet whose outcome was in doubt when the ledger answered INTERNAL_ERROR.

The OPERATOR sends a bet once and takes INTERNAL_ERROR as final: the bet does not exist
for it and will never be settled or rolled back. So once the store answers again:
- if the bet landed after all, the ledger gives the stake back with an event that says why;
- if it did not land, the ledger closes its id (a tombstone), so that a commit still held
  somewhere on the network can never land later.
Either way every later delivery of the id answers TRANSACTION_ROLLED_BACK, and a rollback
of it succeeds without moving money.
"""

from domain.answers import Answer
from domain.commands import Action, SettleInDoubt
from domain.player import Player
from domain.transaction import IN_DOUBT, OperatorTransaction, Status
from domain.unit_of_work import UnitOfWork

REASON = "the bet was answered INTERNAL_ERROR while its commit's outcome was unknown"


def settle_in_doubt(uow: UnitOfWork, cmd: SettleInDoubt) -> Answer:
    """The stake back (an answer naming the bet), or its id closed (an empty answer)."""
    tx = uow.operator_transaction(cmd.transaction_id)
    if tx is None:
        uow.add(OperatorTransaction.tombstone(cmd.transaction_id, IN_DOUBT, uow.now))
        return Answer()
    arrival = tx.arrival
    if arrival is None or not _undoable(tx):
        return Answer()
    player = uow.wallet(arrival.user_id)
    player.move(
        Player.BetReversed,
        arrival.currency,
        arrival.amount,
        uow.now,
        operator_transaction_id=cmd.transaction_id,
        reason=REASON,
    )
    tx.reverse_in_doubt(REASON, uow.now)
    balance = player.balance(arrival.currency)
    return Answer(transaction_id=tx.id, currency=arrival.currency, balance=balance)


def _undoable(tx: OperatorTransaction) -> bool:
    """An applied bet nothing has undone yet; a decline, a result or a rollback moves nothing."""
    arrival = tx.arrival
    return (
        arrival is not None
        and arrival.action == Action.BET
        and arrival.status == Status.APPLIED
        and tx.rolled_back_by is None
    )
