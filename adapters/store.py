"""DATABASE_URL to an open Ledger: PostgreSQL, an SQLite file, or memory for tests."""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dotenv import load_dotenv

from ledger.application import Clock, Ledger

DEFAULT_DATABASE_URL = "sqlite:///var/ledger.sqlite3"


class DatabaseURLError(ValueError):
    """DATABASE_URL cannot be used; the message says why."""


@dataclass(frozen=True)
class StoreSettings:
    """How the writer and the pool are sized, next to where the store is."""

    url: str = field(repr=False)  # may carry the database password
    pool_size: int = 8
    connect_timeout_s: int = 2
    lock_timeout_s: int = 5


def redacted(url: str) -> str:
    """The URL without its password, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def library_env(settings: StoreSettings) -> dict[str, str]:
    """The eventsourcing library's settings for the URL's scheme."""
    parts = urlsplit(settings.url)
    if parts.scheme in ("postgresql", "postgres"):
        return _postgres_env(settings)
    if parts.scheme == "sqlite":
        return _sqlite_env(settings.url)
    if parts.scheme == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    raise DatabaseURLError(
        f"unknown scheme {parts.scheme!r}: use postgresql://, sqlite:/// or memory://"
    )


def _postgres_env(settings: StoreSettings) -> dict[str, str]:
    parts = urlsplit(settings.url)
    dbname = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not dbname:
        raise DatabaseURLError("expected postgresql://user:pass@host:port/dbname")
    try:
        port = parts.port or 5432
    except ValueError as error:
        raise DatabaseURLError(f"bad port: {error}") from None
    return {
        "PERSISTENCE_MODULE": "adapters.recorders",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname,
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": str(settings.pool_size),
        "POSTGRES_MAX_OVERFLOW": "0",
        "POSTGRES_CONNECT_TIMEOUT": str(settings.connect_timeout_s),
        "POSTGRES_LOCK_TIMEOUT": str(settings.lock_timeout_s),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
    }


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


def open_ledger(settings: StoreSettings, clock: Clock | None = None) -> Ledger:
    """A Ledger on the configured store, its tables created if missing."""
    env = library_env(settings)
    if "SQLITE_DBNAME" in env:
        Path(env["SQLITE_DBNAME"]).parent.mkdir(parents=True, exist_ok=True)
    return Ledger(env=env) if clock is None else Ledger(env=env, clock=clock)


def ledger_from_env(pool_size: int = 4) -> Ledger:
    """The ledger named by DATABASE_URL (environment, then .env), for command-line tools."""
    load_dotenv(".env", override=False)
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    return open_ledger(StoreSettings(url, pool_size=pool_size))
