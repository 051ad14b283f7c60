"""The one settings object: typed, frozen, built once from the environment for every entry
point (the server, the projections process, every script). Nothing else reads os.environ."""

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from dotenv import load_dotenv

from adapters.store import DEFAULT_DATABASE_URL, DatabaseURLError, StoreSettings, library_env
from domain.errors import SettingsError
from domain.money import valid_currency_code

MIN_SECRET_LENGTH = 16
OPS_CONNECTIONS = 1  # /readyz and /metrics probe the store on a connection of their own
SERVING_STATEMENT_TIMEOUT_S = 3.0  # shorter than the writer's answer deadline
DEFAULT_CALLBACK_PATH = "/api/payment/webhook/igpx"


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
class Settings:
    """Everything any entry point needs; from_env() reads it, nothing else does."""

    store: StoreSettings
    security_hash: Secret = field(default=Secret(""))
    admin_token: Secret = field(default=Secret(""))
    auditor_token: Secret = field(default=Secret(""))  # read-only /api/; empty: none
    backoffice_secret: Secret = field(default=Secret(""))  # session key; empty: one per process
    backoffice_password: Secret = field(default=Secret(""))  # for `scripts.users add` only
    host: str = "127.0.0.1"
    port: int = 8080
    operator: OperatorApi | None = None
    currencies: frozenset[str] = frozenset({"USD", "EUR", "GBP"})
    languages: frozenset[str] = frozenset({"en", "es", "fr"})
    callback_path: str = DEFAULT_CALLBACK_PATH
    write_lanes: int = 2
    write_batch_max: int = 128
    read_pool_size: int = 4
    log_level: str = "info"
    projections: str = "auto"
    projection_batch_size: int = 1000
    closing_grace_s: int = 300
    parent_pid: int | None = None  # set for the server's projections child
    in_doubt_journal: str = ""  # default: var/in-doubt-{PORT}.jsonl
    dev: bool = False

    @property
    def journal_path(self) -> str:
        """Where this server keeps its bets in doubt: one file per server (its port) and
        store, so a server restarted in its place settles what it left."""
        store = hashlib.sha256(self.store.url.encode()).hexdigest()[:12]
        return self.in_doubt_journal or f"var/in-doubt-{self.port}-{store}.jsonl"

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, serving: bool = True) -> "Settings":
        """Read and check every variable; the first problem raises SettingsError.

        serving: the HTTP server's secrets are required (command-line tools need none).
        """
        dev = _flag(env, "LEDGER_DEV")
        lanes = _int(env, "WRITE_LANES", 2, low=1, high=64)
        reads = _int(env, "READ_POOL_SIZE", 4, low=1, high=64)
        return cls(
            store=_store(env, pool_size=lanes + reads + OPS_CONNECTIONS, serving=serving),
            security_hash=_secret(env, "IGPX_SECURITY_HASH", required=serving, dev=dev),
            admin_token=_secret(env, "ADMIN_TOKEN", required=serving, dev=dev),
            auditor_token=_auditor_token(env, dev=dev),
            backoffice_secret=_secret(env, "BACKOFFICE_SECRET", required=False, dev=dev),
            backoffice_password=Secret(env.get("BACKOFFICE_PASSWORD", "")),  # its rules: users
            host=env.get("HOST", "127.0.0.1") or "127.0.0.1",
            port=_int(env, "PORT", 8080, low=0, high=65535),
            operator=_operator(env),
            currencies=_currencies(env),
            languages=_list(env, "LANGUAGES", "en,es,fr"),
            callback_path=_callback_path(env),
            write_lanes=lanes,
            write_batch_max=_int(env, "WRITE_BATCH_MAX", 128, low=1, high=1000),
            read_pool_size=reads,
            log_level=_choice(env, "LOG_LEVEL", "info", ("debug", "info", "warning")),
            projections=_choice(env, "PROJECTIONS", "auto", ("auto", "process", "thread", "off")),
            projection_batch_size=_int(env, "PROJECTION_BATCH_SIZE", 1000, low=1, high=100_000),
            closing_grace_s=_int(env, "CLOSING_GRACE_S", 300, low=30, high=86_400),
            parent_pid=_int(env, "PROJECTIONS_PARENT_PID", 0, low=0, high=2**31) or None,
            in_doubt_journal=env.get("IN_DOUBT_JOURNAL", ""),
            dev=dev,
        )


