"""The Player's responsible-gambling half: its limits, its self-exclusion, the windows'
hour buckets, and the events that change them (the money events count into the buckets).

Every value held is flat (dicts of strings to Decimals or datetimes), so the hot cache
copies it cheaply and a snapshot round-trips it exactly; and there are few dicts, since
the cache's copy costs about a microsecond per dict.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate

from domain import windows
from domain.commands import Kind

FOREVER = datetime.max.replace(tzinfo=UTC)  # the end of an indefinite self-exclusion


def limit_key(currency: str, kind: str, period: str) -> str:
    """How the state names one limit."""
    return f"{currency} {kind} {period}"


def next_key(name: str) -> str:
    """Where `limits` holds the amount of a change waiting for its cooling-off."""
    return name + " next"


class Guarded(Aggregate):
    """Limits and self-exclusion; Player is the one aggregate built on it."""

    class_version = 2  # 2: this state exists (see upcast_v1_v2)

    class StakeReleased(Aggregate.Event):
        """A stake the ledger gave back itself (BetReversed) stops counting towards limits."""

        operator_transaction_id: str
        currency: str
        amount: Decimal
        placed_at: datetime

        def apply(self, aggregate: Any) -> None:
            if self.placed_at >= aggregate.counted_from:
                for kind in (Kind.STAKE, Kind.LOSS):
                    windows.release(
                        aggregate.usage, kind, self.currency, self.placed_at, self.amount
                    )

    class LimitChanged(Aggregate.Event):
        """A limit asked for: in force from effective_at (at once, or after the cooling-off)."""

        currency: str
        kind: str
        period: str
        amount: Decimal | None  # None: no limit
        effective_at: datetime
        actor: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            name = limit_key(self.currency, self.kind, self.period)
            aggregate.change_limit(name, self.amount, self.effective_at, self.timestamp)

    class SelfExcluded(Aggregate.Event):
        """Bets and deposits refused until `until` (None: for ever); nothing shortens it."""

        until: datetime | None
        actor: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            until = FOREVER if self.until is None else self.until
            aggregate.excluded_until = max(until, aggregate.excluded_until or until)

    def guard_from(self, moment: datetime) -> None:
        """No limits, no exclusion, empty windows counting every movement from `moment`."""
        # limit_key() -> the amount in force; next_key() -> the amount of a change waiting
        # (none there while pending_at names it: a removal is waiting).
        self.limits: dict[str, Decimal] = {}
        self.pending_at: dict[str, datetime] = {}  # limit_key() -> when that change applies
        self.excluded_until: datetime | None = None
        self.usage: windows.Buckets = {}  # the windows' hour buckets, since counted_from
        self.counted_from = moment

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot from before limits: nothing it holds was counted, so the windows count
        from just after its last event (rollbacks of older movements stay out of them)."""
        state.update(limits={}, pending_at={}, excluded_until=None, usage={})
        state["counted_from"] = state["_modified_on"] + timedelta(microseconds=1)

    def ask_limit(self, at: datetime, **change: Any) -> None:
        """Record a decided limit change (currency, kind, period, amount, effective_at, why)."""
        self.trigger_event(self.LimitChanged, timestamp=at, **change)

    def exclude(self, at: datetime, until: datetime | None, actor: str, reason: str) -> None:
        """Record a self-exclusion until a moment (None: for ever)."""
        self.trigger_event(self.SelfExcluded, timestamp=at, until=until, actor=actor, reason=reason)

    def release_stake(self, at: datetime, **stake: Any) -> None:
        """Record that a stake given back by the ledger no longer counts towards limits."""
        self.trigger_event(self.StakeReleased, timestamp=at, **stake)

    def change_limit(
        self, name: str, amount: Decimal | None, effective_at: datetime, at: datetime
    ) -> None:
        """Apply a limit change recorded at `at` (LimitChanged does)."""
        due = self.pending_at.get(name)
        if due is not None and due <= at:  # a change whose cooling-off ended: in force now
            self._put(name, self.waiting(name))
            self._put(next_key(name), None)
            del self.pending_at[name]
        if effective_at <= at:
            self._put(name, amount)
            self._put(next_key(name), None)
            self.pending_at.pop(name, None)
        else:
            self._put(next_key(name), amount)
            self.pending_at[name] = effective_at

    def waiting(self, name: str) -> Decimal | None:
        """The amount of the change waiting for this limit (None: a removal, or nothing)."""
        return self.limits.get(next_key(name))

    def _put(self, name: str, amount: Decimal | None) -> None:
        if amount is None:
            self.limits.pop(name, None)
        else:
            self.limits[name] = amount
