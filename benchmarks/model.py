"""The OPERATOR's own account of every player's money, built only from the answers it got."""

from collections import Counter
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)
Answer = dict[str, Any]


class MoneyModel:
    """Expected balances, plus every answer that breaks a rule whatever the ordering."""

    def __init__(self) -> None:
        self.expected: dict[str, Decimal] = {}
        self.counts: Counter[str] = Counter()
        self.violations: list[str] = []
        self._client_ids: dict[str, str] = {}

    def funded(self, user: str, amount: Decimal) -> None:
        """A cashier top-up the wallet confirmed."""
        self.expected[user] = self.expected.get(user, ZERO) + amount

    def bet(self, tid: str, user: str, amount: Decimal, answer: Answer, *, late: bool) -> bool:
        """A bet debits when accepted; a bet after its own rollback must be declined."""
        allowed = ("TRANSACTION_ROLLED_BACK",) if late else (None, "INSUFFICIENT_FUNDS")
        self._expect(tid, answer, allowed)
        self.counts[f"bet_{answer.get('error') or 'applied'}".lower()] += 1
        return self._move(tid, user, -amount, answer)

    def result(self, tid: str, user: str, amount: Decimal, answer: Answer) -> None:
        """A result is never declined and credits its amount (zero for a lost bet)."""
        self._expect(tid, answer, (None,))
        self.counts["result_win" if amount else "result_loss"] += 1
        self._move(tid, user, amount, answer)

    def rollback(self, tid: str, user: str, reversal: Decimal, answer: Answer) -> None:
        """A rollback is never declined and gives back what the original moved, if anything."""
        self._expect(tid, answer, (None,))
        self.counts["rollback_reversing" if reversal else "rollback_recorded"] += 1
        self._move(tid, user, reversal, answer)

    def repeat_differs(self, tid: str, first: Answer, again: Answer) -> None:
        """A repeat must answer exactly what the first delivery was answered."""
        self.violations.append(f"repeat of {tid} answered {again}, first {first}")

    def check(self, user: str, balance: Decimal) -> str | None:
        """A sentence when the wallet's balance differs from the model's."""
        expected = self.expected.get(user, ZERO)
        if balance == expected:
            return None
        return f"{user}: wallet {balance}, expected {expected} (diff {balance - expected})"

    def _expect(self, tid: str, answer: Answer, allowed: tuple[str | None, ...]) -> None:
        if answer.get("error") not in allowed:
            self.violations.append(f"{tid} answered {answer}, expected error in {allowed}")

    def _move(self, tid: str, user: str, delta: Decimal, answer: Answer) -> bool:
        """Apply delta if the answer is a success; check its CLIENT id is its own."""
        if answer.get("error") is not None:
            return False
        client_id = str(answer.get("transaction_id") or "")
        owner = self._client_ids.setdefault(client_id, tid)
        if not client_id or owner != tid:
            self.violations.append(f"{tid} answered CLIENT id {client_id!r}, also {owner}")
        self.expected[user] = self.expected.get(user, ZERO) + delta
        return True
