"""Findings as people and programs read them: one flat record each, and counts by class."""

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from domain.reconciliation import Agreement
from projections.agreement import Finding

RECORD_COLUMNS = (
    "class", "transaction_id", "operator_action", "operator_user_id", "operator_currency",
    "operator_amount", "operator_status", "ledger_action", "ledger_user_id", "ledger_currency",
    "ledger_amount", "ledger_status", "ledger_error",
)  # fmt: skip


def record(finding: Finding) -> dict[str, str | None]:
    """The finding as one flat row: the class, then each side's fields (None where absent)."""
    row, entry = finding.row, finding.entry
    return {
        "class": finding.agreement.value,
        "transaction_id": row.transaction_id if row else entry.transaction_id if entry else None,
        "operator_action": row.action if row else None,
        "operator_user_id": row.user_id if row else None,
        "operator_currency": row.currency if row else None,
        "operator_amount": str(row.amount) if row else None,
        "operator_status": row.status if row else None,
        "ledger_action": entry.action if entry else None,
        "ledger_user_id": entry.user_id if entry else None,
        "ledger_currency": entry.currency if entry else None,
        "ledger_amount": None if entry is None or entry.amount is None else str(entry.amount),
        "ledger_status": entry.status if entry else None,
        "ledger_error": entry.error if entry else None,
    }


class Tally:
    """Counts by class as findings pass; the discrepancies are handed on, not kept."""

    def __init__(self) -> None:
        self.counts: Counter[Agreement] = Counter(dict.fromkeys(Agreement, 0))

    def discrepancies(self, findings: Iterable[Finding]) -> Iterator[Finding]:
        """Count every finding; yield those that are not matched."""
        for finding in findings:
            self.counts[finding.agreement] += 1
            if finding.agreement is not Agreement.MATCHED:
                yield finding

    @property
    def ids(self) -> int:
        """OPERATOR ids compared."""
        return sum(self.counts.values())

    @property
    def clean(self) -> bool:
        """True when every id matched."""
        return self.ids == self.counts[Agreement.MATCHED]

    def summary(self) -> dict[str, Any]:
        """Counts by class, in the contract's order, and the total."""
        return {"ids": self.ids, "counts": {a.value: self.counts[a] for a in Agreement}}
