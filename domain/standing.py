"""How a player's responsible-gambling state stands at a moment: each limit with its usage
and any change waiting, every window's usage, the self-exclusion (for the API and pages)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain import limits, windows
from domain.commands import Kind, Period
from domain.guarded import FOREVER, limit_key, next_key
from domain.player import Player


@dataclass(frozen=True, slots=True)
class LimitStanding:
    """One limit: what applies now (None: none yet, a change is waiting), its window's usage."""

    currency: str
    kind: Kind
    period: Period
    amount: Decimal | None
    used: Decimal
    pending: limits.Pending | None


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A self-exclusion that lasts at the moment asked about."""

    ends_at: datetime | None  # None: for ever
    last_day: date | None  # the last whole day excluded (UTC); None: for ever


def standing(player: Player | None, now: datetime) -> list[LimitStanding]:
    """Every limit that applies or is waiting, by currency, kind and period."""
    if player is None:
        return []
    found = []
    for currency, kind, period in _named(player):
        name = limit_key(currency, kind, period)
        amount, waiting = limits.in_force(player, name, now), limits.pending(player, name, now)
        if amount is None and waiting is None:
            continue  # a removal whose cooling-off has ended
        used = limits.usage(player, kind, currency, now)[period]
        found.append(LimitStanding(currency, kind, period, amount, used, waiting))
    return found


def usage(player: Player | None, now: datetime) -> dict[str, dict[Kind, dict[Period, Decimal]]]:
    """Every window's usage in each currency the player moved money in or has a limit in."""
    if player is None:
        return {}
    seen = windows.currencies(player.usage) | {c for c, _, _ in _named(player)}
    return {c: {k: limits.usage(player, k, c, now) for k in Kind} for c in sorted(seen)}


def exclusion(player: Player | None, now: datetime) -> Exclusion | None:
    """The exclusion in force at `now`, if any."""
    if player is None or not limits.excluded(player, now) or player.excluded_until is None:
        return None
    if player.excluded_until == FOREVER:
        return Exclusion(None, None)
    ends = player.excluded_until
    return Exclusion(ends, (ends - timedelta(microseconds=1)).date())


def _named(player: Player) -> list[tuple[str, Kind, Period]]:
    names = {n for n in player.limits if not n.endswith(next_key(""))} | set(player.pending_at)
    kinds, periods = list(Kind), list(Period)
    parsed = [(c, Kind(k), Period(p)) for c, k, p in (n.split(" ") for n in names)]
    return sorted(parsed, key=lambda n: (n[0], kinds.index(n[1]), periods.index(n[2])))
