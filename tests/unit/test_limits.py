"""Limits and self-exclusion, decided by the in-memory ledger with a clock the test moves."""

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from adapters.store import StoreSettings
from domain import limits, rules, windows
from domain.codes import Code
from domain.commands import (
    Command,
    CreditResult,
    Deposit,
    Kind,
    Period,
    PlaceBet,
    RollBack,
    SelfExclude,
    SetLimit,
    SettleInDoubt,
    Unblock,
    Withdraw,
)
from domain.guarded import limit_key
from domain.player import Player
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from tests.support.limits_machine import Clock

D = Decimal
T0 = datetime(2026, 11, 26, 10, 20, tzinfo=UTC)
STAKE_DAY = limit_key("USD", "stake", "day")


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def ledger(clock: Clock) -> Iterator[Ledger]:
    opened = open_ledger(StoreSettings("memory://"), clock=clock)
    opened.execute([Deposit("fund", "u1", "USD", D("1000.00"))])
    yield opened
    opened.close()


def code(ledger: Ledger, cmd: Command) -> Code | None:
    return ledger.execute([cmd])[0].error


def limit(amount: str | None, kind: Kind = Kind.STAKE, period: Period = Period.DAY) -> SetLimit:
    return SetLimit("u1", "USD", kind, period, None if amount is None else D(amount), "api", "r")


def bet(tid: str, amount: str) -> PlaceBet:
    return PlaceBet(tid, "u1", "USD", D(amount))


def player(ledger: Ledger) -> Player:
    found = ledger.player("u1")
    assert found is not None
    return found


def test_the_code_order_puts_limits_after_blocked_and_before_funds() -> None:
    args = {"rolled_back": False, "blocked": False, "balance": D(1), "stake": D(5)}
    assert rules.bet_decline(**args, over_limit=True) is Code.LIMIT_EXCEEDED  # type: ignore[arg-type]
    assert rules.bet_decline(**args | {"blocked": True}, over_limit=True) is Code.PLAYER_BLOCKED  # type: ignore[arg-type]
    assert rules.bet_decline(**args) is Code.INSUFFICIENT_FUNDS  # type: ignore[arg-type]


def test_a_bet_up_to_the_limit_is_applied_and_the_next_cent_declined(ledger: Ledger) -> None:
    assert code(ledger, limit("10.00")) is None
    assert code(ledger, bet("b1", "9.99")) is None
    assert code(ledger, bet("b2", "0.02")) is Code.LIMIT_EXCEEDED
    assert code(ledger, bet("b3", "0.01")) is None
    assert code(ledger, bet("b4", "0.01")) is Code.LIMIT_EXCEEDED
    assert limits.usage(player(ledger), Kind.STAKE, "USD", T0)[Period.DAY] == D("10.00")


def test_a_declined_bet_stays_declined_after_the_limit_is_gone(
    ledger: Ledger, clock: Clock
) -> None:
    ledger.execute([limit("1.00"), bet("b1", "5.00")])
    ledger.execute([limit(None)])
    clock.now += timedelta(days=2)
    assert limits.in_force(player(ledger), STAKE_DAY, clock.now) is None
    assert code(ledger, bet("b1", "5.00")) is Code.LIMIT_EXCEEDED


def test_a_looser_limit_asked_again_applies_24_hours_after_the_first_ask(
    ledger: Ledger, clock: Clock
) -> None:
    ledger.execute([limit("10.00")])
    asked = clock.now
    ledger.execute([limit("30.00")])  # looser: waits
    clock.now = asked + timedelta(hours=12)
    ledger.execute([limit("20.00")])  # asked again: the first ask's cooling-off still holds
    assert limits.pending(player(ledger), STAKE_DAY, clock.now) == limits.Pending(
        D("20.00"), asked + timedelta(hours=24)
    )
    clock.now = asked + timedelta(hours=24) - timedelta(microseconds=1)
    assert code(ledger, bet("b1", "10.01")) is Code.LIMIT_EXCEEDED
    clock.now = asked + timedelta(hours=24)
    assert code(ledger, bet("b2", "10.01")) is None
    assert code(ledger, bet("b3", "10.00")) is Code.LIMIT_EXCEEDED  # 20.01 > 20.00


def test_a_removal_waits_too_and_a_tighter_ask_meanwhile_cancels_it(
    ledger: Ledger, clock: Clock
) -> None:
    ledger.execute([limit("10.00")])
    ledger.execute([limit(None)])
    clock.now += timedelta(hours=23)
    assert limits.in_force(player(ledger), STAKE_DAY, clock.now) == D("10.00")
    ledger.execute([limit("5.00")])  # tighter: at once, and nothing waits any more
    clock.now += timedelta(hours=2)
    assert limits.in_force(player(ledger), STAKE_DAY, clock.now) == D("5.00")
    assert limits.pending(player(ledger), STAKE_DAY, clock.now) is None


def test_an_amount_counts_a_whole_window_and_at_most_an_hour_more(
    ledger: Ledger, clock: Clock
) -> None:
    ledger.execute([limit("10.00"), bet("b1", "10.00")])  # at 10:20
    clock.now = T0 + timedelta(hours=24)  # 10:20 the next day: a day has passed, not more
    assert code(ledger, bet("b2", "0.01")) is Code.LIMIT_EXCEEDED
    clock.now = T0.replace(minute=0) + timedelta(hours=25)  # 11:00: its hour has left
    assert code(ledger, bet("b3", "10.00")) is None


