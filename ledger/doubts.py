"""A bet in doubt, and what the writer tells about the bets it commits (ledger/in_doubt.py
keeps them in a journal; NoJournal, for writers whose bets need no settling, keeps nothing)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from domain.commands import PlaceBet, SettleInDoubt


@dataclass(frozen=True)
class Doubt:
    """A bet whose commit may or may not have landed."""

    transaction_id: str
    user_id: str
    currency: str
    amount: str

    @classmethod
    def of(cls, bet: PlaceBet) -> "Doubt":
        return cls(bet.transaction_id, bet.user_id, bet.currency, str(bet.amount))

    @property
    def settle(self) -> SettleInDoubt:
        """The command that settles it."""
        return SettleInDoubt(self.transaction_id, self.user_id, self.currency, Decimal(self.amount))


class Doubts(Protocol):
    """What the writer tells about the bets it commits (Journal, or NoJournal)."""

    def attempting(self, bets: Iterable[PlaceBet]) -> None:
        """Before the commit is attempted."""

    def answered(self, transaction_ids: Iterable[str]) -> None:
        """Their outcome is known; their answers go out next."""

    def in_doubt(self, transaction_ids: Iterable[str]) -> list["Doubt"]:
        """They are answered INTERNAL_ERROR; durable before the answers go out."""

    def holds(self, transaction_id: str) -> "Doubt | None":
        """The bet, when it is in doubt and not settled yet."""

    def doubts_of(self, user_id: str) -> list["Doubt"]:
        """The player's bets in doubt."""

    def settled(self, transaction_id: str) -> None:
        """The store holds its settlement."""


class NoJournal:
    """For a writer whose bets need no settling (tests, tools)."""

    def attempting(self, bets: Iterable[PlaceBet]) -> None:
        """Nothing to keep."""

    def answered(self, transaction_ids: Iterable[str]) -> None:
        """Nothing to keep."""

    def in_doubt(self, transaction_ids: Iterable[str]) -> list["Doubt"]:
        """Nothing kept."""
        del transaction_ids
        return []

    def holds(self, transaction_id: str) -> "Doubt | None":
        """Nothing is ever in doubt."""
        del transaction_id
        return None

    def doubts_of(self, user_id: str) -> list["Doubt"]:
        """Nothing is ever in doubt."""
        del user_id
        return []

    def settled(self, transaction_id: str) -> None:
        """Nothing to settle."""
