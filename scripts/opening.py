"""How every command line opens the ledger: the settings from the environment, once."""

from collections.abc import Iterator
from contextlib import contextmanager

from domain.errors import SettingsError
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from projections.runner import BatchRunner
from service.settings import Settings, from_environment


def settings_or_exit(prog: str, *, serving: bool = False) -> Settings:
    """The settings, or exit 2 with one line naming the variable at fault."""
    try:
        return from_environment(serving=serving)
    except SettingsError as error:
        raise SystemExit(f"{prog}: {error.message}") from None


@contextmanager
def opened_ledger(prog: str) -> Iterator[tuple[Ledger, BatchRunner]]:
    """The ledger named by DATABASE_URL and a runner over its read models, closed after."""
    settings = settings_or_exit(prog)
    ledger = open_ledger(settings.store)
    try:
        batch, grace = settings.projection_batch_size, settings.closing_grace_s
        yield ledger, BatchRunner.of(ledger, batch_size=batch, closing_grace_s=grace)
    finally:
        ledger.close()
