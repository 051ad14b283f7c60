"""Which class one OPERATOR id falls in, from what each side says of it."""

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.reconciliation import Agreement, LedgerEntry, OperatorRow, classify
from domain.transaction import IN_DOUBT

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def row(status: str = "accepted", **changes: object) -> OperatorRow:
    fields = {
        "transaction_id": "t1", "action": "bet", "user_id": "p1", "currency": "USD",
        "amount": Decimal("4.00"), "rollback_transaction_id": None, "status": status,
        "created_at": NOW,
    } | changes  # fmt: skip
    return OperatorRow(**fields)  # type: ignore[arg-type]


def entry(status: str = "applied", **changes: object) -> LedgerEntry:
    fields = {
        "transaction_id": "t1", "action": "bet", "user_id": "p1", "currency": "USD",
        "amount": Decimal("4"), "status": status, "error": None, "rolled_back_by": None,
    } | changes  # fmt: skip
    return LedgerEntry(**fields)  # type: ignore[arg-type]


DECLINED = entry("declined", error="INSUFFICIENT_FUNDS")
UNDO_FIELDS: dict[str, object] = {"transaction_id": "r1", "action": "rollback", "rollback_of": "t1"}
UNDO = row(transaction_id="r1", action="rollback", rollback_transaction_id="t1")


@pytest.mark.parametrize(
    ("operator", "ledger", "expected"),
    [
        (row(), entry(), Agreement.MATCHED),
        (row(), entry(amount=Decimal("4.000")), Agreement.MATCHED),  # the value counts
        (row(), None, Agreement.MISSING_IN_LEDGER),
        (row(), entry(action=None, status="recorded"), Agreement.MISSING_IN_LEDGER),
        (None, entry(), Agreement.UNKNOWN_TO_OPERATOR),
        (None, DECLINED, Agreement.MATCHED),
        (row(), DECLINED, Agreement.DECLINED_BUT_ACCEPTED),
        (row("INSUFFICIENT_FUNDS"), DECLINED, Agreement.MATCHED),
        (row("INTERNAL_ERROR"), DECLINED, Agreement.MATCHED),
        (row("unanswered"), entry(), Agreement.APPLIED_BUT_NOT_ACCEPTED),
        (row("INTERNAL_ERROR"), entry(), Agreement.APPLIED_BUT_NOT_ACCEPTED),
        (row("unanswered"), entry(rolled_back_by="r1"), Agreement.MATCHED),
        (row("INTERNAL_ERROR"), entry("reversed"), Agreement.MATCHED),
        (row("unanswered"), None, Agreement.MATCHED),
        (row("unanswered"), entry("recorded"), Agreement.MATCHED),
        (row(), entry(amount=Decimal("5.00")), Agreement.AMOUNT_MISMATCH),
        (row(), entry(user_id="p2"), Agreement.PLAYER_MISMATCH),
        (row(), entry(currency="EUR"), Agreement.CURRENCY_MISMATCH),
        (row(), entry(user_id="p2", currency="EUR"), Agreement.PLAYER_MISMATCH),
        (UNDO, entry("recorded", **UNDO_FIELDS), Agreement.MATCHED),  # had nothing to undo
        (UNDO, entry(**(UNDO_FIELDS | {"rollback_of": "b9"})), Agreement.AMOUNT_MISMATCH),
        (row(), entry(action="result"), Agreement.AMOUNT_MISMATCH),  # moved the other way
        # The ledger undid a bet the OPERATOR still holds accepted: the casino paid for it.
        (row(), entry(rolled_back_by=IN_DOUBT), Agreement.REVERSED_BUT_ACCEPTED),
        (row(), entry(rolled_back_by="r-not-in-export"), Agreement.REVERSED_BUT_ACCEPTED),
        (row(), entry("recorded", rolled_back_by="r1"), Agreement.REVERSED_BUT_ACCEPTED),
        (row(), entry("reversed"), Agreement.REVERSED_BUT_ACCEPTED),
        (
            row(action="result"),
            entry(action="result", rolled_back_by="r1"),
            Agreement.REVERSED_BUT_ACCEPTED,
        ),
        (row(), entry(rolled_back_by=IN_DOUBT, amount=Decimal("9")), Agreement.AMOUNT_MISMATCH),
    ],
)
def test_each_pair_falls_in_one_class(
    operator: OperatorRow | None, ledger: LedgerEntry | None, expected: Agreement
) -> None:
    assert classify(operator, ledger) is expected


def test_an_accepted_rollback_in_the_export_makes_a_reversal_agree() -> None:
    assert classify(row(), entry(rolled_back_by="r1"), rolled_back=True) is Agreement.MATCHED
    assert classify(row(), entry("recorded", rolled_back_by="r1"), rolled_back=True) is (
        Agreement.MATCHED
    )


# Every consistent history of one bet t1 and its rollback r1, on each side.
OPERATOR_SIDES = list(itertools.product(
    [None, "accepted", "INTERNAL_ERROR", "unanswered", "INSUFFICIENT_FUNDS"],  # t1
    [None, "accepted", "unanswered"],  # r1 (rolling back t1)
))  # fmt: skip
UNDONE = entry(**UNDO_FIELDS)
LEDGER_SIDES: list[tuple[LedgerEntry | None, LedgerEntry | None]] = [
    (None, None),
    (entry(), None),
    (DECLINED, None),
    (entry(rolled_back_by=IN_DOUBT), None),  # the ledger gave the stake back itself
    (entry(rolled_back_by="r1"), UNDONE),  # bet, then its rollback
    (entry("recorded", rolled_back_by="r1"), entry("recorded", **UNDO_FIELDS)),  # late bet
    (entry(action=None, status="recorded", rolled_back_by="r1"),
     entry("recorded", **UNDO_FIELDS)),  # only the rollback ever arrived
    (DECLINED, entry("recorded", **UNDO_FIELDS)),  # a rollback of a declined bet
]  # fmt: skip


@pytest.mark.parametrize(("bet_status", "undo_status"), OPERATOR_SIDES)
@pytest.mark.parametrize(("bet", "undo"), LEDGER_SIDES)
def test_whenever_the_net_effects_differ_an_id_is_a_discrepancy(
    bet_status: str | None,
    undo_status: str | None,
    bet: LedgerEntry | None,
    undo: LedgerEntry | None,
) -> None:
    ours = None if bet_status is None else row(bet_status)
    theirs = None if undo_status is None else replace(UNDO, status=undo_status)
    rolled = undo_status == "accepted"
    operator_net = ours is not None and bet_status == "accepted" and not rolled
    ledger_net = bet is not None and bet.money_moved
    classes = {classify(ours, bet, rolled), classify(theirs, undo)}
    if operator_net != ledger_net:
        assert classes != {Agreement.MATCHED}
