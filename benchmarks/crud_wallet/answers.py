"""What the wallet answers for one request, and how a stored row reads back as that answer."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from benchmarks.crud_wallet.parsing import format_amount


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a callback was settled: applied, declined with a code, or recorded moving nothing."""

    status: str
    error: str | None = None
    balance: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """The OPERATOR's answer: a code, or the CLIENT id with the balance after."""

    error: str | None
    transaction_id: UUID | None = None
    currency: str | None = None
    balance: Decimal | None = None

    @classmethod
    def of(cls, outcome: Outcome, client_id: UUID, currency: str) -> "Answer":
        """The answer an outcome gives, first time and on every repeat."""
        if outcome.status == "declined":
            return cls(outcome.error)
        return cls(None, client_id, currency, outcome.balance)

    def payload(self) -> dict[str, Any]:
        """The JSON body: error null with ids and balance, or just the code."""
        if self.error is not None:
            return {"error": self.error}
        body: dict[str, Any] = {"error": None, "transaction_id": str(self.transaction_id)}
        if self.balance is not None and self.currency is not None:
            body["balance"] = format_amount(self.balance, self.currency)
        return body


INTERNAL_ERROR = Answer("INTERNAL_ERROR")
