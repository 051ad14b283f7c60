"""The responsible-gambling rules, as plain functions of the Player's state and the time of
the decision (the unit of work's clock): limits in force, what a bet or a deposit would do
to them, when a change takes effect, and how long a self-exclusion lasts."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from domain import windows
from domain.codes import Code
from domain.commands import Kind, Period, SetLimit
from domain.guarded import FOREVER, limit_key
from domain.player import Player

COOLING_OFF = timedelta(hours=24)  # before a looser limit, or a removal, takes effect
_BET_KINDS = (Kind.STAKE, Kind.LOSS)  # a bet's stake counts in both


@dataclass(frozen=True, slots=True)
class Pending:
    """A looser limit (or a removal: amount None) waiting for its cooling-off to end."""

    amount: Decimal | None
    effective_at: datetime


def in_force(player: Player, name: str, now: datetime) -> Decimal | None:
    """The limit that applies at `now` (a pending change whose time has come included)."""
    due = player.pending_at.get(name)
    if due is not None and due <= now:
        return player.waiting(name)
    return player.limits.get(name)


def pending(player: Player, name: str, now: datetime) -> Pending | None:
    """The change still waiting at `now`, if any."""
    due = player.pending_at.get(name)
    return Pending(player.waiting(name), due) if due is not None and due > now else None


def excluded(player: Player | None, now: datetime) -> bool:
    """True while a self-exclusion lasts."""
    return player is not None and player.excluded_until is not None and now < player.excluded_until


def bets_refused(player: Player | None, now: datetime) -> bool:
    """Bets are declined PLAYER_BLOCKED while the player is blocked or self-excluded."""
    return player is not None and (player.blocked or excluded(player, now))


def usage(player: Player, kind: Kind, currency: str, now: datetime) -> dict[Period, Decimal]:
    """What each window of one kind holds at `now`."""
    return windows.sums(player.usage, kind, currency, now)


def over_limit(
    player: Player | None, kinds: tuple[Kind, ...], currency: str, amount: Decimal, now: datetime
) -> bool:
    """True when adding `amount` would take any window of these kinds over its limit."""
    if player is None or not (player.limits or player.pending_at):
        return False  # no limit at all: nothing to count (the common case costs nothing)
    for kind in kinds:
        limits = {p: in_force(player, limit_key(currency, kind, p), now) for p in Period}
        if all(limit is None for limit in limits.values()):
            continue
        used = usage(player, kind, currency, now)
        if any(lim is not None and used[p] + amount > lim for p, lim in limits.items()):
            return True
    return False


def bet_over_limit(player: Player | None, currency: str, stake: Decimal, now: datetime) -> bool:
    """Would this stake take a stake or loss window over its limit?"""
    return over_limit(player, _BET_KINDS, currency, stake, now)


def deposit_decline(
    player: Player | None, currency: str, amount: Decimal, now: datetime
) -> Code | None:
    """A deposit is refused while self-excluded, then over a deposit limit."""
    if excluded(player, now):
        return Code.SELF_EXCLUDED
    if over_limit(player, (Kind.DEPOSIT,), currency, amount, now):
        return Code.LIMIT_EXCEEDED
    return None


def takes_effect(player: Player, cmd: SetLimit, now: datetime) -> datetime | None:
    """When the asked limit applies: now if tighter, after the cooling-off if looser (the
    first ask's, when one is waiting already); None when nothing changes."""
    name = limit_key(cmd.currency, cmd.kind, cmd.period)
    current, waiting = in_force(player, name, now), pending(player, name, now)
    if cmd.amount == current:  # keeping the limit in force withdraws a loosening asked for
        return now if waiting else None
    if cmd.amount is not None and (current is None or cmd.amount < current):
        return now
    return waiting.effective_at if waiting else now + COOLING_OFF


def exclusion_end(until: date | None) -> datetime:
    """An exclusion lasts through the whole of its last day (UTC): it ends at the next midnight."""
    if until is None or until == date.max:
        return FOREVER
    return datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC)


def exclusion_decline(player: Player | None, until: date | None, now: datetime) -> Code | None:
    """An end already past asks for nothing; an end sooner than the current one is refused."""
    end = exclusion_end(until)
    if end <= now:
        return Code.INVALID_REQUEST
    if excluded(player, now) and player is not None and player.excluded_until is not None:
        return Code.SELF_EXCLUDED if end < player.excluded_until else None
    return None
