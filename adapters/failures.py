"""The library's persistence errors as the two the ledger acts on."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import IntegrityError, PersistenceError

from domain.codes import Code
from domain.errors import LedgerError


class ConflictError(LedgerError):
    """Another writer recorded first; deciding again on fresh state resolves it."""

    code = Code.INTERNAL_ERROR


class StoreUnavailableError(LedgerError):
    """The store did not answer; whether a commit in flight landed is unknown."""

    code = Code.INTERNAL_ERROR


class CommitUnconfirmedError(StoreUnavailableError):
    """The primary committed locally but its synchronous standby never confirmed it: the
    commit survives only if no failover follows. Reading again cannot tell (the primary
    shows its own commit), so the outcome stays unknown until the formation settles."""


class DeadlinePassedError(LedgerError):
    """The store refused the commit: its deadline had passed. Nothing of it landed."""

    code = Code.INTERNAL_ERROR


class ReplicationUnconfirmed(PersistenceError):
    """Raised by the recorder when PostgreSQL cancelled a commit's wait for its standby."""


class DeadlinePassed(PersistenceError):
    """Raised by the recorder when the store refused a commit after its deadline."""


@contextmanager
def store_errors(forget: Callable[[], Any] = lambda: None) -> Iterator[None]:
    """Translate persistence errors; forget() drops what memory may hold wrongly."""
    try:
        yield
    except IntegrityError as error:
        forget()
        raise ConflictError(str(error)) from error
    except ReplicationUnconfirmed as error:
        forget()
        raise CommitUnconfirmedError(str(error)) from error
    except DeadlinePassed as error:
        forget()
        raise DeadlinePassedError(str(error)) from error
    except PersistenceError as error:
        forget()
        raise StoreUnavailableError(str(error)) from error
