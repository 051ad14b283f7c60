"""What the ledger answers for one command, whatever the transport that renders it."""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from domain.codes import Code


@dataclass(frozen=True, slots=True)
class Answer:
    """A success names its CLIENT transaction id and the balance after; a decline its code."""

    error: Code | None = None
    transaction_id: UUID | None = None
    currency: str | None = None
    balance: Decimal | None = None
    mismatch: tuple[str, ...] = ()
    note: str | None = None  # what an internal command did (a settlement's outcome)

    @classmethod
    def declined(cls, code: Code) -> "Answer":
        """An answer that moved no money and says why."""
        return cls(error=code)
