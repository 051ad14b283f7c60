"""One function per command: read the working set, apply the rules, record the outcome."""

from dataclasses import replace
from decimal import Decimal

from domain import limits, responsible, rules
from domain.answers import Answer
from domain.cashier import CashierTransaction
from domain.codes import Code
from domain.commands import (
    Block,
    CashierCommand,
    Command,
    CreditResult,
    Deposit,
    OperatorCommand,
    PlaceBet,
    RollBack,
    SelfExclude,
    SetLimit,
    SettleInDoubt,
    Unblock,
    Withdraw,
)
from domain.money import ZERO
from domain.player import Player
from domain.settling import answer_again, settle_in_doubt
from domain.transaction import Arrival, OperatorTransaction, Status
from domain.unit_of_work import UnitOfWork


def execute(uow: UnitOfWork, cmd: Command) -> Answer:  # noqa: PLR0911 - a return per command
    """Decide one command against the working set; the caller saves the batch."""
    match cmd:
        case PlaceBet():
            return place_bet(uow, cmd)
        case CreditResult():
            return credit_result(uow, cmd)
        case RollBack():
            return roll_back(uow, cmd)
        case Deposit() | Withdraw():
            return move_cash(uow, cmd)
        case SettleInDoubt():
            return responsible.released(uow, cmd, settle_in_doubt(uow, cmd))
        case Block() | Unblock():
            return set_blocked(uow, cmd, blocked=isinstance(cmd, Block))
        case SetLimit() | SelfExclude():
            return responsible.execute(uow, cmd)


def place_bet(uow: UnitOfWork, cmd: PlaceBet) -> Answer:
    """Debit the stake, or decline: rolled back first, then blocked, over a limit, short."""
    tx = uow.operator_transaction(cmd.transaction_id)
    if tx is not None and tx.arrival is not None:
        return answer_again(uow, tx, cmd.delivery)
    player = uow.player(cmd.user_id)
    code = rules.bet_decline(
        rolled_back=tx is not None,
        blocked=limits.bets_refused(player, uow.now),
        over_limit=limits.bet_over_limit(player, cmd.currency, cmd.amount, uow.now),
        balance=_balance(player, cmd.currency),
        stake=cmd.amount,
    )
    if code is not None:
        return _record(uow, tx, cmd, Status.DECLINED, error=code)
    # bet_decline() refuses any positive stake from an unopened wallet (balance zero).
    return _apply(uow, uow.wallet(cmd.user_id), Player.BetDebited, cmd, -cmd.amount)


def credit_result(uow: UnitOfWork, cmd: CreditResult) -> Answer:
    """Credit the payout; a result rolled back before it arrived succeeds moving nothing."""
    tx = uow.operator_transaction(cmd.transaction_id)
    if tx is not None and tx.arrival is not None:
        return tx.answer
    if tx is not None:
        balance = _balance(uow.player(cmd.user_id), cmd.currency)
        return _record(uow, tx, cmd, Status.RECORDED, balance=balance)
    return _apply(uow, uow.wallet(cmd.user_id), Player.ResultCredited, cmd, cmd.amount)


def roll_back(uow: UnitOfWork, cmd: RollBack) -> Answer:
    """Reverse the original with its own recorded amount; never declined."""
    tx = uow.operator_transaction(cmd.transaction_id)
    if tx is not None and tx.arrival is not None:
        return tx.answer
    reversal = None
    # A rollback rolled back before it arrived, or naming itself, moves nothing.
    if tx is None and cmd.rollback_transaction_id != cmd.transaction_id:
        target = uow.operator_transaction(cmd.rollback_transaction_id)
        reversal = rules.reversal_of(target)
        _mark_target(uow, target, cmd)
    if reversal is None:
        balance = _balance(uow.player(cmd.user_id), cmd.currency)
        return _record(uow, tx, cmd, Status.RECORDED, balance=balance)
    player = uow.wallet(reversal.user_id)
    player.move(
        Player.RollbackApplied,
        reversal.currency,
        reversal.delta,
        uow.now,
        operator_transaction_id=cmd.transaction_id,
        rollback_of=cmd.rollback_transaction_id,
        reversed_action=reversal.action,
        reversed_at=reversal.moved_at,
    )
    balance = player.balance(reversal.currency)
    answer = _record(uow, tx, cmd, Status.APPLIED, balance=balance, reversal=reversal)
    return replace(answer, mismatch=rules.mismatch(cmd, reversal))


