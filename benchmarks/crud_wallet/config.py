"""The CRUD wallet's settings, read once from the environment."""

from collections.abc import Mapping
from dataclasses import dataclass


class ConfigError(ValueError):
    """A variable is missing or unusable; the message names it, never its value."""


@dataclass(frozen=True)
class Config:
    """Everything the CRUD wallet needs to serve."""

    database_url: str
    security_hash: str
    admin_token: str
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    pool_size: int = 16
    currencies: frozenset[str] = frozenset({"USD", "EUR", "GBP"})
    callback_path: str = "/api/payment/webhook/igpx"
    log_level: str = "INFO"

    def __repr__(self) -> str:
        return f"Config(host={self.host!r}, port={self.port}, workers={self.workers})"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Config":
        """Read and check every variable; the first problem raises ConfigError."""
        url = env.get("DATABASE_URL", "")
        if not url.startswith(("postgresql://", "postgres://")):
            raise ConfigError("DATABASE_URL must be a postgresql:// URL")
        currencies = frozenset(c.strip() for c in env.get("CURRENCIES", "USD,EUR,GBP").split(","))
        return cls(
            database_url=url,
            security_hash=_required(env, "IGPX_SECURITY_HASH"),
            admin_token=_required(env, "ADMIN_TOKEN"),
            host=env.get("HOST") or "127.0.0.1",
            port=_int(env, "PORT", 8080, 0, 65535),
            workers=_int(env, "WORKERS", 1, 1, 64),
            pool_size=_int(env, "POOL_SIZE", 16, 1, 90),
            currencies=currencies - {""},
            callback_path=env.get("CALLBACK_PATH", "/api/payment/webhook/igpx").rstrip("/"),
            log_level=env.get("LOG_LEVEL", "info").upper(),
        )


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "")
    if not value:
        raise ConfigError(f"{name} is not set: the wallet refuses to start without it")
    return value


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value
