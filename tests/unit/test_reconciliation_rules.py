"""Which class one OPERATOR id falls in, from what each side says of it."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.reconciliation import Agreement, LedgerEntry, OperatorRow, classify

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
        (row(), entry("recorded"), Agreement.MATCHED),  # a rollback that had nothing to undo
    ],
)
def test_each_pair_falls_in_one_class(
    operator: OperatorRow | None, ledger: LedgerEntry | None, expected: Agreement
) -> None:
    assert classify(operator, ledger) is expected