def from_environment(*, serving: bool = True) -> Settings:
    """The process environment over a local .env file, read once at start-up."""
    load_dotenv(".env", override=False)
    return Settings.from_env(os.environ, serving=serving)


def with_defaults(defaults: Mapping[str, str]) -> dict[str, str]:
    """The process environment (and .env) over these defaults, for the variables they name."""
    load_dotenv(".env", override=False)
    return {**defaults, **{k: v for k, v in os.environ.items() if k in defaults}}


def environment_with(variables: Mapping[str, str]) -> dict[str, str]:
    """This process's environment with these variables set, for a child process."""
    return os.environ | dict(variables)


def child_environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment for a child process that must see the same store and log level."""
    return environment_with(
        {
            "DATABASE_URL": settings.store.url,
            "LOG_LEVEL": settings.log_level,
            "PROJECTION_BATCH_SIZE": str(settings.projection_batch_size),
            **extra,
        }
    )


def _store(env: Mapping[str, str], pool_size: int, serving: bool) -> StoreSettings:
    url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    # Command lines (replay, reports) may read the whole ledger in one statement.
    statement_s = SERVING_STATEMENT_TIMEOUT_S if serving else 0.0
    settings = StoreSettings(url=url, pool_size=pool_size, statement_timeout_s=statement_s)
    try:
        library_env(settings)
    except DatabaseURLError as error:
        raise SettingsError(f"DATABASE_URL: {error.message}") from None
    return settings


def _secret(env: Mapping[str, str], name: str, *, required: bool, dev: bool) -> Secret:
    value = env.get(name, "")
    if not value and required:
        raise SettingsError(f"{name} is not set: the service refuses to start without it")
    if value and len(value) < MIN_SECRET_LENGTH and not dev:
        raise SettingsError(f"{name} must have at least {MIN_SECRET_LENGTH} characters")
    return Secret(value)


def _auditor_token(env: Mapping[str, str], *, dev: bool) -> Secret:
    token = _secret(env, "AUDITOR_TOKEN", required=False, dev=dev)
    if token and token == env.get("ADMIN_TOKEN"):
        raise SettingsError("AUDITOR_TOKEN must differ from ADMIN_TOKEN")
    return token


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").lower() in ("1", "true", "yes")


def _int(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
        raise SettingsError(f"{name} must be a whole number")
    value = int(raw) if raw else default
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}")
    return value


def _list(env: Mapping[str, str], name: str, default: str) -> frozenset[str]:
    items = frozenset(i.strip() for i in env.get(name, default).split(",") if i.strip())
    if not items:
        raise SettingsError(f"{name} must list at least one value")
    return items


def _currencies(env: Mapping[str, str]) -> frozenset[str]:
    codes = _list(env, "CURRENCIES", "USD,EUR,GBP")
    if not all(valid_currency_code(c) for c in codes):
        raise SettingsError("CURRENCIES must be upper-case 3-letter codes")
    return codes


def _callback_path(env: Mapping[str, str]) -> str:
    path = env.get("CALLBACK_PATH", DEFAULT_CALLBACK_PATH).rstrip("/")
    if not path.startswith("/") or "//" in path or not path.isascii() or not path.isprintable():
        raise SettingsError(f"CALLBACK_PATH must be an absolute path like {DEFAULT_CALLBACK_PATH}")
    if " " in path or any(c in path for c in "{}?#%"):
        raise SettingsError("CALLBACK_PATH must be a plain path: no spaces, {}, ?, # or %")
    return path


def _choice(env: Mapping[str, str], name: str, default: str, options: tuple[str, ...]) -> str:
    value = env.get(name, default).lower()
    if value not in options:
        raise SettingsError(f"{name} must be one of {', '.join(options)}")
    return value


def _operator(env: Mapping[str, str]) -> OperatorApi | None:
    names = ("IGPX_API_URL", "IGPX_API_VERSION", "IGPX_CLIENT_USERNAME", "IGPX_CLIENT_PASSWORD")
    values = [env.get(n, "") for n in names]
    if not any(values):
        return None
    missing = [n for n, v in zip(names, values, strict=True) if not v]
    if missing:
        raise SettingsError(f"{', '.join(missing)} must be set with the other IGPX_ variables")
    url = values[0].rstrip("/")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise SettingsError("IGPX_API_URL must be an http:// or https:// URL")
    # The OPERATOR issues these credentials: their length is not ours to judge.
    return OperatorApi(url, values[1].strip("/"), Secret(values[2]), Secret(values[3]))
