"""A plain model of CONTRACT.md's "Responsible gambling", on top of ContractModel: every
movement kept with its time, each window summed from that list whenever it is asked for
(no buckets), limits and their cooling-off, self-exclusion. Written from the contract, not
from domain/, to check domain/ against."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from domain.codes import Code
from domain.commands import (
    Command,
    CreditResult,
    Deposit,
    PlaceBet,
    RollBack,
    SelfExclude,
    SetLimit,
    Withdraw,
)
from tests.support.model import ContractModel, Entry, Move

KINDS = ("stake", "loss", "deposit")
PERIODS = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30)}
COOLING_OFF = timedelta(hours=24)
NEVER_ENDS = datetime.max.replace(tzinfo=UTC)
LimitName = tuple[str, str, str, str]  # user, currency, kind, period


@dataclass
class Timed:
    """One movement that counts towards limits, while `counts` holds."""

    user: str
    currency: str
    what: str  # stake, payout or deposit
    amount: Decimal
    at: datetime
    counts: bool = True


@dataclass
class Limit:
    amount: Decimal | None = None
    next_amount: Decimal | None = None
    next_at: datetime | None = None  # None: no change waiting

    def in_force(self, now: datetime) -> Decimal | None:
        if self.next_at is not None and now >= self.next_at:
            return self.next_amount
        return self.amount


def hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


@dataclass
class LimitsModel(ContractModel):
    """The contract's decisions with limits and exclusion; `now` is set before each batch."""

    now: datetime = datetime(2026, 11, 26, 10, 17, tzinfo=UTC)
    timed: list[Timed] = field(default_factory=list)
    by_id: dict[str, Timed] = field(default_factory=dict)  # OPERATOR id -> its movement
    limits: dict[LimitName, Limit] = field(default_factory=dict)
    excluded_until: dict[str, datetime] = field(default_factory=dict)

    def usage(self, user: str, currency: str, kind: str, period: str) -> Decimal:
        """Everything that still counts, moved since the start of the hour the window
        reaches back to (an amount counts a window's length, and at most an hour more)."""
        start = hour_floor(self.now - PERIODS[period])
        total = Decimal(0)
        for t in self.timed:
            if not (t.counts and t.user == user and t.currency == currency and t.at >= start):
                continue
            if kind == "stake" and t.what == "stake":
                total += t.amount
            elif kind == "loss" and t.what in ("stake", "payout"):
                total += t.amount if t.what == "stake" else -t.amount
            elif kind == "deposit" and t.what == "deposit":
                total += t.amount
        return total

    def limit(self, user: str, currency: str, kind: str, period: str) -> Limit:
        return self.limits.setdefault((user, currency, kind, period), Limit())

    def excluded(self, user: str) -> bool:
        return self.now < self.excluded_until.get(user, self.now)

    def over(self, user: str, currency: str, kinds: tuple[str, ...], amount: Decimal) -> bool:
        for kind in kinds:
            for period in PERIODS:
                cap = self.limit(user, currency, kind, period).in_force(self.now)
                if cap is not None and self.usage(user, currency, kind, period) + amount > cap:
                    return True
        return False

    def apply(self, cmd: Command) -> tuple[Code | None, list[Move]]:
        match cmd:
            case SetLimit():
                self._set_limit(cmd)
                return None, []
            case SelfExclude():
                return self._exclude(cmd), []
        return super().apply(cmd)

    def _set_limit(self, cmd: SetLimit) -> None:
        limit = self.limit(cmd.user_id, cmd.currency, cmd.kind.value, cmd.period.value)
        current = limit.in_force(self.now)
        waiting = limit.next_at is not None and self.now < limit.next_at
        first_ask = limit.next_at if waiting else None
        limit.amount, limit.next_amount, limit.next_at = current, None, None
        if cmd.amount == current:
            return  # nothing changes; a loosening asked for is withdrawn
        if cmd.amount is not None and (current is None or cmd.amount < current):
            limit.amount = cmd.amount  # tighter: at once
            return
        limit.next_amount = cmd.amount  # looser, or removed: 24 hours after the first ask
        limit.next_at = first_ask or self.now + COOLING_OFF

    def _exclude(self, cmd: SelfExclude) -> Code | None:
        end = NEVER_ENDS
        if cmd.until is not None:
            end = datetime.combine(cmd.until, time(), tzinfo=UTC) + timedelta(days=1)
        if end <= self.now:
            return Code.INVALID_REQUEST
        current = self.excluded_until.get(cmd.user_id)
        if self.excluded(cmd.user_id) and current is not None and end < current:
            return Code.SELF_EXCLUDED
        self.excluded_until[cmd.user_id] = max(end, current or end)
        return None

    def _bet(self, cmd: PlaceBet) -> tuple[Code | None, list[Move]]:
        user, currency = cmd.user_id, cmd.currency
        # Rolled back and blocked come first, as ContractModel has them; then these two.
        earlier = cmd.transaction_id in self.tombstones or user in self.blocked
        if not earlier and self.excluded(user):
            return self._declined(cmd, Code.PLAYER_BLOCKED)
        if not earlier and self.over(user, currency, ("stake", "loss"), cmd.amount):
            return self._declined(cmd, Code.LIMIT_EXCEEDED)
        error, moves = super()._bet(cmd)
        if moves:
            self._count(cmd.transaction_id, Timed(user, currency, "stake", cmd.amount, self.now))
        return error, moves

    def _declined(self, cmd: PlaceBet, code: Code) -> tuple[Code | None, list[Move]]:
        entry = Entry("bet", (cmd.user_id, cmd.currency), cmd.amount, applied=False, error=code)
        return self._record(cmd.transaction_id, entry, [])

    def _result(self, cmd: CreditResult) -> tuple[Code | None, list[Move]]:
        error, moves = super()._result(cmd)
        if moves:
            payout = Timed(cmd.user_id, cmd.currency, "payout", cmd.amount, self.now)
            self._count(cmd.transaction_id, payout)
        return error, moves

    def _rollback(self, cmd: RollBack) -> tuple[Code | None, list[Move]]:
        error, moves = super()._rollback(cmd)
        if moves:  # the original stops counting: a stake is no longer staked, a payout not paid
            self.by_id[cmd.rollback_transaction_id].counts = False
        return error, moves

    def _cash(self, cmd: Deposit | Withdraw) -> tuple[Code | None, list[Move]]:
        fresh = cmd.reference not in self.references
        if fresh and isinstance(cmd, Deposit):
            if self.excluded(cmd.user_id):
                return Code.SELF_EXCLUDED, []
            if self.over(cmd.user_id, cmd.currency, ("deposit",), cmd.amount):
                return Code.LIMIT_EXCEEDED, []
        error, moves = super()._cash(cmd)
        if moves and isinstance(cmd, Deposit):
            self.timed.append(Timed(cmd.user_id, cmd.currency, "deposit", cmd.amount, self.now))
        return error, moves

    def _count(self, transaction_id: str, moved: Timed) -> None:
        self.timed.append(moved)
        self.by_id[transaction_id] = moved
