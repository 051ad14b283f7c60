"""Making an error answer true: a bet the ledger answered with an error costs nothing.

The OPERATOR sends a bet once and takes INTERNAL_ERROR as final: the bet does not exist
for it and will never be settled or rolled back. So once the store answers again:
- if that very delivery landed the bet after all, the ledger gives the stake back with an
  event that says why;
- if nothing landed it, the ledger closes its id (a tombstone), so that a commit still
  held somewhere on the network can never land later;
- if another delivery landed it, or one was answered since, or a rollback undid it, the
  error was not the answer that decided it, and nothing changes.
A later delivery of a bet undone or closed answers TRANSACTION_ROLLED_BACK, and a rollback
of it succeeds without moving money.

The other half of the rule is answer_again(): a later delivery of an applied bet is
answered as the first one was and recorded, so no error given for it earlier can undo it.
"""

from domain.answers import Answer
from domain.commands import SettleInDoubt
from domain.player import Player
from domain.transaction import IN_DOUBT, OperatorTransaction
from domain.unit_of_work import UnitOfWork

REASON = "the bet was answered INTERNAL_ERROR while its commit's outcome was unknown"
REVERSED, CLOSED, UNCHANGED = "reversed", "closed", "unchanged"


def settle_in_doubt(uow: UnitOfWork, cmd: SettleInDoubt) -> Answer:
    """The stake back, the id closed, or nothing to do; the answer's note says which."""
    tx = uow.operator_transaction(cmd.transaction_id)
    if tx is None:
        uow.add(OperatorTransaction.tombstone(cmd.transaction_id, IN_DOUBT, uow.now))
        return Answer(note=CLOSED)
    arrival = tx.arrival
    if arrival is None or not tx.undoable or cmd.delivery is None or tx.delivery != cmd.delivery:
        return Answer(note=UNCHANGED)
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
    return Answer(transaction_id=tx.id, currency=arrival.currency, balance=balance, note=REVERSED)


def answer_again(uow: UnitOfWork, tx: OperatorTransaction, delivery: str | None) -> Answer:
    """A repeat's answer: the first one, recorded again where an error could still undo it.

    The delivery that landed the bet, retrying after a lost acknowledgement, finds its own
    bet: that is no later delivery, and its answer may yet be an error to make true.
    """
    if tx.undoable and tx.delivery is not None and delivery != tx.delivery:
        tx.answer_again(uow.now)
    return tx.answer
