"""What the simulator remembers while it runs: its key, counters, faults, bets and callbacks."""

import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sims.operator.book import Book
from sims.operator.ledger import LedgerLink
from sims.operator.settings import SimSettings


@dataclass
class Faults:
    """Failures a test switches on: a forced HTTP status, or a pause before answering."""

    auth_status: int | None = None
    session_status: int | None = None
    delay_s: float = 0.0


@dataclass
class Operator:
    """The simulator's whole state, one per process."""

    settings: SimSettings
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    generation: int = 0  # bumping it revokes every auth token issued so far
    auth_calls: int = 0
    auth_refused: int = 0
    session_calls: int = 0
    session_refused: int = 0
    issued_tokens: list[str] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)
    book: Book = field(default_factory=Book)
    port: int = 0

    def stats(self) -> dict[str, Any]:
        """Counters for tests; issued tokens so a test can prove none of them leaked."""
        return {
            "auth_calls": self.auth_calls,
            "auth_refused": self.auth_refused,
            "session_calls": self.session_calls,
            "session_refused": self.session_refused,
            "issued_tokens": self.issued_tokens[-1000:],
        }


OPERATOR = web.AppKey("operator", Operator)
LINK = web.AppKey("link", LedgerLink)
