"""A player with a long history against a new one: the cost of a bet when the player is not
in memory and must be loaded from the store (snapshots keep it flat)."""

import statistics
import time
from decimal import Decimal

from adapters.store import StoreSettings
from domain.commands import CreditResult, Deposit, PlaceBet
from domain.ids import player_id
from ledger.application import Ledger
from ledger.bootstrap import open_ledger

CENT = Decimal("0.01")


def build(ledger: Ledger, user: str, events: int) -> None:
    """Give the player `events` money events, a thousand commands per batch."""
    for start in range(0, events, 1000):
        ledger.execute(
            [CreditResult(f"{user}-r{i}", user, "USD", CENT) for i in range(start, start + 1000)]
        )


def cold_bet(ledger: Ledger, user: str, n: int) -> float:
    """Seconds for one bet whose player must be read from the store."""
    ledger.hot.forget([player_id(user)])
    started = time.perf_counter()
    (answer,) = ledger.execute([PlaceBet(f"{user}-bet-{n}", user, "USD", CENT)])
    elapsed = time.perf_counter() - started
    assert answer.error is None, answer
    return elapsed


def measure(url: str, events: int = 100_000, rounds: int = 200) -> dict[str, float]:
    """Median cold-bet time for the veteran and for new players, and their ratio."""
    ledger = open_ledger(StoreSettings(url, pool_size=2))
    try:
        started = time.perf_counter()
        build(ledger, "veteran", events)
        built = time.perf_counter() - started
        veteran, newcomer = [], []
        for n in range(rounds):
            user = f"newcomer-{n}"
            ledger.execute([Deposit(f"fund-{user}", user, "USD", Decimal(1))])
            newcomer.append(cold_bet(ledger, user, n))
            veteran.append(cold_bet(ledger, "veteran", n))
    finally:
        ledger.close()
    old, new = statistics.median(veteran), statistics.median(newcomer)
    return {
        "history_events": events,
        "history_build_s": round(built, 1),
        "bet_ms_long_history": round(old * 1000, 3),
        "bet_ms_new_player": round(new * 1000, 3),
        "ratio": round(old / new, 2),
    }
