"""The OPERATOR's export read as CSV or JSON lines: the same rows, exact amounts, clear refusals."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from adapters.operator_export import ExportError, read_rows

HEADER = "transaction_id,action,user_id,currency,amount,rollback_transaction_id,status,created_at"
CSV = [
    HEADER + ",extra\n",
    "b1,bet,p1,USD,4.10,,accepted,2026-11-27T10:00:00Z,x\n",
    "r1,rollback,p1,USD,4.10,b1,unanswered,2026-11-27T10:00:01+00:00,y\n",
]
JSONL = [
    '{"transaction_id": "b1", "action": "bet", "user_id": "p1", "currency": "USD", '
    '"amount": 4.10, "status": "accepted", "created_at": "2026-11-27T10:00:00Z"}\n',
    '{"transaction_id": "r1", "action": "rollback", "user_id": "p1", "currency": "USD", '
    '"amount": "4.10", "rollback_transaction_id": "b1", "status": "unanswered", '
    '"created_at": "2026-11-27T10:00:01"}\n',
]


def test_csv_and_json_lines_give_the_same_rows() -> None:
    rows = list(read_rows(CSV))
    assert rows == list(read_rows(JSONL))
    assert rows[0].amount == Decimal("4.10")
    assert str(rows[0].amount) == "4.10"  # never through a float
    assert rows[1].rollback_transaction_id == "b1"
    assert rows[1].created_at == datetime(2026, 11, 27, 10, 0, 1, tzinfo=UTC)


def test_an_empty_export_has_no_rows() -> None:
    assert list(read_rows([])) == []
    assert list(read_rows([HEADER + "\n"])) == []


@pytest.mark.parametrize(
    ("lines", "where"),
    [
        (["transaction_id,action\n", "b1,bet\n"], "line 1"),
        ([HEADER + "\n", "b1,bet,p1,USD,1e3,,accepted,2026-11-27\n"], "line 2: amount"),
        ([HEADER + "\n", "b1,bet,p1,USD,1,,accepted,yesterday\n"], "line 2: created_at"),
        ([HEADER + "\n", ",bet,p1,USD,1,,accepted,2026-11-27\n"], "line 2: transaction_id"),
        ([JSONL[0], "[1, 2]\n"], "line 2"),
        ([JSONL[0], "{not json\n"], "line 2"),
    ],
)
def test_a_row_that_cannot_be_read_is_refused_with_its_line(lines: list[str], where: str) -> None:
    with pytest.raises(ExportError, match=where):
        list(read_rows(lines))
