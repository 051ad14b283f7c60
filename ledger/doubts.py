"""A bet the ledger answered with an error, and settling it: making that answer true.

The OPERATOR takes the error as final, so the bet must cost the player nothing: once the
store answers again, SettleInDoubt (domain/settling.py) gives the stake back if that very
delivery landed it, or closes its id if nothing did. Every settlement goes through the
writer, in its player's lane, like any command.
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from domain.answers import Answer
from domain.commands import Command, PlaceBet, SettleInDoubt
from domain.settling import UNCHANGED


@dataclass(frozen=True)
class Doubt:
    """A bet answered with an error (or whose answer never left), and the delivery it was."""

    transaction_id: str
    user_id: str
    currency: str
    amount: str
    delivery: str | None

    @classmethod
    def of(cls, bet: PlaceBet) -> "Doubt":
        return cls(bet.transaction_id, bet.user_id, bet.currency, str(bet.amount), bet.delivery)

    @property
    def settle(self) -> SettleInDoubt:
        """The command that settles it."""
        return SettleInDoubt(
            self.transaction_id, self.user_id, self.currency, Decimal(self.amount), self.delivery
        )


class Doubts(Protocol):
    """Where a writer keeps the bets it answered with an error (ErrorRecord, or NoRecord)."""

    @property
    def healthy(self) -> bool:
        """Whether a bet answered with an error now could be written down."""

    def add(self, doubts: list[Doubt]) -> bool:
        """Durable before an error answer leaves; False if the disk refused (kept in memory)."""

    def settled(self, transaction_id: str) -> None:
        """The store holds its settlement."""

    def doubts_of(self, user_id: str) -> list[Doubt]:
        """The player's bets still to settle."""

    def doubts(self) -> list[Doubt]:
        """Every bet still to settle, oldest first."""


class NoRecord:
    """For a writer whose bets need no settling (tests of other things, tools)."""

    healthy = True

    def add(self, doubts: list[Doubt]) -> bool:
        del doubts
        return True

    def settled(self, transaction_id: str) -> None:
        """Nothing to settle."""

    def doubts_of(self, user_id: str) -> list[Doubt]:
        del user_id
        return []

    def doubts(self) -> list[Doubt]:
        return []


Submit = Callable[[Command], Awaitable[Answer]]
Confirm = Callable[[], Awaitable[bool]]


async def settle_doubts(
    doubts: Iterable[Doubt], submit: Submit, confirm: Confirm
) -> list[tuple[Doubt, str]]:
    """One pass: (doubt, "reversed" / "closed" / "unchanged") for each the store settled.

    A pass stops at the first the store does not take (it is down still: try again later).
    A settlement that wrote nothing is only trusted once a later commit is confirmed: what
    it read may be a commit only the primary holds, which a failover could still lose.
    """
    settled = []
    for doubt in doubts:
        answer = await submit(doubt.settle)
        if answer.error is not None or (answer.note == UNCHANGED and not await confirm()):
            break
        settled.append((doubt, answer.note or UNCHANGED))
    return settled
