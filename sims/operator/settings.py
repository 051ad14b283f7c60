"""The simulator's settings: flags over environment variables over dev defaults."""

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sims.operator
from sims.options import Secret, flags_over_env

# (flag, variable, default, help): the IGPX_* names match the ledger's, so one .env serves both.
_OPTIONS = (
    ("host", "OPERATOR_HOST", "127.0.0.1", "where the simulator listens"),
    ("port", "OPERATOR_PORT", "8090", "its port (0 picks a free one)"),
    ("public-url", "OPERATOR_PUBLIC_URL", "", "base of the iframe URLs; default http://HOST:PORT"),
    ("version", "IGPX_API_VERSION", "v1", "the API version in its paths"),
    ("username", "IGPX_CLIENT_USERNAME", "dev-casino", "the casino's username"),
    ("password", "IGPX_CLIENT_PASSWORD", "dev-operator-password", "prefer the variable"),
    ("ledger-url", "LEDGER_URL", "http://127.0.0.1:8080", "the casino's ledger"),
    ("callback-path", "CALLBACK_PATH", "/api/payment/webhook/igpx", "its callback path"),
    ("secret", "IGPX_SECURITY_HASH", "dev-security-hash", "callback HMAC key; prefer the variable"),
    ("token-lifetime", "OPERATOR_TOKEN_LIFETIME", "3600", "seconds an auth token lives"),
    ("currencies", "CURRENCIES", "USD,EUR,GBP", "currencies start-session accepts"),
    ("retry-max", "OPERATOR_RETRY_MAX", "2", "longest pause, in seconds, between retries"),
    ("lose-answers", "OPERATOR_LOSE_ANSWERS", "0", "share of bets whose answer is lost (0 to 1)"),
)


@dataclass(frozen=True)
class SimSettings:
    """What the simulator needs to serve the casino and call its ledger back."""

    host: str
    port: int
    public_url: str
    version: str
    username: Secret
    password: Secret
    ledger_url: str
    callback_path: str
    secret: Secret
    token_lifetime: float
    currencies: frozenset[str]
    retry_max: float
    lose_answers: float = 0.0

    def base_url(self, port: int) -> str:
        """Where players' browsers reach the iframe."""
        return (self.public_url or f"http://{self.host}:{port}").rstrip("/")

    def callback_url(self, leaf: str) -> str:
        """{LEDGER_URL}{CALLBACK_PATH}/{leaf}."""
        return f"{self.ledger_url.rstrip('/')}{self.callback_path}/{leaf}"


def parse(argv: Sequence[str], env: Mapping[str, str] = os.environ) -> SimSettings:
    """Read flags, falling back to the environment, then to the dev defaults."""
    parser = flags_over_env("python -m sims.operator", sims.operator.__doc__, _OPTIONS, env)
    args = parser.parse_args(argv)
    lifetime, retry_max = float(args.token_lifetime), float(args.retry_max)
    if lifetime <= 0 or retry_max <= 0:
        parser.error("--token-lifetime and --retry-max must be positive")
    lose = float(args.lose_answers)
    if not 0 <= lose <= 1:
        parser.error("--lose-answers must be a share from 0 to 1")
    return SimSettings(
        host=args.host,
        port=int(args.port),
        public_url=args.public_url,
        version=args.version.strip("/"),
        username=Secret(args.username),
        password=Secret(args.password),
        ledger_url=args.ledger_url,
        callback_path=args.callback_path.rstrip("/"),
        secret=Secret(args.secret),
        token_lifetime=lifetime,
        currencies=frozenset(c.strip() for c in args.currencies.split(",") if c.strip()),
        retry_max=retry_max,
        lose_answers=lose,
    )
