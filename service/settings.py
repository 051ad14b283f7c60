"""The service's configuration, read once from the environment into a frozen value."""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from adapters.store import DEFAULT_DATABASE_URL, DatabaseURLError, StoreSettings, library_env
from domain.money import valid_currency_code


class ConfigError(ValueError):
    """A variable is missing or unusable; the message names it, never its value."""


class Secret(str):
    """A string that never shows itself in a repr, a log line or an error."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('***')"


@dataclass(frozen=True)
class OperatorApi:
    """Where and how the casino calls the OPERATOR (auth, start-session)."""

    url: str
    version: str
    username: Secret
    password: Secret


@dataclass(frozen=True)
class Config:
    """Everything the service needs, built by from_env() and passed to create_app()."""

    store: StoreSettings
    security_hash: Secret
    admin_token: Secret
    host: str = "127.0.0.1"
    port: int = 8080
    operator: OperatorApi | None = None
    currencies: frozenset[str] = frozenset({"USD", "EUR", "GBP"})
    languages: frozenset[str] = frozenset({"en", "es", "fr"})
    callback_path: str = "/api/payment/webhook/igpx"
    write_lanes: int = 2
    write_batch_max: int = 128
    log_level: str = "info"
    projections: str = "auto"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Config":
        """Read and check every variable; the first problem raises ConfigError."""
        lanes = _int(env, "WRITE_LANES", 2, low=1, high=64)
        return cls(
            store=_store(env, pool_size=lanes + 4),
            security_hash=_secret(env, "IGPX_SECURITY_HASH"),
            admin_token=_secret(env, "ADMIN_TOKEN"),
            host=env.get("HOST", "127.0.0.1") or "127.0.0.1",
            port=_int(env, "PORT", 8080, low=0, high=65535),
            operator=_operator(env),
            currencies=_currencies(env),
            languages=_list(env, "LANGUAGES", "en,es,fr"),
            callback_path=_callback_path(env),
            write_lanes=lanes,
            write_batch_max=_int(env, "WRITE_BATCH_MAX", 128, low=1, high=1000),
            log_level=_choice(env, "LOG_LEVEL", "info", ("debug", "info", "warning")),
            projections=_choice(env, "PROJECTIONS", "auto", ("auto", "process", "thread", "off")),
        )


def _store(env: Mapping[str, str], pool_size: int) -> StoreSettings:
    url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    settings = StoreSettings(url=url, pool_size=pool_size)
    try:
        library_env(settings)
    except DatabaseURLError as error:
        raise ConfigError(f"DATABASE_URL: {error}") from None
    return settings


def _secret(env: Mapping[str, str], name: str) -> Secret:
    value = env.get(name, "")
    if not value:
        raise ConfigError(f"{name} is not set: the service refuses to start without it")
    return Secret(value)


def _int(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value


def _list(env: Mapping[str, str], name: str, default: str) -> frozenset[str]:
    items = frozenset(i.strip() for i in env.get(name, default).split(",") if i.strip())
    if not items:
        raise ConfigError(f"{name} must list at least one value")
    return items


def _currencies(env: Mapping[str, str]) -> frozenset[str]:
    codes = _list(env, "CURRENCIES", "USD,EUR,GBP")
    bad = sorted(c for c in codes if not valid_currency_code(c))
    if bad:
        raise ConfigError(f"CURRENCIES must be upper-case 3-letter codes, not {bad}")
    return codes


def _callback_path(env: Mapping[str, str]) -> str:
    path = env.get("CALLBACK_PATH", "/api/payment/webhook/igpx").rstrip("/")
    if not path.startswith("/") or "//" in path or " " in path:
        raise ConfigError("CALLBACK_PATH must be an absolute path like /api/payment/webhook/igpx")
    return path


def _choice(env: Mapping[str, str], name: str, default: str, options: tuple[str, ...]) -> str:
    value = env.get(name, default).lower()
    if value not in options:
        raise ConfigError(f"{name} must be one of {', '.join(options)}")
    return value


def _operator(env: Mapping[str, str]) -> OperatorApi | None:
    names = ("IGPX_API_URL", "IGPX_API_VERSION", "IGPX_CLIENT_USERNAME", "IGPX_CLIENT_PASSWORD")
    values = [env.get(n, "") for n in names]
    if not any(values):
        return None
    missing = [n for n, v in zip(names, values, strict=True) if not v]
    if missing:
        raise ConfigError(f"{', '.join(missing)} must be set with the other IGPX_ variables")
    url = values[0].rstrip("/")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ConfigError("IGPX_API_URL must be an http:// or https:// URL")
    return OperatorApi(url, values[1].strip("/"), Secret(values[2]), Secret(values[3]))
