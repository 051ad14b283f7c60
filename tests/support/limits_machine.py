"""LedgerMachine with limits, self-exclusion and a clock the machine moves: every decision,
every window's usage and every limit in force against LimitsModel, to the cent."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from domain import limits
from domain.commands import (
    Command,
    CreditResult,
    Deposit,
    Kind,
    Period,
    PlaceBet,
    SelfExclude,
    SetLimit,
)
from domain.guarded import limit_key
from tests.support.limits_model import LimitsModel
from tests.support.machine import CURRENCIES, USERS, LedgerMachine, currencies, ids, users

START = datetime(2026, 11, 26, 10, 17, 30, tzinfo=UTC)
# Around every edge that matters: an hour's bucket, a window's length, the cooling-off.
STEPS = (
    timedelta(0), timedelta(seconds=1), timedelta(minutes=7), timedelta(minutes=43),
    timedelta(hours=1), timedelta(hours=5), timedelta(hours=23, minutes=59),
    timedelta(hours=24), timedelta(hours=25), timedelta(days=6, hours=23),
    timedelta(days=7), timedelta(days=29, hours=23), timedelta(days=30, minutes=30),
)  # fmt: skip
LIMITS = ("0.00", "1.00", "5.00", "10.00", "20.00", "50.00", "100.00")
AMOUNTS = ("0.01", "1.00", "2.50", "5.00", "10.00", "20.00", "49.99")

amounts = st.sampled_from(AMOUNTS).map(Decimal)
limit_amounts = st.one_of(st.none(), st.sampled_from(LIMITS).map(Decimal))
limited = st.sampled_from(USERS[:2])  # cy is the one who excludes themself
# Weighted towards one limit, so that asks pile up on it (a cooling-off asked again, say).
limit_changes = st.builds(
    SetLimit,
    st.sampled_from((USERS[0], *USERS[:2])),
    st.sampled_from((CURRENCIES[0], *CURRENCIES)),
    st.sampled_from((Kind.STAKE, Kind.STAKE, Kind.LOSS, Kind.LOSS, Kind.DEPOSIT)),
    st.sampled_from((Period.DAY, *Period)),
    limit_amounts,
    st.sampled_from(("api", "alice")),
    st.just("asked"),
)
references = st.sampled_from(tuple(f"cash{i}" for i in range(12)))
days_ahead = st.sampled_from((None, -1, 0, 1, 3, 31))


class Clock:
    """What the ledgers read as now; the machine moves it forward."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class LimitsMachine(LedgerMachine):
    """The ledgers of a subclass read `self.clock` (a subclass may share one between
    examples: each example starts it again at START)."""

    clock = Clock()

    def __init__(self) -> None:
        super().__init__()
        self.model = LimitsModel(now=START)
        self.clock.now = START

    @property
    def now(self) -> datetime:
        return self.clock.now

    @now.setter
    def now(self, moment: datetime) -> None:
        self.clock.now = moment

    @initialize()
    def fund_everyone(self) -> None:
        """Enough money that limits, not balances, decide most bets."""
        self.run([Deposit(f"fund-{u}-{c}", u, c, Decimal(500)) for u in USERS for c in CURRENCIES])

    @rule(step=st.sampled_from(STEPS))
    def time_passes(self, step: timedelta) -> None:
        self.now += step

    @rule(target=LedgerMachine.sent, tid=ids, user=limited, currency=currencies, amount=amounts)
    def bet_of_a_size_limits_see(
        self, tid: str, user: str, currency: str, amount: Decimal
    ) -> Command:
        return self.send(PlaceBet(tid, user, currency, amount))

    @rule(target=LedgerMachine.sent, tid=ids, user=users, currency=currencies, amount=amounts)
    def win(self, tid: str, user: str, currency: str, amount: Decimal) -> Command:
        return self.send(CreditResult(tid, user, currency, amount))

    @rule(target=LedgerMachine.sent, ref=references, user=users, currency=currencies, a=amounts)
    def top_up(self, ref: str, user: str, currency: str, a: Decimal) -> Command:
        return self.send(Deposit(ref, user, currency, a * 4))

    @rule(cmd=limit_changes)
    def change_a_limit(self, cmd: SetLimit) -> None:
        self.send(cmd)

    @rule(cmd=limit_changes, again=limit_amounts)
    def change_it_again(self, cmd: SetLimit, again: Decimal | None) -> None:
        """Asked twice in one batch: the second ask decides on the first one's outcome."""
        self.run([cmd, replace(cmd, amount=again)])

    @rule(cmd=limit_changes, step=st.sampled_from(STEPS[3:8]), again=limit_amounts)
    def ask_again_later(self, cmd: SetLimit, step: timedelta, again: Decimal | None) -> None:
        """A second ask for the same limit a little later, inside or just past a cooling-off."""
        self.send(cmd)
        self.now += step
        self.send(replace(cmd, amount=again))

    @rule(days=days_ahead)
    def exclude(self, days: int | None) -> None:
        until = None if days is None else self.now.date() + timedelta(days=days)
        self.send(SelfExclude(USERS[2], until, "api", "asked"))

    def run(self, batch: list[Command]) -> None:
        self.model.now = self.now  # the ledger reads its clock once per batch: this
        super().run(batch)

    def local(self, cmd: Command) -> Command:
        if isinstance(cmd, SetLimit | SelfExclude):
            return replace(cmd, user_id=self.prefix + cmd.user_id)
        return super().local(cmd)

    @invariant()
    def windows_and_limits_match_the_model(self) -> None:
        ledger = self.ledgers[self.turn % len(self.ledgers)]
        self.model.now = self.now
        for user in USERS:
            player = ledger.player(self.prefix + user)
            assert limits.excluded(player, self.now) == self.model.excluded(user), user
            for currency in CURRENCIES:
                for kind in Kind:
                    used = limits.usage(player, kind, currency, self.now) if player else {}
                    for period in Period:
                        expected = self.model.usage(user, currency, kind.value, period.value)
                        assert used.get(period, Decimal(0)) == expected, (user, kind, period)
                        name = limit_key(currency, kind.value, period.value)
                        shown = limits.in_force(player, name, self.now) if player else None
                        model = self.model.limit(user, currency, kind.value, period.value)
                        assert shown == model.in_force(self.now), (user, name)
