"""Rolling windows kept in hour buckets: what counts towards a limit now, and for how long.

A bucket holds what one kind of movement moved in one clock hour (UTC), keyed
"HHHHHHH CUR kind" (hours since the epoch, zero-padded, so keys sort by time). A window of
N hours at `now` takes the bucket of now's hour and the N before it: an amount counts from
the moment it moved until N to N+1 hours later, never less than the window (the
contract's strict side). Buckets older than the longest window (and a day's margin for a
server whose clock is behind) are dropped as new ones open, so a player's state never
grows with its history. One flat dict for every kind and currency: the hot cache copies
each dict an aggregate holds, so fewer dicts are cheaper to hold.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.commands import Kind, Period
from domain.money import ZERO

HOURS = {Period.DAY: 24, Period.WEEK: 7 * 24, Period.MONTH: 30 * 24}
RETAINED_HOURS = HOURS[Period.MONTH] + 24
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HOUR = timedelta(hours=1)
Buckets = dict[str, Decimal]


def hour_of(moment: datetime) -> int:
    """The clock hour a moment falls in, counted from the epoch."""
    return (moment - _EPOCH) // _HOUR


def key(hour: int, currency: str, kind: Kind) -> str:
    """A bucket's key: sortable by hour, then naming the currency and the kind."""
    return f"{hour:07d} {currency} {kind.value}"


def add(buckets: Buckets, kind: Kind, currency: str, at: datetime, amount: Decimal) -> None:
    """Count an amount in the hour it moved; opening an hour drops the expired ones."""
    hour = hour_of(at)
    name = key(hour, currency, kind)
    if name in buckets:
        buckets[name] += amount
        return
    buckets[name] = amount
    oldest = f"{hour - RETAINED_HOURS:07d}"
    for expired in [k for k in buckets if k[:7] < oldest]:
        del buckets[expired]


def release(buckets: Buckets, kind: Kind, currency: str, at: datetime, amount: Decimal) -> None:
    """Take an amount back out of the hour it was counted in (gone already: nothing to do)."""
    name = key(hour_of(at), currency, kind)
    if name in buckets:
        buckets[name] -= amount


def sums(buckets: Buckets, kind: Kind, currency: str, now: datetime) -> dict[Period, Decimal]:
    """Each window's total of one kind at `now`, in one pass over the buckets."""
    hour = hour_of(now)
    starts = [(period, f"{hour - hours:07d}") for period, hours in HOURS.items()]
    totals = dict.fromkeys(HOURS, ZERO)
    suffix = f" {currency} {kind.value}"
    for name, amount in buckets.items():
        if name.endswith(suffix):
            for period, start in starts:
                if name >= start:
                    totals[period] += amount
    return totals


def currencies(buckets: Buckets) -> set[str]:
    """Every currency with a bucket."""
    return {name.split(" ")[1] for name in buckets}
