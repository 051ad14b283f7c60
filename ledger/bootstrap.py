"""open_ledger(settings): the Ledger on the configured store, its tables created if missing."""

from pathlib import Path

from adapters.failures import store_errors
from adapters.store import StoreSettings, library_env
from ledger.application import Clock, Ledger


def open_ledger(settings: StoreSettings, clock: Clock | None = None) -> Ledger:
    """Every entry point opens the store through here."""
    env = library_env(settings)
    if "SQLITE_DBNAME" in env:
        Path(env["SQLITE_DBNAME"]).parent.mkdir(parents=True, exist_ok=True)
    with store_errors():  # its tables are created now: the store must answer
        return Ledger(env=env) if clock is None else Ledger(env=env, clock=clock)
