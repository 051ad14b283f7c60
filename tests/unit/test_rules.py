"""The business rules as decisions: no store, no server."""

from datetime import UTC, datetime
from decimal import Decimal

from domain import rules
from domain.codes import Code
from domain.commands import RollBack
from domain.transaction import Arrival, OperatorTransaction, Status

D = Decimal
NOW = datetime(2026, 11, 26, tzinfo=UTC)


def decline(**overrides: object) -> Code | None:
    args: dict[str, object] = {
        "rolled_back": False,
        "blocked": False,
        "balance": D("10.00"),
        "stake": D("1.00"),
    }
    return rules.bet_decline(**(args | overrides))  # type: ignore[arg-type]


def arrival(action: str = "bet", status: str = Status.APPLIED) -> Arrival:
    return Arrival(action, "u1", "USD", D("4.00"), status, None, D("6.00"), None, None, None, None)


def test_bet_within_balance_is_applied() -> None:
    assert decline() is None
    assert decline(stake=D("10.00")) is None


def test_declines_in_the_contracts_order() -> None:
    assert decline(stake=D("10.01")) is Code.INSUFFICIENT_FUNDS
    assert decline(blocked=True, stake=D("99")) is Code.PLAYER_BLOCKED
    assert decline(rolled_back=True, blocked=True, stake=D("99")) is Code.TRANSACTION_ROLLED_BACK


def test_withdrawal_never_goes_below_zero() -> None:
    assert rules.withdrawal_decline(balance=D("1.00"), amount=D("1.00")) is None
    assert rules.withdrawal_decline(balance=D("1.00"), amount=D("1.01")) is Code.INSUFFICIENT_FUNDS


def test_reversal_of_an_applied_bet_credits_its_recorded_amount() -> None:
    reversal = rules.reversal_of(OperatorTransaction.record("b1", arrival("bet"), NOW))
    assert reversal is not None
    assert (reversal.user_id, reversal.currency, reversal.delta) == ("u1", "USD", D("4.00"))


def test_reversal_of_an_applied_result_debits_it() -> None:
    reversal = rules.reversal_of(OperatorTransaction.record("r1", arrival("result"), NOW))
    assert reversal is not None
    assert reversal.delta == D("-4.00")


def test_nothing_to_reverse() -> None:
    rolled_back = OperatorTransaction.record("b1", arrival(), NOW)
    rolled_back.mark_rolled_back("rb0", NOW)
    cases = [
        None,
        OperatorTransaction.record("b1", arrival(status=Status.DECLINED), NOW),
        OperatorTransaction.record("rb1", arrival("rollback"), NOW),
        OperatorTransaction.tombstone("b1", "rb0", NOW),
        rolled_back,
    ]
    assert [rules.reversal_of(t) for t in cases] == [None] * len(cases)


def test_mismatch_names_the_fields_that_differ() -> None:
    reversal = rules.Reversal("u1", "USD", D("4.00"), "bet")
    same = RollBack("rb1", "u1", "USD", D("4.00"), "b1")
    other = RollBack("rb1", "u2", "EUR", D("4.00"), "b1")
    assert rules.mismatch(same, reversal) == ()
    assert rules.mismatch(other, reversal) == ("user_id", "currency")