def test_loss_counts_stakes_less_results_and_a_rolled_back_result_counts_again(
    ledger: Ledger,
) -> None:
    ledger.execute([limit("10.00", Kind.LOSS), bet("b1", "8.00")])
    ledger.execute([CreditResult("w1", "u1", "USD", D("6.00"))])  # loss 2.00
    assert code(ledger, bet("b2", "8.00")) is None  # loss 10.00
    assert code(ledger, RollBack("x1", "u1", "USD", D("6.00"), "w1")) is None  # loss 16.00
    assert limits.usage(player(ledger), Kind.LOSS, "USD", T0)[Period.DAY] == D("16.00")
    assert code(ledger, CreditResult("w2", "u1", "USD", D("100.00"))) is None  # never declined
    assert code(ledger, RollBack("x2", "u1", "USD", D("8.00"), "b1")) is None
    assert limits.usage(player(ledger), Kind.STAKE, "USD", T0)[Period.DAY] == D("8.00")


def test_a_stake_the_ledger_gave_back_itself_stops_counting(ledger: Ledger, clock: Clock) -> None:
    ledger.execute([limit("10.00"), replace(bet("b1", "10.00"), delivery="d1")])
    clock.now += timedelta(hours=3)
    answer = ledger.execute([SettleInDoubt("b1", "u1", "USD", D("10.00"), "d1")])[0]
    assert answer.balance == D("1000.00")
    usage = limits.usage(player(ledger), Kind.STAKE, "USD", clock.now)
    assert usage == dict.fromkeys(Period, D("0.00"))
    assert limits.usage(player(ledger), Kind.LOSS, "USD", clock.now)[Period.MONTH] == D(0)
    assert code(ledger, bet("b2", "10.00")) is None


def test_deposits_over_a_deposit_limit_are_refused_and_record_nothing(ledger: Ledger) -> None:
    ledger.execute([limit("100.00", Kind.DEPOSIT, Period.WEEK)])  # 1000.00 deposited today
    assert code(ledger, Deposit("d2", "u1", "USD", D("0.01"))) is Code.LIMIT_EXCEEDED
    assert code(ledger, Deposit("d2", "u1", "EUR", D("100.00"))) is None  # another currency
    assert code(ledger, Withdraw("w1", "u1", "USD", D("50.00"))) is None  # never limited


def test_self_exclusion_outlasts_an_unblock_and_a_shorter_ask(ledger: Ledger, clock: Clock) -> None:
    ledger.execute([bet("b0", "5.00")])
    assert code(ledger, SelfExclude("u1", date(2026, 12, 3), "api", "a week off")) is None
    assert code(ledger, Unblock("u1", "alice", "asked on the phone")) is None
    assert code(ledger, SelfExclude("u1", date(2026, 11, 27), "alice", "lift")) is (
        Code.SELF_EXCLUDED
    )
    assert code(ledger, bet("b1", "1.00")) is Code.PLAYER_BLOCKED
    assert code(ledger, Deposit("d1", "u1", "USD", D("1.00"))) is Code.SELF_EXCLUDED
    assert code(ledger, CreditResult("r0", "u1", "USD", D("9.00"))) is None
    assert code(ledger, RollBack("x0", "u1", "USD", D("5.00"), "b0")) is None
    assert code(ledger, Withdraw("w1", "u1", "USD", D("1.00"))) is None
    clock.now = datetime(2026, 12, 3, 23, 59, 59, tzinfo=UTC)  # through the whole last day
    assert code(ledger, bet("b2", "1.00")) is Code.PLAYER_BLOCKED
    clock.now = datetime(2026, 12, 4, tzinfo=UTC)
    assert code(ledger, bet("b3", "1.00")) is None


def test_an_exclusion_for_ever_is_never_over_and_a_past_date_is_refused(
    ledger: Ledger, clock: Clock
) -> None:
    assert code(ledger, SelfExclude("u1", date(2026, 11, 25), "api", "x")) is Code.INVALID_REQUEST
    assert code(ledger, SelfExclude("u1", None, "api", "for good")) is None
    assert code(ledger, SelfExclude("u1", date(9999, 12, 30), "api", "x")) is Code.SELF_EXCLUDED
    clock.now = datetime(9999, 12, 31, tzinfo=UTC)
    assert code(ledger, bet("b1", "1.00")) is Code.PLAYER_BLOCKED


def test_the_state_stays_bounded_whatever_the_length_of_the_history() -> None:
    """A bet and a win every hour for two months, then for a year: the same buckets held."""

    def after(hours: int) -> Player:
        p = Player.open("u1", T0)
        p.move(Player.Deposited, "USD", D("100000.00"), T0, reference="r")
        for h in range(hours):
            at = T0 + timedelta(hours=h)
            p.move(Player.BetDebited, "USD", D("-1.00"), at, operator_transaction_id=f"b{h}")
            p.move(Player.ResultCredited, "USD", D("0.50"), at, operator_transaction_id=f"w{h}")
        return p

    two_months, a_year = after(24 * 60), after(24 * 365)
    assert len(a_year.usage) == len(two_months.usage) == 2 * (windows.RETAINED_HOURS + 1)
    now = T0 + timedelta(hours=24 * 365 - 1)
    assert limits.usage(a_year, Kind.STAKE, "USD", now)[Period.MONTH] == D(721)
    assert limits.usage(a_year, Kind.LOSS, "USD", now)[Period.DAY] == D("12.50")
