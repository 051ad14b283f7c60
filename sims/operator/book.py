"""The simulated sportsbook: a fixed card of matches, and each player's bets on them."""

import uuid
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sims.wire import amount_text, smallest

PICKS = ("home", "draw", "away")


@dataclass(frozen=True)
class Match:
    """One fixture with decimal odds for home, draw and away."""

    id: str
    home: str
    away: str
    odds: tuple[str, str, str]

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "home": self.home,
            "away": self.away,
            "odds": dict(zip(PICKS, self.odds, strict=True)),
        }


CARD = (
    Match("m1", "Lisbon Lions", "Porto Tigers", ("1.85", "3.40", "4.20")),
    Match("m2", "Madrid Comets", "Seville Suns", ("2.10", "3.10", "3.50")),
    Match("m3", "London Foxes", "Leeds Owls", ("1.50", "4.00", "6.50")),
)


def new_transaction_id() -> str:
    """An OPERATOR-side transaction id, unique across the simulator's runs."""
    return f"igpx-{uuid.uuid4().hex[:20]}"


@dataclass
class Bet:
    """A placed bet; status moves from sent to open (or declined), then won, lost or rolled back."""

    id: str
    user_id: str
    currency: str
    match: Match
    pick: str
    stake: Decimal
    status: str = "sent"
    settled_by: list[str] = field(default_factory=list)

    @property
    def odds(self) -> Decimal:
        return Decimal(self.match.odds[PICKS.index(self.pick)])

    def payout(self) -> Decimal:
        """Stake times odds, rounded down to the currency's smallest unit."""
        return (self.stake * self.odds).quantize(smallest(self.currency), ROUND_DOWN)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "match": f"{self.match.home} v {self.match.away}",
            "pick": self.pick,
            "odds": str(self.odds),
            "stake": amount_text(self.stake, self.currency),
            "payout": amount_text(self.payout(), self.currency),
            "status": self.status,
        }


class Book:
    """Every bet the simulator took, by id, in the order taken."""

    def __init__(self) -> None:
        self.bets: dict[str, Bet] = {}

    def place(self, user_id: str, currency: str, match_id: str, pick: str, stake: Decimal) -> Bet:
        """Record a new bet; a ValueError names an unknown match or pick."""
        match = next((m for m in CARD if m.id == match_id), None)
        if match is None or pick not in PICKS:
            raise ValueError("pick a match and home, draw or away")
        bet = Bet(new_transaction_id(), user_id, currency, match, pick, stake)
        self.bets[bet.id] = bet
        return bet

    def of(self, user_id: str, currency: str) -> list[Bet]:
        """The player's bets, newest first."""
        mine = [b for b in self.bets.values() if (b.user_id, b.currency) == (user_id, currency)]
        return mine[::-1]