def move_cash(uow: UnitOfWork, cmd: CashierCommand) -> Answer:
    """A top-up or pay-out, once per reference; a short pay-out records nothing."""
    done = uow.cashier_transaction(cmd.reference)
    if done is not None:
        return done.answer if done.matches(cmd) else Answer.declined(Code.DUPLICATE_REFERENCE)
    delta = cmd.amount if isinstance(cmd, Deposit) else -cmd.amount
    balance = _balance(uow.player(cmd.user_id), cmd.currency)
    if delta < ZERO and rules.withdrawal_decline(balance=balance, amount=cmd.amount):
        return Answer.declined(Code.INSUFFICIENT_FUNDS)
    limited = isinstance(cmd, Deposit) and limits.deposit_decline(
        uow.player(cmd.user_id), cmd.currency, cmd.amount, uow.now
    )
    if limited:
        return Answer.declined(limited)
    player = uow.wallet(cmd.user_id)
    event = Player.Deposited if isinstance(cmd, Deposit) else Player.Withdrawn
    player.move(event, cmd.currency, delta, uow.now, reference=cmd.reference, **_why(cmd))
    done = CashierTransaction.record(cmd, player.balance(cmd.currency), uow.now)
    return uow.add(done).answer


def set_blocked(uow: UnitOfWork, cmd: Block | Unblock, *, blocked: bool) -> Answer:
    """Block or unblock bets; asking for the state the player is in records nothing."""
    player = uow.player(cmd.user_id)
    if player is None and not blocked:
        return Answer()
    player = player or uow.wallet(cmd.user_id)
    if player.blocked != blocked:
        change = player.block if blocked else player.unblock
        change(uow.now, **_why(cmd))
    return Answer()


def _why(cmd: CashierCommand | Block | Unblock) -> dict[str, str]:
    """Who did it and why, only when a person said so: old events and the API's carry neither."""
    return {k: v for k, v in (("actor", cmd.actor), ("reason", cmd.reason)) if v is not None}


def _apply(
    uow: UnitOfWork,
    player: Player,
    event: type[Player.MoneyMoved],
    cmd: OperatorCommand,
    delta: Decimal,
) -> Answer:
    """Move a new bet's or result's money and record it applied (a bet: by which delivery)."""
    player.move(event, cmd.currency, delta, uow.now, operator_transaction_id=cmd.transaction_id)
    balance = player.balance(cmd.currency)
    delivery = cmd.delivery if isinstance(cmd, PlaceBet) else None
    return _record(uow, None, cmd, Status.APPLIED, balance=balance, delivery=delivery)


def _mark_target(uow: UnitOfWork, target: OperatorTransaction | None, cmd: RollBack) -> None:
    """Remember on the original which rollback named it first."""
    if target is None:
        tombstone = OperatorTransaction.tombstone(
            cmd.rollback_transaction_id, cmd.transaction_id, uow.now
        )
        uow.add(tombstone)
    elif target.rolled_back_by is None and target.arrival is not None:
        target.mark_rolled_back(cmd.transaction_id, uow.now)


def _record(
    uow: UnitOfWork,
    tx: OperatorTransaction | None,
    cmd: OperatorCommand,
    status: Status,
    *,
    error: Code | None = None,
    balance: Decimal | None = None,
    reversal: rules.Reversal | None = None,
    delivery: str | None = None,
) -> Answer:
    """Write the outcome on the transaction's stream: new, or the late original of a tombstone."""
    arrival = Arrival(
        action=cmd.action,
        user_id=cmd.user_id,
        currency=cmd.currency,
        amount=cmd.amount,
        status=status,
        error=error,
        balance_after=balance,
        rollback_of=getattr(cmd, "rollback_transaction_id", None),
        reversed_user_id=reversal.user_id if reversal else None,
        reversed_currency=reversal.currency if reversal else None,
        reversed_amount=reversal.amount if reversal else None,
    )
    if tx is None:
        tx = uow.add(OperatorTransaction.record(cmd.transaction_id, arrival, uow.now, delivery))
    else:
        tx.arrive_late(arrival, uow.now)
    return tx.answer


def _balance(player: Player | None, currency: str) -> Decimal:
    return player.balance(currency) if player is not None else ZERO
