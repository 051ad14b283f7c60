"""DATABASE_URL to the eventsourcing library's settings: PostgreSQL, an SQLite file, or memory.

A PostgreSQL URL is read by libpq itself (psycopg's conninfo parser), so every libpq form
works: several hosts (`h1:p1,h2:p2`), percent-encoded passwords, and parameters such as
`sslmode` or `target_session_attrs`, which are handed to every connection. No message
ever echoes any part of the URL: a password can hide in any of its parts.

Every wait on the store is bounded, each bound shorter than the writer's answer deadline
(ledger/writer.py), so an attempt ends with a known outcome or a known failure: the pool
wait, libpq's connect_timeout (per host of a multi-host URL), the session's
statement_timeout, the append's lock_timeout, TCP keepalives and tcp_user_timeout (a
silent peer is declared dead instead of being waited on forever). The URL may set
libpq's own parameters differently; its `options` are appended after ours.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from psycopg import ProgrammingError
from psycopg.conninfo import conninfo_to_dict

from domain.errors import SettingsError

DEFAULT_DATABASE_URL = "sqlite:///var/ledger.sqlite3"
# Parameters the ledger sets itself; the URL's own would be overridden silently.
_OURS = frozenset({"dbname", "host", "port", "user", "password"})
_CHOICES = {
    "sslmode": {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"},
    "target_session_attrs": {
        "any", "read-write", "read-only", "primary", "standby", "prefer-standby",
    },
}  # fmt: skip


class DatabaseURLError(SettingsError):
    """DATABASE_URL cannot be used; the message says why without quoting it."""


@dataclass(frozen=True)
class StoreSettings:
    """Where the store is and how its connections are bounded."""

    url: str = field(repr=False)  # may carry the database password
    pool_size: int = 8
    pool_wait_s: int = 2  # waiting for a free connection (the library's integer setting)
    connect_timeout_s: int = 2  # libpq, per host tried; its minimum is 2
    statement_timeout_s: float = 3.0  # 0: none (long maintenance reads)
    lock_timeout_s: int = 2
    keepalive_idle_s: int = 2  # then probes every second, dead after two unanswered
    tcp_user_timeout_ms: int = 3000  # data sent and unacknowledged this long: dead

    @property
    def postgres(self) -> bool:
        """True for a PostgreSQL store."""
        return urlsplit(self.url).scheme in ("postgresql", "postgres")


def redacted(url: str) -> str:
    """The URL as it may be shown: scheme, hosts, ports and database as libpq reads them,
    never user or password (a `#`, `?` or `@` in a password ends no part of it early)."""
    scheme = urlsplit(url).scheme
    if scheme not in ("postgresql", "postgres"):
        return url
    try:
        params = conninfo_to_dict(url)
    except ProgrammingError:
        return f"{scheme}://(unreadable)"
    # An unencoded @ in a password leaves its tail in libpq's host: never show that part.
    hosts = [h.rpartition("@")[2] for h in str(params.get("host", "")).split(",")]
    ports = str(params.get("port", "")).split(",")
    ports = ports * len(hosts) if len(ports) == 1 else ports
    where = ",".join(f"{h}:{p}" if p else h for h, p in zip(hosts, ports, strict=False))
    return f"{scheme}://{where}/{params.get('dbname', '')}"


def library_env(settings: StoreSettings) -> dict[str, str]:
    """The eventsourcing library's settings for the URL's scheme."""
    scheme = urlsplit(settings.url).scheme
    if scheme in ("postgresql", "postgres"):
        return _postgres_env(settings)
    if scheme == "sqlite":
        return _sqlite_env(settings.url)
    if scheme == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    raise DatabaseURLError("unknown scheme: use postgresql://, sqlite:/// or memory://")


def libpq_params(url: str) -> dict[str, str]:
    """The URL as libpq reads it, checked; refusals never quote it."""
    try:
        params = {k: str(v) for k, v in conninfo_to_dict(url).items()}
    except ProgrammingError:
        raise DatabaseURLError(
            "libpq cannot read it (an unknown parameter, or a character of the password "
            "that must be percent-encoded)"
        ) from None
    if not params.get("host") or not params.get("dbname"):
        raise DatabaseURLError("expected postgresql://user:pass@host:port/dbname")
    ports = params.get("port", "5432").split(",")
    if not all(p.isdigit() and 0 < int(p) < 65536 for p in ports):
        raise DatabaseURLError(
            "a port is not a number from 1 to 65535 (percent-encode / # ? @ in a password)"
        )
    for name, accepted in _CHOICES.items():
        if name in params and params[name] not in accepted:
            raise DatabaseURLError(f"{name} must be one of {', '.join(sorted(accepted))}")
    return params


def _postgres_env(settings: StoreSettings) -> dict[str, str]:
    params = libpq_params(settings.url)
    return {
        "PERSISTENCE_MODULE": "adapters.recorders",
        "POSTGRES_DBNAME": params["dbname"],
        "POSTGRES_HOST": params["host"],
        "POSTGRES_PORT": params.get("port", "5432"),
        "POSTGRES_USER": params.get("user", "postgres"),
        "POSTGRES_PASSWORD": params.get("password", ""),
        "POSTGRES_POOL_SIZE": str(settings.pool_size),
        "POSTGRES_MAX_OVERFLOW": "0",
        "POSTGRES_CONNECT_TIMEOUT": str(settings.pool_wait_s),  # the pool wait, not libpq's
        "POSTGRES_LOCK_TIMEOUT": str(settings.lock_timeout_s),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
        "LIBPQ_OPTIONS": urlencode(connection_bounds(settings, params)),
    }


def connection_bounds(settings: StoreSettings, params: dict[str, str]) -> dict[str, str]:
    """libpq parameters for every connection: our bounds, then the URL's own parameters."""
    ours = {
        "connect_timeout": str(settings.connect_timeout_s),
        "keepalives": "1",
        "keepalives_idle": str(settings.keepalive_idle_s),
        "keepalives_interval": "1",
        "keepalives_count": "2",
        "tcp_user_timeout": str(settings.tcp_user_timeout_ms),
    }
    theirs = {k: v for k, v in params.items() if k not in _OURS}
    statement_ms = round(settings.statement_timeout_s * 1000)
    options = f"-c statement_timeout={statement_ms} {theirs.pop('options', '')}".strip()
    return ours | theirs | {"options": options}


def _sqlite_env(url: str) -> dict[str, str]:
    path = url.removeprefix("sqlite://")
    path = path[1:] if path.startswith("/") else path  # sqlite:///rel, sqlite:////abs
    if not path:
        raise DatabaseURLError("expected sqlite:///path/to/file.sqlite3")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": path,
        "SQLITE_LOCK_TIMEOUT": "5",
    }
