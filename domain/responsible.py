"""The responsible-gambling commands: decided on the Player like every movement, so they are
serialized with the player's bets by the same stream version (across servers too)."""

from domain import limits
from domain.answers import Answer
from domain.commands import SelfExclude, SetLimit, SettleInDoubt
from domain.guarded import FOREVER
from domain.player import Player
from domain.unit_of_work import UnitOfWork


def execute(uow: UnitOfWork, cmd: SetLimit | SelfExclude) -> Answer:
    """Decide a limit change or a self-exclusion."""
    return set_limit(uow, cmd) if isinstance(cmd, SetLimit) else self_exclude(uow, cmd)


def set_limit(uow: UnitOfWork, cmd: SetLimit) -> Answer:
    """Record the change with the moment it applies; asking for what applies records nothing."""
    player = uow.player(cmd.user_id)
    if player is None and cmd.amount is None:
        return Answer()  # removing a limit nobody set
    player = player or uow.wallet(cmd.user_id)
    effective_at = limits.takes_effect(player, cmd, uow.now)
    if effective_at is not None:
        player.ask_limit(
            uow.now,
            currency=cmd.currency,
            kind=cmd.kind.value,
            period=cmd.period.value,
            amount=cmd.amount,
            effective_at=effective_at,
            actor=cmd.actor,
            reason=cmd.reason,
        )
    return Answer()


def self_exclude(uow: UnitOfWork, cmd: SelfExclude) -> Answer:
    """Exclude until the end of the day asked for, or for ever; an exclusion only grows."""
    player = uow.player(cmd.user_id)
    code = limits.exclusion_decline(player, cmd.until, uow.now)
    if code is not None:
        return Answer.declined(code)
    end = limits.exclusion_end(cmd.until)
    player = player or uow.wallet(cmd.user_id)
    if player.excluded_until != end:
        until = None if end == FOREVER else end
        player.exclude(uow.now, until, cmd.actor, cmd.reason)
    return Answer()


def released(uow: UnitOfWork, cmd: SettleInDoubt, answer: Answer) -> Answer:
    """After the ledger gave a stake back itself (BetReversed), that stake stops counting
    towards the player's limits, in the hour the bet was placed, as a rollback's does."""
    tx = uow.operator_transaction(cmd.transaction_id)
    player = uow.player(tx.arrival.user_id) if tx and tx.arrival else None
    if tx is None or player is None:
        return answer
    given_back = [
        e for e in player.pending_events
        if isinstance(e, Player.BetReversed) and e.operator_transaction_id == cmd.transaction_id
    ]  # fmt: skip
    for event in given_back:
        player.release_stake(
            uow.now,
            operator_transaction_id=cmd.transaction_id,
            currency=event.currency,
            amount=event.amount,
            placed_at=tx.created_on,
        )
    return answer
