"""The demo casino's settings: flags over environment variables over demo defaults."""

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sims.casino
from sims.options import Secret, flags_over_env

_OPTIONS = (
    ("host", "CASINO_HOST", "127.0.0.1", "where the casino listens"),
    ("port", "CASINO_PORT", "8000", "its port"),
    ("ledger-url", "LEDGER_URL", "http://127.0.0.1:8080", "the ledger it calls"),
    ("player", "CASINO_PLAYER", "demo-player", "the logged-in player"),
    ("currency", "CASINO_CURRENCY", "USD", "the player's currency"),
    ("lang", "CASINO_LANG", "en", "the sportsbook's language"),
)


@dataclass(frozen=True)
class CasinoSettings:
    """Where the casino listens, which ledger it uses, and its one logged-in player."""

    ledger_url: str
    admin_token: Secret
    host: str = "127.0.0.1"
    port: int = 8000
    player: str = "demo-player"
    currency: str = "USD"
    lang: str = "en"


def parse(argv: Sequence[str], env: Mapping[str, str] = os.environ) -> CasinoSettings:
    """Read flags, then the environment; ADMIN_TOKEN comes from the environment only."""
    parser = flags_over_env("python -m sims.casino", sims.casino.__doc__, _OPTIONS, env)
    args = parser.parse_args(argv)
    token = env.get("ADMIN_TOKEN", "")
    if not token:
        parser.error("ADMIN_TOKEN must be set in the environment (the ledger's admin token)")
    return CasinoSettings(
        ledger_url=args.ledger_url.rstrip("/"),
        admin_token=Secret(token),
        host=args.host,
        port=int(args.port),
        player=args.player,
        currency=args.currency,
        lang=args.lang,
    )
