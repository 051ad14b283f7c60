"""The one settings object: typed, frozen, built once from the environment for every entry
point (the server, the projections process, every script). Nothing else reads os.environ."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from dotenv import load_dotenv

from adapters.store import DEFAULT_DATABASE_URL, DatabaseURLError, StoreSettings, library_env
from domain.errors import SettingsError
from service import variables as v
from service.variables import DEFAULT_CALLBACK_PATH, Networks, OperatorApi, Secret

OPS_CONNECTIONS = 1  # /readyz and /metrics probe the store on a connection of their own
SERVING_STATEMENT_TIMEOUT_S = 3.0  # shorter than the writer's answer deadline


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
    write_lanes: int = 1
    write_batch_max: int = 128
    read_pool_size: int = 4
    reconcile_pool_size: int = 1  # threads (and store connections) of reconciliations
    reconcile_max_bytes: int = 64 * 1024 * 1024  # an OPERATOR export uploaded, streamed
    log_level: str = "info"
    projections: str = "auto"
    projection_batch_size: int = 1000
    closing_grace_s: int = 300
    parent_pid: int | None = None  # set for the server's projections child
    error_record: str = ""  # default: record_path
    trusted_proxies: Networks = ()  # whose X-Forwarded-For and -Proto are believed
    callback_allowed_ips: Networks = ()  # empty: callbacks from anywhere (signed)
    dev: bool = False

    @property
    def record_path(self) -> str:
        """Where this server writes down the bets it answered with an error: one file per
        server, on its own disk, the same across its restarts (never derived from the
        database URL, which may change and carries the password)."""
        return self.error_record or f"var/error-record-{self.port}.log"

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, serving: bool = True) -> "Settings":
        """Read and check every variable; the first problem raises SettingsError.

        serving: the HTTP server's secrets are required (command-line tools need none).
        """
        dev = v.flag(env, "LEDGER_DEV")
        lanes = v.whole(env, "WRITE_LANES", 1, low=1, high=64)
        reads = v.whole(env, "READ_POOL_SIZE", 4, low=1, high=64)
        reconciles = v.whole(env, "RECONCILE_POOL_SIZE", 1, low=1, high=8)
        connections = lanes + reads + reconciles + OPS_CONNECTIONS
        return cls(
            store=_store(env, pool_size=connections, serving=serving),
            security_hash=v.secret(env, "IGPX_SECURITY_HASH", required=serving, dev=dev),
            admin_token=v.secret(env, "ADMIN_TOKEN", required=serving, dev=dev),
            auditor_token=v.auditor_token(env, dev=dev),
            backoffice_secret=v.secret(env, "BACKOFFICE_SECRET", required=False, dev=dev),
            backoffice_password=Secret(env.get("BACKOFFICE_PASSWORD", "")),  # its rules: users
            host=env.get("HOST", "127.0.0.1") or "127.0.0.1",
            port=v.whole(env, "PORT", 8080, low=0, high=65535),
            operator=v.operator(env),
            currencies=v.currencies(env),
            languages=v.items(env, "LANGUAGES", "en,es,fr"),
            callback_path=v.callback_path(env),
            write_lanes=lanes,
            write_batch_max=v.whole(env, "WRITE_BATCH_MAX", 128, low=1, high=1000),
            read_pool_size=reads,
            reconcile_pool_size=reconciles,
            reconcile_max_bytes=v.whole(
                env, "RECONCILE_MAX_BYTES", 64 * 1024 * 1024, low=1024, high=2**40
            ),
            log_level=v.choice(env, "LOG_LEVEL", "info", ("debug", "info", "warning")),
            projections=v.choice(env, "PROJECTIONS", "auto", ("auto", "process", "thread", "off")),
            projection_batch_size=v.whole(env, "PROJECTION_BATCH_SIZE", 1000, low=1, high=100_000),
            closing_grace_s=v.whole(env, "CLOSING_GRACE_S", 300, low=30, high=86_400),
            parent_pid=v.whole(env, "PROJECTIONS_PARENT_PID", 0, low=0, high=2**31) or None,
            error_record=env.get("ERROR_RECORD", ""),
            trusted_proxies=v.networks(env, "TRUSTED_PROXIES"),
            callback_allowed_ips=v.networks(env, "CALLBACK_ALLOWED_IPS"),
            dev=dev,
        )


def from_environment(*, serving: bool = True) -> Settings:
    """The process environment over a local .env file, read once at start-up."""
    load_dotenv(".env", override=False)
    return Settings.from_env(os.environ, serving=serving)


def with_defaults(defaults: Mapping[str, str]) -> dict[str, str]:
    """The process environment (and .env) over these defaults, for the variables they name."""
    load_dotenv(".env", override=False)
    return {**defaults, **{name: value for name, value in os.environ.items() if name in defaults}}


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
